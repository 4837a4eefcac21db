import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.js';
import type { EnvironmentConfig } from './environments.js';
import { useKey } from './keys-stack.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The app's roles (src/platform/auth/principal.ts), one Cognito group each. */
const ROLE_GROUPS = ['worker', 'business', 'operator', 'admin'] as const;

/**
 * The Cognito user pool the API signs members in with, and the trigger Lambda that moves a
 * Firebase account in on its first sign-in ("Migrate user") and refuses a sign-up whose email a
 * legacy account still holds ("Pre sign-up"): src/modules/legacy-auth/lambda.ts, bundled with
 * esbuild on this machine (no Docker).
 */
export class IdentityStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly appClient: cognito.UserPoolClient;
  readonly trigger: nodejs.NodejsFunction;

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    deps: {
      vpc: ec2.IVpc;
      appSecurityGroup: ec2.ISecurityGroup;
      logsKey: kms.IKey;
      /** The trigger reads the Firebase hash parameters (and connects to the database). */
      legacyAuthSecret: secretsmanager.ISecret;
      databaseSecret: secretsmanager.ISecret;
      /** The old project's key, when the migration is on (the first sign-in's data step). */
      firestoreCredentials: secretsmanager.ISecret | undefined;
      environment: Record<string, string>;
    },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const logsKey = useKey(this, 'LogsKey', deps.logsKey);
    const triggerLogs = new logs.LogGroup(this, 'TriggerLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: logsKey,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.trigger = new nodejs.NodejsFunction(this, 'LegacyAuthTrigger', {
      entry: path.join(ROOT, 'src/modules/legacy-auth/lambda.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      // The migrate-user event waits for the scrypt check and the bounded data step.
      timeout: Duration.seconds(5),
      vpc: deps.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [deps.appSecurityGroup],
      logGroup: triggerLogs,
      // Read from Secrets Manager at cold start (src/platform/aws/secret-environment.ts).
      environment: {
        ...deps.environment,
        LEGACY_AUTH_HASH_CONFIG_FROM_SECRET: `${deps.legacyAuthSecret.secretArn}#LEGACY_AUTH_HASH_CONFIG`,
        MONGODB_USERNAME_FROM_SECRET: `${deps.databaseSecret.secretArn}#username`,
        MONGODB_PASSWORD_FROM_SECRET: `${deps.databaseSecret.secretArn}#password`,
        ...(deps.firestoreCredentials
          ? { MIGRATION_FIRESTORE_CREDENTIALS_FROM_SECRET: deps.firestoreCredentials.secretArn }
          : {}),
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node24',
        sourceMap: true,
        forceDockerBundling: false,
        // Native and optional packages the trigger never loads.
        externalModules: ['@napi-rs/canvas', 'pino-pretty', 'pino-roll'],
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    });
    deps.legacyAuthSecret.grantRead(this.trigger);
    deps.databaseSecret.grantRead(this.trigger);
    deps.firestoreCredentials?.grantRead(this.trigger);
    acknowledge(
      this.trigger,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "AWS's minimal policy for a function's own logs.",
    );
    acknowledge(
      this.trigger,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      "AWS's minimal policy for a function in a VPC: its network interfaces (no resource-level permissions exist for them).",
    );
    acknowledge(
      this.trigger,
      'AwsSolutions-L1',
      'Node.js 24, the newest runtime Lambda offers and the one the app itself runs on.',
    );

    this.userPool = new cognito.UserPool(this, 'Members', {
      userPoolName: `workmatch-${config.name}`,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: true,
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // src/modules/auth/password-policy.ts checks the same before Cognito sees a password.
      passwordPolicy: {
        minLength: 8,
        requireUppercase: true,
        requireLowercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      standardAttributes: {
        email: { required: true, mutable: true },
        phoneNumber: { required: false, mutable: true },
      },
      customAttributes: {
        firebase_uid: new cognito.StringAttribute({ minLen: 1, maxLen: 128, mutable: false }),
      },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      lambdaTriggers: {
        userMigration: this.trigger,
        preSignUp: this.trigger,
      },
      deletionProtection: config.retainData,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'Members (workers and businesses) sign in with a password and may add TOTP; MFA is a pool-wide switch in Cognito, and requiring it of every member is a product decision not yet taken. Staff accounts are created by `members create-staff` (docs/runbook.md).',
    );
    for (const group of ROLE_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: `workmatch ${group}s`,
      });
    }
    this.appClient = this.userPool.addClient('Api', {
      generateSecret: false,
      authFlows: { userPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authSessionValidity: Duration.minutes(3),
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
    });
  }
}
