/**
 * What differs between the two environments. Everything else is the same code, so what dev
 * proves, prod runs.
 */
export type EnvironmentName = 'dev' | 'prod';

/**
 * The providers an environment uses, and their plain settings (infra/REQUIREMENTS.md). A
 * provider left out is off: its secret is not injected, and the app runs without it (bank
 * accounts and businesses verified by operators, messages recorded only). Given as JSON in the
 * context, `-c settings:prod='{…}'` or cdk.json; the secrets' values stay in Secrets Manager.
 */
export interface AppSettings {
  popbill?: { corpNum: string; senderNumber: string; kakaoChannel: string; testBed: boolean };
  identity?: { providers: Array<'nice' | 'danal'>; callbackUrl: string; returnOrigins: string[] };
  nts?: boolean;
  slack?: { alertChannel: string; criticalChannel?: string; statsChannel?: string };
  /** Pages by AlimTalk to the on-call phones (needs Popbill). */
  oncall?: boolean;
  /**
   * The Firestore migration's live source (the old project, read with the key in the
   * `firestoreCredentials` secret). Absent, the migration is off (MIGRATION_ENABLED=false).
   */
  migration?: { projectId: string; databaseId?: string };
}

export interface EnvironmentConfig {
  name: EnvironmentName;
  /** The AWS account; a placeholder (111111111111) synthesizes offline, the real one deploys. */
  account: string;
  region: string;
  /** NAT gateways: their Elastic IPs are the fixed egress addresses NICE and Popbill allow. */
  natGateways: number;
  /**
   * Interface endpoints for ECR, SQS, KMS, Secrets Manager and Logs. They pay for themselves
   * (12 ENI-hours an hour) only where traffic is heavy: prod. Dev goes through its NAT gateway.
   */
  interfaceEndpoints: boolean;
  docdb: {
    instanceType: string;
    instances: number;
    backupRetentionDays: number;
    deletionProtection: boolean;
  };
  api: { cpu: number; memoryMiB: number; desiredCount: number };
  worker: { cpu: number; memoryMiB: number; desiredCount: number };
  /** Dev rolls (with circuit breaker and alarm rollback); prod deploys blue/green. */
  deployment: 'rolling' | 'blue-green';
  /** The API's public rate limits (API Gateway stage throttling). */
  throttle: { rateLimit: number; burstLimit: number };
  /** Data whose loss cannot be undone is retained when its stack is deleted. */
  retainData: boolean;
  app: AppSettings;
}

/** Seoul: the data of Korean residents stays in Korea (ISMS-P 2.10, the PIPA's transfer rules). */
const REGION = 'ap-northeast-2';

/** The account the stacks deploy to: `-c account=…` or CDK_DEFAULT_ACCOUNT; offline, a placeholder. */
export function accountFrom(context: unknown): string {
  if (typeof context === 'string' && /^\d{12}$/.test(context)) return context;
  const env = process.env.CDK_DEFAULT_ACCOUNT;
  return env && /^\d{12}$/.test(env) ? env : '111111111111';
}

/** The names of an environment's buckets (global, so the account makes them unique). */
export function bucketName(
  config: EnvironmentConfig,
  purpose: 'files' | 'exports' | 'access-logs',
): string {
  return `workmatch-${config.name}-${purpose}-${config.account}`;
}

export function environments(
  account: string,
  settings: Partial<Record<EnvironmentName, AppSettings>> = {},
): Record<EnvironmentName, EnvironmentConfig> {
  return {
    dev: {
      name: 'dev',
      account,
      region: REGION,
      natGateways: 1,
      interfaceEndpoints: false,
      docdb: {
        instanceType: 't4g.medium',
        instances: 1,
        backupRetentionDays: 7,
        deletionProtection: false,
      },
      api: { cpu: 512, memoryMiB: 1024, desiredCount: 1 },
      worker: { cpu: 256, memoryMiB: 512, desiredCount: 1 },
      deployment: 'rolling',
      throttle: { rateLimit: 50, burstLimit: 100 },
      retainData: false,
      app: settings.dev ?? {},
    },
    prod: {
      name: 'prod',
      account,
      region: REGION,
      natGateways: 2,
      interfaceEndpoints: true,
      docdb: {
        instanceType: 'r6g.large',
        instances: 2,
        backupRetentionDays: 35,
        deletionProtection: true,
      },
      api: { cpu: 1024, memoryMiB: 2048, desiredCount: 2 },
      worker: { cpu: 512, memoryMiB: 1024, desiredCount: 1 },
      deployment: 'blue-green',
      throttle: { rateLimit: 500, burstLimit: 1000 },
      retainData: true,
      app: settings.prod ?? {},
    },
  };
}
