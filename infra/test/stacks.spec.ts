import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { templateOf } from './app.js';

describe('the keys stack', () => {
  it('makes three customer-managed keys that rotate and outlive the stack', () => {
    const template = templateOf('dev', 'keys');
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });
});

describe('the network stack', () => {
  it('spans two zones, with one NAT gateway in dev and two in prod, and logs every flow', () => {
    const dev = templateOf('dev', 'network');
    dev.resourceCountIs('AWS::EC2::NatGateway', 1);
    dev.resourceCountIs('AWS::EC2::FlowLog', 1);
    dev.resourceCountIs('AWS::EC2::Subnet', 6);
    templateOf('prod', 'network').resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  it('has interface endpoints in prod only, open to the app tasks only; S3 by its free gateway in both', () => {
    const prod = templateOf('prod', 'network');
    expect(
      Object.keys(
        prod.findResources('AWS::EC2::VPCEndpoint', {
          Properties: { VpcEndpointType: 'Interface' },
        }),
      ),
    ).toHaveLength(6);
    expect(
      Object.keys(
        templateOf('dev', 'network').findResources('AWS::EC2::VPCEndpoint', {
          Properties: { VpcEndpointType: 'Interface' },
        }),
      ),
    ).toHaveLength(0);
    prod.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: Match.anyValue(),
    });
    for (const env of ['dev', 'prod'] as const) {
      templateOf(env, 'network').hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
      });
    }
  });
});

describe('the data stack', () => {
  it('runs DocumentDB 5.0 encrypted, TLS only, audited, backed up a week in dev and 35 days in prod', () => {
    const dev = templateOf('dev', 'data');
    dev.hasResourceProperties('AWS::DocDB::DBCluster', {
      EngineVersion: '5.0.0',
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      EnableCloudwatchLogsExports: ['audit', 'profiler'],
      BackupRetentionPeriod: 7,
      DeletionProtection: false,
    });
    dev.hasResourceProperties('AWS::DocDB::DBClusterParameterGroup', {
      Parameters: Match.objectLike({ tls: 'enabled', audit_logs: 'enabled' }),
    });
    templateOf('prod', 'data').hasResource('AWS::DocDB::DBCluster', {
      Properties: Match.objectLike({ BackupRetentionPeriod: 35, DeletionProtection: true }),
      DeletionPolicy: 'Snapshot',
    });
  });

  it('keeps the database audit log two years and the profiler one, in log groups under our key', () => {
    const template = templateOf('dev', 'data');
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/docdb/workmatch-dev/audit',
      RetentionInDays: 731,
      KmsKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/docdb/workmatch-dev/profiler',
      RetentionInDays: 365,
      KmsKeyId: Match.anyValue(),
    });
  });

  it('rotates the database password every 30 days', () => {
    templateOf('dev', 'data').hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  it('gives each queue a dead-letter queue after five receives, both under our key', () => {
    const template = templateOf('dev', 'data');
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).map(
      (q) => q.Properties as Record<string, unknown>,
    );
    expect(queues).toHaveLength(4);
    for (const queue of queues) expect(queue.KmsMasterKeyId).toBeDefined();
    expect(
      queues
        .filter((q) => q.RedrivePolicy)
        .map((q) => (q.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount),
    ).toEqual([5, 5]);
  });
});

describe('the identity stack', () => {
  it('has the app’s password policy, an immutable firebase_uid, no user-existence leaks, and a group per role', () => {
    const template = templateOf('dev', 'identity');
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 8,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 7,
        }),
      },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'firebase_uid', Mutable: false })]),
      LambdaConfig: Match.objectLike({
        UserMigration: Match.anyValue(),
        PreSignUp: Match.anyValue(),
      }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      PreventUserExistenceErrors: 'ENABLED',
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      AuthSessionValidity: 3,
      GenerateSecret: false,
    });
    expect(
      Object.values(template.findResources('AWS::Cognito::UserPoolGroup'))
        .map((g) => (g.Properties as { GroupName: string }).GroupName)
        .sort(),
    ).toEqual(['admin', 'business', 'operator', 'worker']);
  });

  it('runs the trigger on Node 24 inside the VPC, invokable by the user pool only', () => {
    const template = templateOf('dev', 'identity');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      VpcConfig: Match.anyValue(),
    });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).map(
      (p) => p.Properties as Record<string, unknown>,
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions)
      expect(permission.Principal).toBe('cognito-idp.amazonaws.com');
  });
});

describe('the observability stack', () => {
  it('sends every alarm, and its return to OK, to the alarm topic', () => {
    const alarms = Object.values(
      templateOf('dev', 'observability').findResources('AWS::CloudWatch::Alarm'),
    ).map((a) => a.Properties as { AlarmActions?: unknown[]; OKActions?: unknown[] });
    expect(alarms.length).toBeGreaterThan(30);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toHaveLength(1);
      expect(alarm.OKActions).toHaveLength(1);
    }
  });
});

describe('the observability stack’s provider alarms', () => {
  it('alarms when calls to any provider fail, the API’s virus scanner included', () => {
    const names = Object.values(
      templateOf('dev', 'observability').findResources('AWS::CloudWatch::Alarm'),
    )
      .map(
        (a) => (a.Properties as { Dimensions?: Array<{ Name: string; Value: string }> }).Dimensions,
      )
      .flatMap((dimensions) => dimensions ?? [])
      .filter((d) => d.Name === 'Provider')
      .map((d) => d.Value)
      .sort();
    expect(names).toEqual(['clamav', 'danal', 'nice', 'nts', 'popbill']);
  });
});

describe('the trigger’s environment against the app’s configuration', () => {
  it('is enough for loadConfig in aws mode, once the secrets are read and the event names the pool', async () => {
    // The app's modules by a computed path: infra's typecheck stays out of the app's sources.
    const app = (file: string) => import(new URL(`../../src/${file}`, import.meta.url).href);
    const { loadConfig } = (await app('config/config.ts')) as {
      loadConfig: (env: NodeJS.ProcessEnv) => { database: unknown };
    };
    const { triggerEnvironment } = (await app('modules/legacy-auth/lambda-environment.ts')) as {
      triggerEnvironment: (env: NodeJS.ProcessEnv, event: unknown) => NodeJS.ProcessEnv;
    };
    const fn = Object.values(templateOf('dev', 'identity').findResources('AWS::Lambda::Function'))
      .map((f) => f.Properties as { Environment?: { Variables: Record<string, unknown> } })
      .find((f) => f.Environment?.Variables.APP_MODE === 'aws')!;
    // Deploy-time values (references to other stacks) as CloudFormation would fill them.
    const samples: Record<string, string> = {
      KMS_KEY_ID: 'arn:aws:kms:ap-northeast-2:111111111111:key/0000',
      S3_BUCKET: 'workmatch-dev-files-111111111111',
      SQS_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/111111111111/events',
      SQS_ALERTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/111111111111/alerts',
      MONGODB_URI:
        'mongodb://workmatch-dev.cluster.docdb.amazonaws.com:27018/?tls=true&replicaSet=rs0',
    };
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(fn.Environment!.Variables)) {
      if (name.endsWith('_FROM_SECRET')) continue;
      env[name] = typeof value === 'string' ? value : samples[name]!;
      expect(env[name], name).toBeDefined();
    }
    // What resolveSecretEnvironment reads at cold start.
    Object.assign(env, {
      LEGACY_AUTH_HASH_CONFIG: JSON.stringify({
        algorithm: 'SCRYPT',
        base64_signer_key: 'c2lnbmVy',
        base64_salt_separator: 'Bw==',
        rounds: 8,
        mem_cost: 14,
      }),
      MONGODB_USERNAME: 'workmatch',
      MONGODB_PASSWORD: 'rotated',
    });
    const event = {
      userPoolId: 'ap-northeast-2_AbCdEf123',
      callerContext: { awsSdkVersion: 'x', clientId: 'client' },
    };
    const config = loadConfig(triggerEnvironment(env, event));
    expect(config.database).toMatchObject({ kind: 'mongodb', auth: { username: 'workmatch' } });
  });
});
