import { CfnDeletionPolicy, type CfnResource, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';

/**
 * The rules of the ISMS-P pack (isms-p-checks.ts), each a function of one CloudFormation
 * resource, as cdk-nag's own rules are. What each one holds a resource to, and the ISMS-P
 * control it comes from, is in the pack.
 */

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;
const resolved = (node: CfnResource, value: unknown): unknown => Stack.of(node).resolve(value);
const isSet = (value: unknown) => value !== undefined && value !== null && value !== '';
/** An AWS managed key (`alias/aws/sqs`): encryption, but not with a key we control. */
const isAwsManaged = (value: unknown) => typeof value === 'string' && value.includes('alias/aws/');
const customerKey = (value: unknown) =>
  isSet(value) && !isAwsManaged(value) ? COMPLIANT : NON_COMPLIANT;

/** Data at rest is encrypted with a customer-managed KMS key (2.7.1, 2.10.2). */
export function customerManagedKeyAtRest(node: CfnResource): NagRuleResult {
  if (node instanceof s3.CfnBucket) {
    const encryption = resolved(node, node.bucketEncryption) as
      | {
          serverSideEncryptionConfiguration?: Array<{
            serverSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: unknown };
          }>;
        }
      | undefined;
    const rule = encryption?.serverSideEncryptionConfiguration?.[0]?.serverSideEncryptionByDefault;
    return rule?.sseAlgorithm?.startsWith('aws:kms')
      ? customerKey(rule.kmsMasterKeyId)
      : NON_COMPLIANT;
  }
  if (node instanceof sqs.CfnQueue) return customerKey(resolved(node, node.kmsMasterKeyId));
  if (node instanceof sns.CfnTopic) return customerKey(resolved(node, node.kmsMasterKeyId));
  if (node instanceof secretsmanager.CfnSecret) return customerKey(resolved(node, node.kmsKeyId));
  if (node instanceof logs.CfnLogGroup) return customerKey(resolved(node, node.kmsKeyId));
  if (node instanceof docdb.CfnDBCluster) {
    return resolved(node, node.storageEncrypted) === true
      ? customerKey(resolved(node, node.kmsKeyId))
      : NON_COMPLIANT;
  }
  if (node instanceof ecr.CfnRepository) {
    const config = resolved(node, node.encryptionConfiguration) as
      { encryptionType?: string; kmsKey?: unknown } | undefined;
    return config?.encryptionType === 'KMS' ? customerKey(config.kmsKey) : NON_COMPLIANT;
  }
  return NOT_APPLICABLE;
}

/** A bucket blocks every kind of public access, explicitly (2.6.1, 2.10.1). */
export function noPublicBucket(node: CfnResource): NagRuleResult {
  if (!(node instanceof s3.CfnBucket)) return NOT_APPLICABLE;
  const block = resolved(node, node.publicAccessBlockConfiguration) as
    Record<string, unknown> | undefined;
  const all = ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'];
  return block && all.every((k) => block[k] === true) ? COMPLIANT : NON_COMPLIANT;
}

/**
 * A log group keeps its lines at least a year (security logs, 2.9.4), and two years when it holds
 * access records of the personal-data system (개인정보의 안전성 확보조치 기준, 제8조).
 */
export function logRetention(isAccessRecords: (logGroupName: string) => boolean) {
  return (node: CfnResource): NagRuleResult => {
    if (!(node instanceof logs.CfnLogGroup)) return NOT_APPLICABLE;
    const days = resolved(node, node.retentionInDays);
    if (days === undefined) return COMPLIANT; // kept forever
    if (typeof days !== 'number') return NON_COMPLIANT;
    const name = resolved(node, node.logGroupName);
    const needed = typeof name === 'string' && isAccessRecords(name) ? 730 : 365;
    return days >= needed ? COMPLIANT : NON_COMPLIANT;
  };
}

/** The database exports its audit log, and its parameter group turns auditing on (2.9.4). */
export function databaseAuditLogs(node: CfnResource): NagRuleResult {
  if (!(node instanceof docdb.CfnDBCluster)) return NOT_APPLICABLE;
  const exported = resolved(node, node.enableCloudwatchLogsExports);
  if (!Array.isArray(exported) || !exported.includes('audit')) return NON_COMPLIANT;
  const group = resolved(node, node.dbClusterParameterGroupName) as
    { Ref?: string } | string | undefined;
  const logicalId = typeof group === 'object' ? group?.Ref : undefined;
  if (!logicalId) return NON_COMPLIANT; // the default group: audit_logs disabled
  const parameters = Stack.of(node)
    .node.findAll()
    .find(
      (c): c is docdb.CfnDBClusterParameterGroup =>
        c instanceof docdb.CfnDBClusterParameterGroup &&
        Stack.of(node).getLogicalId(c) === logicalId,
    );
  const audit = (parameters && (resolved(node, parameters.parameters) as Record<string, unknown>))
    ?.audit_logs;
  return typeof audit === 'string' && !['disabled', 'none'].includes(audit)
    ? COMPLIANT
    : NON_COMPLIANT;
}

/** Backups are kept as the policy says: a week, five in production (2.12.1). */
export function backupRetention(isProduction: (node: CfnResource) => boolean) {
  return (node: CfnResource): NagRuleResult => {
    if (!(node instanceof docdb.CfnDBCluster)) return NOT_APPLICABLE;
    const days = resolved(node, node.backupRetentionPeriod);
    const needed = isProduction(node) ? 35 : 7;
    return typeof days === 'number' && days >= needed ? COMPLIANT : NON_COMPLIANT;
  };
}

/** In production, data stores survive the deletion of their stack and refuse to be deleted (2.12.1). */
export function productionDeletionProtection(isProduction: (node: CfnResource) => boolean) {
  return (node: CfnResource): NagRuleResult => {
    if (!isProduction(node)) return NOT_APPLICABLE;
    const policy = node.cfnOptions.deletionPolicy;
    const retained = policy === CfnDeletionPolicy.RETAIN || policy === CfnDeletionPolicy.SNAPSHOT;
    if (node instanceof docdb.CfnDBCluster) {
      return retained && resolved(node, node.deletionProtection) === true
        ? COMPLIANT
        : NON_COMPLIANT;
    }
    if (node instanceof cognito.CfnUserPool) {
      return retained && resolved(node, node.deletionProtection) === 'ACTIVE'
        ? COMPLIANT
        : NON_COMPLIANT;
    }
    if (
      node instanceof s3.CfnBucket ||
      node instanceof kms.CfnKey ||
      node instanceof secretsmanager.CfnSecret ||
      node instanceof logs.CfnLogGroup
    ) {
      return retained ? COMPLIANT : NON_COMPLIANT;
    }
    return NOT_APPLICABLE;
  };
}

/**
 * An application load balancer is guarded by a WAF WebACL associated in its stack (2.6.1,
 * 2.10.1). An HTTP API takes no WebACL: it is guarded through the load balancer it forwards to.
 */
export function wafGuarded(node: CfnResource): NagRuleResult {
  if (!(node instanceof elbv2.CfnLoadBalancer) || resolved(node, node.type) === 'network') {
    return NOT_APPLICABLE;
  }
  const stack = Stack.of(node);
  const reference = JSON.stringify(stack.resolve(node.ref));
  const guarded = stack.node
    .findAll()
    .some(
      (c) =>
        c instanceof wafv2.CfnWebACLAssociation &&
        JSON.stringify(stack.resolve(c.resourceArn)) === reference,
    );
  return guarded ? COMPLIANT : NON_COMPLIANT;
}

/** Names that say a variable holds a credential... */
const SECRET_NAME =
  /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|SERVICE_KEY|HASH_CONFIG/i;
/** ...unless it holds where one is: its id, ARN, file, or a Secrets Manager reference. */
const REFERENCE_NAME = /_(ARN|ID|FILE|FROM_SECRET)$/i;
/** A URI carrying a password (`mongodb://user:pass@host`). */
const URI_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

function plaintextSecrets(variables: Array<{ name?: unknown; value?: unknown }>): NagRuleResult {
  const findings = variables
    .filter(
      ({ name, value }) =>
        (typeof name === 'string' && SECRET_NAME.test(name) && !REFERENCE_NAME.test(name)) ||
        (typeof value === 'string' && URI_WITH_PASSWORD.test(value)),
    )
    .map(({ name }) => `Variable::${String(name)}`);
  return findings.length > 0 ? findings : COMPLIANT;
}

/** No credential in a task's or function's plain environment: they come from Secrets Manager (2.7.2). */
export function noPlaintextSecrets(node: CfnResource): NagRuleResult {
  if (node instanceof ecs.CfnTaskDefinition) {
    const containers = (resolved(node, node.containerDefinitions) ?? []) as Array<{
      environment?: Array<{ name?: unknown; value?: unknown }>;
    }>;
    return plaintextSecrets(containers.flatMap((c) => c.environment ?? []));
  }
  if (node instanceof lambda.CfnFunction) {
    const environment = resolved(node, node.environment) as
      { variables?: Record<string, unknown> } | undefined;
    return plaintextSecrets(
      Object.entries(environment?.variables ?? {}).map(([name, value]) => ({ name, value })),
    );
  }
  return NOT_APPLICABLE;
}
