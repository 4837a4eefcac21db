import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  backupRetention,
  customerManagedKeyAtRest,
  databaseAuditLogs,
  logRetention,
  noPlaintextSecrets,
  noPublicBucket,
  productionDeletionProtection,
  wafGuarded,
} from './rules.js';

export interface IsmsPChecksProps extends NagPackProps {
  /** Whether a resource belongs to production (backups and deletion protection are stricter). */
  isProduction?: (node: CfnResource) => boolean;
  /** Log groups holding access records of the personal-data system: kept two years. */
  isAccessRecords?: (logGroupName: string) => boolean;
}

/**
 * An ISMS-P rule pack for cdk-nag: what the Korean certification (정보보호 및 개인정보보호
 * 관리체계 인증) and the 개인정보의 안전성 확보조치 기준 ask of infrastructure that can be read in
 * a CloudFormation template. Each finding names its rule `IsmsP-<Rule>` and the control behind
 * it. Register with `Validations.of(app).addPlugins(new IsmsPChecks(app, { ... }))`;
 * acknowledge a finding like any cdk-nag finding, on its resource, with a reason.
 *
 * Not checked here, because a template cannot show it: key access reviews, and everything the
 * application does itself (field encryption, masking, access records).
 */
export class IsmsPChecks extends NagPack {
  readonly name = 'IsmsP';
  readonly #isProduction: (node: CfnResource) => boolean;
  readonly #isAccessRecords: (logGroupName: string) => boolean;

  constructor(scope?: IConstruct, props: IsmsPChecksProps = {}) {
    super(scope, props);
    this.packName = 'IsmsP';
    this.#isProduction = props.isProduction ?? ((node) => /prod/i.test(Stack.of(node).stackName));
    this.#isAccessRecords = props.isAccessRecords ?? (() => false);
  }

  protected checkResource(node: CfnResource): void {
    const level = NagMessageLevel.ERROR;
    this.applyRule({
      ruleSuffixOverride: 'CustomerManagedKeyAtRest',
      info: 'The data store is not encrypted with a customer-managed KMS key.',
      explanation:
        'ISMS-P 2.7.1 (암호정책 적용) and 2.10.2: data at rest is encrypted with keys the organisation manages, rotates and can revoke; an AWS managed key or SSE-S3 leaves key policy and audit to AWS.',
      level,
      rule: customerManagedKeyAtRest,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'TlsOnlyBucket',
      info: 'The bucket accepts requests without TLS.',
      explanation:
        'ISMS-P 2.7.1: data in transit is encrypted; the bucket policy denies aws:SecureTransport=false.',
      level,
      rule: rules.s3.S3BucketSSLRequestsOnly,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'TlsOnlyQueue',
      info: 'The queue accepts requests without TLS.',
      explanation:
        'ISMS-P 2.7.1: data in transit is encrypted; the queue policy denies aws:SecureTransport=false.',
      level,
      rule: rules.sqs.SQSQueueSSLRequestsOnly,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'TlsOnlyTopic',
      info: 'The topic accepts publications without TLS.',
      explanation:
        'ISMS-P 2.7.1: data in transit is encrypted; the topic policy denies aws:SecureTransport=false.',
      level,
      rule: rules.sns.SNSTopicSSLPublishOnly,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'LogRetention',
      info: 'The log group keeps its lines for less than the policy: a year, two for access records.',
      explanation:
        'ISMS-P 2.9.4 (로그 및 접속기록 관리) and 개인정보의 안전성 확보조치 기준 제8조: access records of a personal-data system are kept at least two years (over 50,000 data subjects), other security logs at least one.',
      level,
      rule: logRetention(this.#isAccessRecords),
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'NoPublicBucket',
      info: 'The bucket does not block every kind of public access.',
      explanation:
        'ISMS-P 2.6.1 and 2.10.1: no storage is reachable from the internet unless it is meant to be; all four public access blocks are on.',
      level,
      rule: noPublicBucket,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'DatabaseAuditLogs',
      info: 'The database does not export an audit log with auditing turned on.',
      explanation:
        'ISMS-P 2.9.4: who connected to the database and what they changed is recorded outside the database.',
      level,
      rule: databaseAuditLogs,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'BackupRetention',
      info: 'The database keeps backups for less than the policy: 7 days, 35 in production.',
      explanation:
        'ISMS-P 2.12.1 (재해·재난 대비): backups cover the period the recovery plan assumes.',
      level,
      rule: backupRetention(this.#isProduction),
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'ProductionDeletionProtection',
      info: 'A production data store would be deleted with its stack, or can be deleted at all.',
      explanation:
        'ISMS-P 2.12.1: production data survives a mistaken stack deletion (retain or snapshot, deletion protection on).',
      level,
      rule: productionDeletionProtection(this.#isProduction),
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'WafGuarded',
      info: 'An application load balancer takes requests without a WAF WebACL.',
      explanation:
        'ISMS-P 2.6.1 (네트워크 접근) and 2.10.1: what the internet reaches is filtered for common attacks; an HTTP API, which takes no WebACL, is guarded through the load balancer it forwards to.',
      level,
      rule: wafGuarded,
      node,
    });
    this.applyRule({
      ruleSuffixOverride: 'NoPlaintextSecrets',
      info: 'A task or function gets a credential as a plain environment variable.',
      explanation:
        'ISMS-P 2.7.2 (암호키 관리) and 2.5.4: credentials live in Secrets Manager and reach the container as secrets, never in a template or a task definition anyone with read access can see.',
      level,
      rule: noPlaintextSecrets,
      node,
    });
  }
}
