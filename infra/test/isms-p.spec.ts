import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
import { describe, expect, it } from 'vitest';
import { IsmsPChecks } from '../lib/isms-p/isms-p-checks.js';

/**
 * Each rule of the ISMS-P pack against a stack that complies and one that does not. A rule's
 * findings are read from the pack's report on a throwaway app; a stack whose name starts with
 * "prod" is production.
 */
function findings(build: (stack: Stack) => void, stackName = 'dev-test'): string[] {
  const app = new App();
  const stack = new Stack(app, stackName, {
    env: { account: '111111111111', region: 'ap-northeast-2' },
  });
  build(stack);
  const report = new IsmsPChecks(app, {
    isProduction: (node) => Stack.of(node).stackName.startsWith('prod'),
    isAccessRecords: (name) => name.endsWith('/audit'),
  }).validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`),
  );
}

const ruleOf = (rule: string, list: string[]) =>
  list.filter((f) => f.startsWith(`IsmsP-${rule}`)).map((f) => f.split(' ')[1]!.split('/')[1]);

describe('the ISMS-P pack', () => {
  it('CustomerManagedKeyAtRest: refuses a store encrypted by AWS’s key or not at all, takes one under our key', () => {
    const found = findings((stack) => {
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      new s3.Bucket(stack, 'GoodBucket', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
      });
      new s3.Bucket(stack, 'BadBucket', { encryption: s3.BucketEncryption.S3_MANAGED });
      new sqs.Queue(stack, 'GoodQueue', {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
      });
      new sqs.Queue(stack, 'BadQueue', { encryption: sqs.QueueEncryption.SQS_MANAGED });
      new sns.Topic(stack, 'GoodTopic', { masterKey: key });
      new sns.Topic(stack, 'BadTopic');
      new logs.LogGroup(stack, 'GoodLogs', { encryptionKey: key });
      new logs.LogGroup(stack, 'BadLogs');
      new secretsmanager.Secret(stack, 'GoodSecret', { encryptionKey: key });
      new secretsmanager.Secret(stack, 'BadSecret');
      new ecr.Repository(stack, 'GoodImages', {
        encryption: ecr.RepositoryEncryption.KMS,
        encryptionKey: key,
      });
      new ecr.Repository(stack, 'BadImages');
    });
    expect(ruleOf('CustomerManagedKeyAtRest', found).sort()).toEqual([
      'BadBucket',
      'BadImages',
      'BadLogs',
      'BadQueue',
      'BadSecret',
      'BadTopic',
    ]);
  });

  it('TlsOnly: refuses a bucket, queue or topic that takes requests without TLS', () => {
    const found = findings((stack) => {
      new s3.Bucket(stack, 'GoodBucket', { enforceSSL: true });
      new s3.Bucket(stack, 'BadBucket');
      new sqs.Queue(stack, 'GoodQueue', { enforceSSL: true });
      new sqs.Queue(stack, 'BadQueue');
      new sns.Topic(stack, 'GoodTopic', { enforceSSL: true });
      new sns.Topic(stack, 'BadTopic');
    });
    expect(ruleOf('TlsOnlyBucket', found)).toEqual(['BadBucket']);
    expect(ruleOf('TlsOnlyQueue', found)).toEqual(['BadQueue']);
    expect(ruleOf('TlsOnlyTopic', found)).toEqual(['BadTopic']);
  });

  it('LogRetention: a year for security logs, two years for access records, forever is fine', () => {
    const found = findings((stack) => {
      new logs.LogGroup(stack, 'Year', { retention: logs.RetentionDays.ONE_YEAR });
      new logs.LogGroup(stack, 'HalfYear', { retention: logs.RetentionDays.SIX_MONTHS });
      new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
      new logs.LogGroup(stack, 'AuditYear', {
        logGroupName: '/db/audit',
        retention: logs.RetentionDays.ONE_YEAR,
      });
      new logs.LogGroup(stack, 'AuditTwoYears', {
        logGroupName: '/app/audit',
        retention: logs.RetentionDays.TWO_YEARS,
      });
    });
    expect(ruleOf('LogRetention', found).sort()).toEqual(['AuditYear', 'HalfYear']);
  });

  it('NoPublicBucket: wants all four public access blocks on', () => {
    const found = findings((stack) => {
      new s3.Bucket(stack, 'Blocked', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
      new s3.Bucket(stack, 'AclsOnly', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY });
    });
    expect(ruleOf('NoPublicBucket', found)).toEqual(['AclsOnly']);
  });

  it('DatabaseAuditLogs and BackupRetention: an exported audit log with auditing on; a week of backups, five in production', () => {
    const cluster = (
      stack: Stack,
      id: string,
      props: { audit: boolean; parameters: boolean; days: number },
    ) => {
      const vpc = ec2.Vpc.fromVpcAttributes(stack, `${id}Vpc`, {
        vpcId: 'vpc-1',
        availabilityZones: ['ap-northeast-2a', 'ap-northeast-2c'],
        isolatedSubnetIds: ['subnet-1', 'subnet-2'],
      });
      new docdb.DatabaseCluster(stack, id, {
        masterUser: { username: 'admin' },
        instanceType: new ec2.InstanceType('t4g.medium'),
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        exportAuditLogsToCloudWatch: props.audit,
        backup: { retention: Duration.days(props.days) },
        ...(props.parameters
          ? {
              parameterGroup: new docdb.ClusterParameterGroup(stack, `${id}Parameters`, {
                family: 'docdb5.0',
                parameters: { audit_logs: 'enabled' },
              }),
            }
          : {}),
      });
    };
    const dev = findings((stack) => {
      cluster(stack, 'Audited', { audit: true, parameters: true, days: 7 });
      cluster(stack, 'NotExported', { audit: false, parameters: true, days: 7 });
      cluster(stack, 'DefaultGroup', { audit: true, parameters: false, days: 1 });
    });
    expect(ruleOf('DatabaseAuditLogs', dev).sort()).toEqual(['DefaultGroup', 'NotExported']);
    expect(ruleOf('BackupRetention', dev)).toEqual(['DefaultGroup']);
    const prod = findings((stack) => {
      cluster(stack, 'Week', { audit: true, parameters: true, days: 7 });
      cluster(stack, 'FiveWeeks', { audit: true, parameters: true, days: 35 });
    }, 'prod-test');
    expect(ruleOf('BackupRetention', prod)).toEqual(['Week']);
  });

  it('ProductionDeletionProtection: production data is retained; dev may be deleted', () => {
    const build = (stack: Stack) => {
      new s3.Bucket(stack, 'Retained', { removalPolicy: RemovalPolicy.RETAIN });
      new s3.Bucket(stack, 'Destroyed', { removalPolicy: RemovalPolicy.DESTROY });
      new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    };
    expect(ruleOf('ProductionDeletionProtection', findings(build, 'prod-test')).sort()).toEqual([
      'Destroyed',
      'Key',
    ]);
    expect(ruleOf('ProductionDeletionProtection', findings(build, 'dev-test'))).toEqual([]);
  });

  it('WafGuarded: an application load balancer needs a WebACL associated with it', () => {
    const found = findings((stack) => {
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-1',
        availabilityZones: ['ap-northeast-2a', 'ap-northeast-2c'],
        privateSubnetIds: ['subnet-1', 'subnet-2'],
      });
      const guarded = new elbv2.ApplicationLoadBalancer(stack, 'Guarded', { vpc });
      new elbv2.ApplicationLoadBalancer(stack, 'Open', { vpc });
      new elbv2.NetworkLoadBalancer(stack, 'Network', { vpc });
      const acl = new wafv2.CfnWebACL(stack, 'Acl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: {
          sampledRequestsEnabled: false,
          cloudWatchMetricsEnabled: false,
          metricName: 'acl',
        },
      });
      new wafv2.CfnWebACLAssociation(stack, 'Association', {
        resourceArn: guarded.loadBalancerArn,
        webAclArn: acl.attrArn,
      });
    });
    expect(ruleOf('WafGuarded', found)).toEqual(['Open']);
  });

  it('NoPlaintextSecrets: no credential by name or in a URI in a task’s or function’s plain environment', () => {
    const found = findings((stack) => {
      const secret = new secretsmanager.Secret(stack, 'Secret');
      const good = new ecs.FargateTaskDefinition(stack, 'GoodTask');
      good.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('app'),
        environment: {
          KMS_KEY_ID: 'alias/fields',
          S3_BUCKET: 'files',
          MONGODB_URI: 'mongodb://docdb:27017/?tls=true',
        },
        secrets: { MONGODB_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password') },
      });
      const badName = new ecs.FargateTaskDefinition(stack, 'NamedTask');
      badName.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('app'),
        environment: { NICE_CLIENT_SECRET: 'abc' },
      });
      const badUri = new ecs.FargateTaskDefinition(stack, 'UriTask');
      badUri.addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('app'),
        environment: { MONGODB_URI: 'mongodb://workmatch:hunter2@docdb:27017' },
      });
      new lambda.Function(stack, 'BadFunction', {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
        environment: {
          SLACK_BOT_TOKEN: 'xoxb',
          LEGACY_AUTH_HASH_CONFIG_SECRET_ARN: 'arn:aws:secretsmanager:x',
          MONGODB_PASSWORD_FROM_SECRET: 'arn:aws:secretsmanager:x#password',
        },
      });
    });
    expect(found.filter((f) => f.startsWith('IsmsP-NoPlaintextSecrets'))).toEqual([
      expect.stringMatching(/\[Variable::NICE_CLIENT_SECRET\] dev-test\/NamedTask/),
      expect.stringMatching(/\[Variable::MONGODB_URI\] dev-test\/UriTask/),
      expect.stringMatching(/\[Variable::SLACK_BOT_TOKEN\] dev-test\/BadFunction/),
    ]);
  });
});
