import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type EnvironmentConfig, bucketName } from './environments.js';
import { acknowledge } from './acknowledge.js';
import { useKey } from './keys-stack.js';

/** DocumentDB listens here, not on the well-known 27017 that scanners try first. */
const DOCDB_PORT = 27018;

/**
 * The secrets an operator fills after the first deployment (docs/deploy.md), each a JSON object
 * whose keys are the variables the app reads.
 */
export const APP_SECRETS = {
  nice: ['NICE_CLIENT_ID', 'NICE_CLIENT_SECRET', 'NICE_PRODUCT_ID'],
  danal: ['DANAL_CPID', 'DANAL_CPPWD'],
  popbill: ['POPBILL_LINK_ID', 'POPBILL_SECRET_KEY'],
  nts: ['NTS_SERVICE_KEY'],
  slack: ['SLACK_BOT_TOKEN'],
  alerts: ['ALERTS_ONCALL_PHONES'],
  legacyAuth: ['LEGACY_AUTH_HASH_CONFIG'],
} as const;
export type AppSecretName = keyof typeof APP_SECRETS;

/**
 * What the app stores: DocumentDB 5.0, the S3 buckets, the SQS queues with their dead-letter
 * queues, and the Secrets Manager secrets. Everything at rest is encrypted with the data key;
 * nothing is reachable from the internet.
 */
export class DataStack extends Stack {
  readonly cluster: docdb.DatabaseCluster;
  readonly filesBucket: s3.Bucket;
  readonly exportsBucket: s3.Bucket;
  /** S3 server access logs and the ALB's access logs (SSE-S3: neither can write SSE-KMS). */
  readonly accessLogsBucket: s3.Bucket;
  readonly eventsQueue: sqs.Queue;
  readonly eventsDlq: sqs.Queue;
  readonly alertsQueue: sqs.Queue;
  readonly alertsDlq: sqs.Queue;
  /**
   * Where every CloudWatch alarm publishes; it feeds the alerts queue, which the worker turns
   * into Slack and KakaoTalk notices (src/platform/alerts/cloudwatch-alarm.ts reads the SNS
   * envelope, so the subscription is not raw). Here, beside the queue: a subscription from
   * another stack would make the two stacks depend on each other.
   */
  readonly alarmTopic: sns.Topic;
  readonly secrets: Record<AppSecretName, secretsmanager.Secret>;
  /** The old Firebase project's read-only service account key (the migration's live source). */
  readonly firestoreCredentials: secretsmanager.Secret;

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    deps: {
      vpc: ec2.IVpc;
      appSecurityGroup: ec2.ISecurityGroup;
      dataKey: kms.IKey;
      logsKey: kms.IKey;
      /** Origins allowed to POST files straight to S3 (presigned POST policies). */
      uploadOrigins: string[];
    },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const dataKey = useKey(this, 'DataKey', deps.dataKey);
    const logsKey = useKey(this, 'LogsKey', deps.logsKey);
    const removal = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const parameters = new docdb.ClusterParameterGroup(this, 'Parameters', {
      family: 'docdb5.0',
      description: 'workmatch: TLS required, audit and profiler logs on, TTL monitor on',
      parameters: {
        tls: 'enabled',
        audit_logs: 'enabled',
        profiler: 'enabled',
        profiler_threshold_ms: '200',
        ttl_monitor: 'enabled',
      },
    });
    const dbSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseAccess', {
      vpc: deps.vpc,
      description: 'workmatch DocumentDB: the app tasks only',
      allowAllOutbound: false,
    });
    dbSecurityGroup.addIngressRule(
      deps.appSecurityGroup,
      ec2.Port.tcp(DOCDB_PORT),
      'the API, worker and CLI tasks',
    );
    // The log groups DocumentDB exports into, made first with our key and retention (DocumentDB
    // would create them unencrypted, kept forever). Its audit log is an access record of the
    // personal-data system: two years; the profiler's slow queries one.
    const clusterName = `workmatch-${config.name}`;
    const databaseLogs = {
      audit: logs.RetentionDays.TWO_YEARS,
      profiler: logs.RetentionDays.ONE_YEAR,
    };
    const databaseLogGroups = Object.entries(databaseLogs).map(
      ([kind, retention]) =>
        new logs.LogGroup(this, `Database${kind[0]!.toUpperCase()}${kind.slice(1)}Logs`, {
          logGroupName: `/aws/docdb/${clusterName}/${kind}`,
          retention,
          encryptionKey: logsKey,
          removalPolicy: removal,
        }),
    );
    this.cluster = new docdb.DatabaseCluster(this, 'Database', {
      engineVersion: '5.0.0',
      masterUser: { username: 'workmatch', kmsKey: dataKey, excludeCharacters: '"@/:?#[]%' },
      instanceType: new ec2.InstanceType(config.docdb.instanceType),
      instances: config.docdb.instances,
      vpc: deps.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroup: dbSecurityGroup,
      port: DOCDB_PORT,
      parameterGroup: parameters,
      storageEncrypted: true,
      kmsKey: dataKey,
      // 02:00–03:00 KST: before the migration's 03:00 run and the day's first shifts.
      backup: {
        retention: Duration.days(config.docdb.backupRetentionDays),
        preferredWindow: '17:00-18:00',
      },
      preferredMaintenanceWindow: 'sun:18:30-sun:19:30',
      dbClusterName: clusterName,
      exportAuditLogsToCloudWatch: true,
      exportProfilerLogsToCloudWatch: true,
      deletionProtection: config.docdb.deletionProtection,
      removalPolicy: config.retainData ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      copyTagsToSnapshot: true,
    });
    for (const group of databaseLogGroups) this.cluster.node.addDependency(group);
    // Its credentials outlive the stack with its data (a snapshot restores with them).
    // (`cluster.secret` is the attachment; the secret itself is the cluster's child.)
    (this.cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(removal);
    // The master password changes every 30 days. The rotation Lambda runs with the app's
    // security group, which reaches the database and the Secrets Manager endpoint.
    new secretsmanager.SecretRotation(this, 'DatabaseRotation', {
      application: secretsmanager.SecretRotationApplication.MONGODB_ROTATION_SINGLE_USER,
      secret: this.cluster.secret!,
      target: this.cluster,
      vpc: deps.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: deps.appSecurityGroup,
      automaticallyAfter: Duration.days(30),
      excludeCharacters: '"@/:?#[]%',
    });
    for (const event of ['authenticate', 'createIndex', 'dropCollection']) {
      acknowledge(
        this.cluster,
        `AwsSolutions-DOC5[LogExport::${event}]`,
        'DocumentDB exports only the `audit` and `profiler` log types, and both are exported; the parameter group turns audit_logs on, which records authenticate, createIndex and dropCollection events (the rule looks for those names among the export types, which CloudFormation refuses).',
      );
    }
    acknowledge(
      this.cluster,
      'AwsSolutions-DOC3',
      'The rule cannot read the master password: it is a dynamic reference to the Secrets Manager secret CDK generates (and rotates every 30 days, above).',
    );

    const accessLogs = (this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      bucketName: bucketName(config, 'access-logs'),
      // S3 server access logs can only be delivered to a bucket encrypted with SSE-S3.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [
        { expiration: Duration.days(731), noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: removal,
      autoDeleteObjects: !config.retainData,
    }));
    acknowledge(
      accessLogs,
      'IsmsP-CustomerManagedKeyAtRest',
      'S3 server access logs and ALB access logs can only be delivered to a bucket encrypted with SSE-S3; the bucket holds request logs (no personal data fields), blocks public access and denies non-TLS requests.',
    );
    const bucket = (name: 'Files' | 'Exports', extra: Partial<s3.BucketProps> = {}) =>
      new s3.Bucket(this, name, {
        bucketName: bucketName(config, name === 'Files' ? 'files' : 'exports'),
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: dataKey,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${name.toLowerCase()}/`,
        lifecycleRules: [
          {
            noncurrentVersionExpiration: Duration.days(30),
            abortIncompleteMultipartUploadAfter: Duration.days(1),
          },
        ],
        removalPolicy: removal,
        autoDeleteObjects: !config.retainData,
        ...extra,
      });
    // Uploaded files (files/) and the monthly statistics (stats/YYYY-MM/).
    this.filesBucket = bucket('Files', {
      cors: [
        {
          allowedMethods: [s3.HttpMethods.POST],
          allowedOrigins: deps.uploadOrigins,
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
    });
    // Copies of the old project's managed exports (MIGRATION_SOURCE=export).
    this.exportsBucket = bucket('Exports');

    const queue = (name: string) => {
      const dlq = new sqs.Queue(this, `${name}Dlq`, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: dataKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const main = new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: dataKey,
        dataKeyReuse: Duration.minutes(5),
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(60),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      });
      return [main, dlq] as const;
    };
    [this.eventsQueue, this.eventsDlq] = queue('Events');
    [this.alertsQueue, this.alertsDlq] = queue('Alerts');
    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      displayName: `workmatch ${config.name} alarms`,
      masterKey: dataKey,
      enforceSSL: true,
    });
    this.alarmTopic.addSubscription(new subscriptions.SqsSubscription(this.alertsQueue));

    const secret = (name: string, description: string, keys: readonly string[]) =>
      new secretsmanager.Secret(this, name, {
        secretName: `workmatch/${config.name}/${name}`,
        description,
        encryptionKey: dataKey,
        // A placeholder of the right shape; the operator puts the provider's values in.
        generateSecretString: {
          secretStringTemplate: JSON.stringify(Object.fromEntries(keys.map((k) => [k, '']))),
          generateStringKey: 'placeholder',
        },
        removalPolicy: removal,
      });
    const providerRotation =
      'A credential issued by its provider (the NICE or Danal contract, the Popbill LinkID, the data.go.kr key, the Slack bot, the on-call phones, the old Firebase project): no Lambda can rotate it; an operator replaces it at the provider and pastes the new value (docs/deploy.md).';
    this.secrets = Object.fromEntries(
      Object.entries(APP_SECRETS).map(([name, keys]) => [
        name,
        secret(name, `workmatch ${name}: ${keys.join(', ')}`, keys),
      ]),
    ) as Record<AppSecretName, secretsmanager.Secret>;
    this.firestoreCredentials = secret(
      'firestoreCredentials',
      'the old Firebase project: a read-only service account key (JSON), for the migration',
      [],
    );
    for (const provided of [...Object.values(this.secrets), this.firestoreCredentials]) {
      acknowledge(provided, 'AwsSolutions-SMG4', providerRotation);
    }
  }
}
