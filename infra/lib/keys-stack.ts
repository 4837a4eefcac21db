import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './environments.js';

/**
 * A key as a stack other than its own should use it: imported by ARN, so that a grant goes into
 * the grantee's IAM policy (the key policy lets the account's IAM decide) instead of adding the
 * grantee to the key's policy, which would make the keys stack depend on every stack after it.
 */
export function useKey(scope: Construct, id: string, key: kms.IKey): kms.IKey {
  return Stack.of(scope) === Stack.of(key) ? key : kms.Key.fromKeyArn(scope, id, key.keyArn);
}

/**
 * Lets CloudWatch Logs use `key` for this account's log groups: it encrypts a log group only
 * with a key whose policy says so.
 */
export function allowLogsService(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt*',
        'kms:Decrypt*',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:Describe*',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      },
    }),
  );
}

/** The encryption context the app's key ring asks KMS for (src/privacy/crypto). */
export const FIELD_KEY_CONTEXT = { purpose: 'workmatch field data key' } as const;

/**
 * The customer-managed keys, in a stack of their own, first: every other stack encrypts with
 * them, and a key outlives whatever it encrypted (deleting one loses that data), so they are
 * always retained.
 * - fields: the app's envelope key for personal data fields (KMS_KEY_ID);
 * - data: DocumentDB storage, S3, SQS, SNS and Secrets Manager;
 * - logs: CloudWatch Logs.
 */
export class KeysStack extends Stack {
  readonly fieldsKey: kms.Key;
  readonly dataKey: kms.Key;
  readonly logsKey: kms.Key;

  constructor(scope: Construct, id: string, config: EnvironmentConfig, props: StackProps = {}) {
    super(scope, id, props);
    const key = (name: string, description: string) =>
      new kms.Key(this, name, {
        alias: `alias/workmatch/${config.name}/${name.toLowerCase()}`,
        description,
        enableKeyRotation: true,
        rotationPeriod: Duration.days(365),
        pendingWindow: Duration.days(30),
        removalPolicy: RemovalPolicy.RETAIN,
      });
    this.fieldsKey = key('Fields', 'workmatch personal-data field keys (envelope encryption)');
    this.dataKey = key('Data', 'workmatch data at rest: DocumentDB, S3, SQS, SNS, secrets');
    this.logsKey = key('Logs', 'workmatch CloudWatch Logs');

    allowLogsService(this.logsKey);
    // CloudWatch alarms publish to the alerts topic, EventBridge Scheduler to its dead-letter
    // queue, SNS into the alerts queue: each needs the data key for the encrypted target.
    for (const service of [
      'cloudwatch.amazonaws.com',
      'sns.amazonaws.com',
      'scheduler.amazonaws.com',
    ]) {
      this.dataKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
  }
}
