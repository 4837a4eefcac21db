import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { EligibilityPolicy } from './eligibility-policy.js';
import { z } from 'zod';
import type { FirebaseHashParameters } from './firebase-hash-config.js';
import { envSchema, type Env } from './config.schema.js';
import { providersConfig, type ProvidersConfig } from './providers-config.js';
import { identityConfig, type IdentityConfig } from './identity-config.js';
import { migrationConfig, type MigrationConfig } from './migration-config.js';
import { slackConfig, type SlackAlertConfig } from './slack-config.js';

type AppMode = 'local' | 'aws';

/** The typed, nested configuration every part of the service reads. */
export interface AppConfig {
  mode: AppMode;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    shutdownGraceMs: number;
    idempotencyTtlSeconds: number;
    docsEnabled: boolean;
    /**
     * The operator console's refresh cookie: how long it lives (a session ends with it, whatever
     * Cognito's refresh token allows), and Secure in aws mode (local mode is plain http).
     */
    consoleSession: { maxAgeSeconds: number; secureCookie: boolean };
    /** The built operator console the API serves at /console (dist/console by default). */
    consoleDir: string;
  };
  worker: { port: number };
  log: {
    level: Env['LOG_LEVEL'];
    /** Local mode: the console's level; the files keep `level`. */
    consoleLevel: Env['LOG_LEVEL'];
    dir: string | undefined;
    /** One line per completed request (failures and slow requests are logged regardless). */
    accessLog: boolean;
    slowRequestMs: number;
    /** Days `audit_events` keeps who changed what (TTL). */
    auditRetentionDays: number;
  };
  dataDir: string;
  database: (
    | {
        kind: 'mongodb';
        uri: string;
        dbName: string;
        tlsCaFile: string | undefined;
        /** Credentials given apart from the URI (from the cluster's secret, in AWS). */
        auth?: { username: string; password: string };
      }
    | {
        kind: 'embedded';
        /** Where the SQLite file lives; every process opens it directly. */
        dir: string;
        /** `<dir>/<dbName>.sqlite`. */
        file: string;
        dbName: string;
        /** `normal`: durable through a process crash; `full`: through power loss too. */
        synchronous: 'normal' | 'full';
        /** How long an operation waits for another process's write lock before a 503. */
        busyTimeoutMs: number;
      }
  ) & {
    /** Bench-only (`BENCH_DB_DELAY_MS`, refused in aws mode): a delay before every call. */
    benchDelayMs?: number;
  };
  aws: {
    region: string;
    cognito: { userPoolId: string; clientId: string; endpoint: string | undefined };
    s3: { bucket: string; endpoint: string | undefined };
    sqs: {
      endpoint: string | undefined;
      eventsQueueUrl: string | undefined;
      /** Where alert events go (platform/alerts); undefined: none are queued. */
      alertsQueueUrl: string | undefined;
    };
  };
  local: {
    cognitoPort: number;
    s3Port: number;
    sqsPort: number;
    /** The Lambda Invoke endpoint through which cognito-local calls the legacy-auth triggers. */
    lambdaPort: number;
    /** The Popbill and NTS stub servers the launcher starts. */
    popbillPort: number;
    ntsPort: number;
    /** The Slack stub (alerts) the launcher starts. */
    slackPort: number;
  };
  auth: {
    /** Failed logins allowed per username and per client IP in one fixed window. */
    loginThrottle: { windowSeconds: number; maxPerUsername: number; maxPerIp: number };
    /** `cli members create-staff`: the temporary password (else one is generated). Secret. */
    staffInitialPassword: string | undefined;
  };
  shifts: {
    /** 최저임금: no shift may pay less per hour (2026: 10,320 KRW). */
    minimumHourlyWageKrw: number;
    /** A cancellation this close to the shift's start is flagged late. */
    lateCancellationHours: number;
  };
  /** Every number the eligibility rules use (see EligibilityPolicy). */
  eligibility: EligibilityPolicy;
  /** How often the worker looks for undelivered outbox events. */
  outbox: { pollMs: number };
  /**
   * Which named jobs the worker runs on their schedules: all of them by default (local), and in
   * AWS those EventBridge Scheduler does not run through `cli jobs run <name>` (a job run by both
   * would run twice). An empty list: none, the scheduler stays stopped.
   */
  scheduler: { jobs: 'all' | readonly string[] };
  /**
   * Who sends members their messages: `popbill` (AlimTalk with SMS fallback; the default
   * wherever Popbill is configured, so always locally) or `recording` (kept in `sent_messages`).
   */
  notifications: { sender: NonNullable<Env['MESSAGE_SENDER']> };
  /** Popbill, the NTS register, and how long a bank account check holds. */
  providers: ProvidersConfig;
  /** NICE and Danal 본인인증: preference order, hosts and credentials (identity-config.ts). */
  identity: IdentityConfig;
  /** The Firestore migration: on or off, its source, a run's quota (migration-config.ts). */
  migration: MigrationConfig;
  /** The monthly statistics (modules/statistics): the Slack channel they are announced in. */
  stats: { slackChannel: string | undefined };
  alerts: {
    /**
     * Where alerts are posted on Slack (slack-config.ts): always locally (the Slack stub);
     * undefined in aws mode without SLACK_BOT_TOKEN, and then there is no Slack channel.
     */
    slack: SlackAlertConfig | undefined;
    /** Repeats of one fault within this many seconds make one notice with a count. */
    groupWindowSeconds: number;
    /** Notices across all faults per minute; the rest wait for the next minute. */
    maxNoticesPerMinute: number;
    /** Seconds after which a notice Slack could not take is tried again. */
    retrySeconds: number;
    /** The CloudWatch log group a notice's Logs Insights link reads (aws), else no link. */
    logGroup: string | undefined;
    /** The environment alerts name (`dev`, `prod`, `local`). */
    environment: string;
    /** Refusals of one security kind per minute and process that make an alert. */
    securityThresholdPerMinute: number;
    /** Critical alerts paged by AlimTalk to the on-call phones; undefined: no pages. */
    page:
      | {
          phones: string[];
          repeatAfterMs: number;
          quietHours: { from: string; to: string } | undefined;
        }
      | undefined;
  };
  legacyAuth: {
    /** The Firebase project's password hash parameters (the signer key is a secret). */
    hashParameters: FirebaseHashParameters | undefined;
  };
  privacy: {
    /** Algorithm of new field ciphertexts; existing ones name their own, so both decrypt. */
    fieldCipher: Env['FIELD_CIPHER'];
    /**
     * Who wraps the data keys. `kms`: KMS GenerateDataKey/Decrypt, wrapped keys shared through
     * the database. `file`: a local master key and the wrapped keys in a directory (mode 0600,
     * never committed), the local mode default.
     */
    keys:
      { kind: 'kms'; keyId: string; endpoint: string | undefined } | { kind: 'file'; dir: string };
    /** How long an unwrapped data key stays in memory before KMS Decrypt is asked again. */
    dataKeyTtlMs: number;
    /** 접속기록 are kept this long (at least two years). */
    accessRecordRetentionDays: number;
    /** A withdrawn member's personal data is destroyed this many days after withdrawal. */
    withdrawnMemberRetentionDays: number;
    /** Days after a shift's end before the personal notes of its assignments are removed. */
    workRecordRetentionDays: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The local stack's well-known names; `.env.example` documents the same defaults. */
export const LOCAL_DEFAULTS = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_LocalPool1',
  clientId: 'workmatchlocalclient0000001',
  bucket: 'workmatch-local',
  eventsQueue: 'workmatch-events',
  alertsQueue: 'workmatch-alerts',
  sqsAccountId: '000000000000',
} as const;

function describeIssue(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const name = issue.path.join('.') || '(environment)';
  const raw = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
  // Never echo the value back: it may be a secret (a URI with a password).
  const state = raw === undefined ? 'is not set' : 'is malformed';
  return `${name} ${state}: ${issue.message}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, env)));
  }
  const e = parsed.data;
  const local = e.APP_MODE === 'local';
  const loopback = (p: number) => `http://127.0.0.1:${p}`;
  const dataDir = path.resolve(e.DATA_DIR);
  const embeddedDir = path.resolve(e.EMBEDDED_DB_DIR ?? path.join(dataDir, 'db'));
  const benchDelay = e.BENCH_DB_DELAY_MS ? { benchDelayMs: e.BENCH_DB_DELAY_MS } : {};
  const database: AppConfig['database'] = e.MONGODB_URI
    ? {
        kind: 'mongodb',
        uri: e.MONGODB_URI,
        dbName: e.MONGODB_DB_NAME,
        tlsCaFile: e.MONGODB_TLS_CA_FILE,
        ...(e.MONGODB_USERNAME && e.MONGODB_PASSWORD
          ? { auth: { username: e.MONGODB_USERNAME, password: e.MONGODB_PASSWORD } }
          : {}),
        ...benchDelay,
      }
    : {
        kind: 'embedded',
        dir: embeddedDir,
        file: path.join(embeddedDir, `${e.MONGODB_DB_NAME}.sqlite`),
        dbName: e.MONGODB_DB_NAME,
        synchronous: e.EMBEDDED_DB_SYNCHRONOUS,
        busyTimeoutMs: e.EMBEDDED_DB_BUSY_TIMEOUT_MS,
        ...benchDelay,
      };
  const region = e.AWS_REGION ?? (local ? LOCAL_DEFAULTS.region : 'ap-northeast-2');
  const providers = providersConfig(e, local);
  const sqsEndpoint = e.SQS_ENDPOINT ?? (local ? loopback(e.LOCAL_SQS_PORT) : undefined);

  return {
    mode: e.APP_MODE,
    http: {
      host: e.HOST ?? (local ? '127.0.0.1' : '0.0.0.0'),
      port: e.PORT,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      idempotencyTtlSeconds: e.IDEMPOTENCY_TTL_SECONDS,
      docsEnabled: e.ENABLE_DOCS ?? true,
      consoleSession: { maxAgeSeconds: e.CONSOLE_SESSION_HOURS * 3_600, secureCookie: !local },
      // From src/config or dist/config alike, the package's dist/console.
      consoleDir: path.resolve(
        e.CONSOLE_DIR ?? fileURLToPath(new URL('../../dist/console', import.meta.url)),
      ),
    },
    worker: { port: e.WORKER_PORT },
    log: {
      level: e.LOG_LEVEL,
      consoleLevel: e.LOG_CONSOLE_LEVEL ?? e.LOG_LEVEL,
      dir: e.LOG_DIR ? path.resolve(e.LOG_DIR) : local ? path.join(dataDir, 'logs') : undefined,
      // In AWS, API Gateway's access log already has a line per request, with the same id.
      accessLog: e.ENABLE_ACCESS_LOG ?? local,
      slowRequestMs: e.SLOW_REQUEST_MS,
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    },
    dataDir,
    database,
    aws: {
      region,
      cognito: {
        userPoolId: e.COGNITO_USER_POOL_ID ?? LOCAL_DEFAULTS.userPoolId,
        clientId: e.COGNITO_CLIENT_ID ?? LOCAL_DEFAULTS.clientId,
        endpoint: e.COGNITO_ENDPOINT ?? (local ? loopback(e.LOCAL_COGNITO_PORT) : undefined),
      },
      s3: {
        bucket: e.S3_BUCKET ?? LOCAL_DEFAULTS.bucket,
        endpoint: e.S3_ENDPOINT ?? (local ? loopback(e.LOCAL_S3_PORT) : undefined),
      },
      sqs: {
        endpoint: sqsEndpoint,
        eventsQueueUrl:
          e.SQS_EVENTS_QUEUE_URL ??
          (local && sqsEndpoint
            ? `${sqsEndpoint}/${LOCAL_DEFAULTS.sqsAccountId}/${LOCAL_DEFAULTS.eventsQueue}`
            : undefined),
        alertsQueueUrl:
          e.SQS_ALERTS_QUEUE_URL ??
          (local && sqsEndpoint
            ? `${sqsEndpoint}/${LOCAL_DEFAULTS.sqsAccountId}/${LOCAL_DEFAULTS.alertsQueue}`
            : undefined),
      },
    },
    local: {
      cognitoPort: e.LOCAL_COGNITO_PORT,
      s3Port: e.LOCAL_S3_PORT,
      sqsPort: e.LOCAL_SQS_PORT,
      lambdaPort: e.LOCAL_LAMBDA_PORT,
      popbillPort: e.LOCAL_POPBILL_PORT,
      ntsPort: e.LOCAL_NTS_PORT,
      slackPort: e.LOCAL_SLACK_PORT,
    },
    auth: {
      loginThrottle: {
        windowSeconds: e.LOGIN_THROTTLE_WINDOW_SECONDS,
        maxPerUsername: e.LOGIN_THROTTLE_MAX_PER_USERNAME,
        maxPerIp: e.LOGIN_THROTTLE_MAX_PER_IP,
      },
      staffInitialPassword: e.STAFF_INITIAL_PASSWORD,
    },
    shifts: {
      minimumHourlyWageKrw: e.MINIMUM_HOURLY_WAGE_KRW,
      lateCancellationHours: e.LATE_CANCELLATION_HOURS,
    },
    eligibility: {
      ruleSetVersion: e.ELIGIBILITY_RULE_SET_VERSION,
      minimumWorkerAge: e.ELIGIBILITY_MINIMUM_WORKER_AGE,
      adultAge: e.ELIGIBILITY_ADULT_AGE,
      minorMaxDailyHours: e.ELIGIBILITY_MINOR_MAX_DAILY_HOURS,
      minorMaxWeeklyHours: e.ELIGIBILITY_MINOR_MAX_WEEKLY_HOURS,
      minorNightStartHour: e.ELIGIBILITY_MINOR_NIGHT_START_HOUR,
      minorNightEndHour: e.ELIGIBILITY_MINOR_NIGHT_END_HOUR,
      adultMaxWeeklyHours: e.ELIGIBILITY_ADULT_MAX_WEEKLY_HOURS,
      maxDailyHours: e.ELIGIBILITY_MAX_DAILY_HOURS,
      minimumRestHours: e.ELIGIBILITY_MINIMUM_REST_HOURS,
      travelBufferMinutes: e.ELIGIBILITY_TRAVEL_BUFFER_MINUTES,
      maxNoShows: e.ELIGIBILITY_MAX_NO_SHOWS,
      noShowWindowDays: e.ELIGIBILITY_NO_SHOW_WINDOW_DAYS,
    },
    outbox: { pollMs: e.OUTBOX_POLL_MS },
    scheduler: { jobs: e.WORKER_JOBS },
    notifications: { sender: e.MESSAGE_SENDER ?? (providers.popbill ? 'popbill' : 'recording') },
    providers,
    identity: identityConfig(e),
    migration: migrationConfig(e),
    stats: { slackChannel: e.SLACK_STATS_CHANNEL },
    alerts: {
      slack: slackConfig(e),
      groupWindowSeconds: e.ALERTS_GROUP_WINDOW_SECONDS,
      maxNoticesPerMinute: e.ALERTS_MAX_NOTICES_PER_MINUTE,
      retrySeconds: e.ALERTS_RETRY_SECONDS,
      logGroup: e.ALERTS_LOG_GROUP,
      environment: e.ALERTS_ENVIRONMENT ?? (local ? 'local' : 'aws'),
      securityThresholdPerMinute: e.ALERTS_SECURITY_PER_MINUTE,
      page: e.ALERTS_ONCALL_PHONES
        ? {
            phones: e.ALERTS_ONCALL_PHONES,
            repeatAfterMs: e.ALERTS_PAGE_REPEAT_MINUTES * 60_000,
            quietHours: e.ALERTS_QUIET_HOURS
              ? {
                  from: e.ALERTS_QUIET_HOURS.slice(0, 5),
                  to: e.ALERTS_QUIET_HOURS.slice(6),
                }
              : undefined,
          }
        : undefined,
    },
    legacyAuth: { hashParameters: e.LEGACY_AUTH_HASH_CONFIG },
    privacy: {
      fieldCipher: e.FIELD_CIPHER,
      keys:
        e.KMS_KEY_ID && !e.FIELD_KEYS_DIR
          ? { kind: 'kms', keyId: e.KMS_KEY_ID, endpoint: e.KMS_ENDPOINT }
          : { kind: 'file', dir: e.FIELD_KEYS_DIR ?? path.join(dataDir, 'keys') },
      dataKeyTtlMs: e.DATA_KEY_TTL_SECONDS * 1_000,
      accessRecordRetentionDays: e.ACCESS_RECORD_RETENTION_DAYS,
      withdrawnMemberRetentionDays: e.WITHDRAWN_MEMBER_RETENTION_DAYS,
      workRecordRetentionDays: e.WORK_RECORD_RETENTION_DAYS,
    },
  };
}
