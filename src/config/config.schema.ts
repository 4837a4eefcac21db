import { z } from 'zod';
import {
  firebaseHashConfigInput,
  firebaseHashConfigSchema,
  NOT_JSON,
} from './firebase-hash-config.js';
import { IDENTITY_ENV, refineIdentityEnv } from './identity-config.js';
import { MIGRATION_ENV, refineMigrationEnv } from './migration-config.js';
import { refineSlackEnv, SLACK_ENV } from './slack-config.js';

/**
 * The values of `MESSAGE_SENDER`: `popbill` (AlimTalk with SMS fallback) or `recording` (kept in
 * `sent_messages`, for tests).
 */
const MESSAGE_SENDER_KINDS = ['popbill', 'recording'] as const;
export type MessageSenderKind = (typeof MESSAGE_SENDER_KINDS)[number];

/**
 * Every environment variable the service reads, in one schema. `loadConfig()` parses
 * `process.env` once at start; nothing else reads the environment.
 */

const port = z.coerce.number().int().min(1).max(65_535);
const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(['true', 'false', '1', '0'], { message: "expected 'true' or 'false'" })
  .transform((v) => v === 'true' || v === '1');
const url = z.url({ message: 'expected an absolute URL such as http://127.0.0.1:9229' });

export const envSchema = z
  .object({
    APP_MODE: z.enum(['local', 'aws']).default('local'),
    HOST: z.string().min(1).optional(),
    PORT: port.default(3000),
    WORKER_PORT: port.default(3001),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // Local mode only: the readable console's level (the files keep LOG_LEVEL's).
    LOG_CONSOLE_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    LOG_DIR: z.string().min(1).optional(),
    BODY_LIMIT_BYTES: positiveInt.default(1_048_576),
    SHUTDOWN_GRACE_MS: positiveInt.default(25_000),
    IDEMPOTENCY_TTL_SECONDS: positiveInt.default(86_400),
    // The operator console's session: its refresh cookie lives at most this long.
    CONSOLE_SESSION_HOURS: positiveInt.max(24).default(12),
    // Where the built console is (npm run build writes dist/console).
    CONSOLE_DIR: z.string().min(1).optional(),

    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, { message: 'expected a mongodb:// or mongodb+srv:// URI' })
      .optional(),
    // DocumentDB's credentials apart from the URI: ECS injects them from the cluster's secret.
    MONGODB_USERNAME: z.string().min(1).optional(),
    MONGODB_PASSWORD: z.string().min(1).optional(),
    MONGODB_DB_NAME: z.string().min(1).default('workmatch'),
    MONGODB_TLS_CA_FILE: z.string().min(1).optional(),
    EMBEDDED_DB_DIR: z.string().min(1).optional(),
    EMBEDDED_DB_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
    EMBEDDED_DB_BUSY_TIMEOUT_MS: positiveInt.default(5_000),
    // Bench-only: every database call waits this long first (a round trip to another zone).
    BENCH_DB_DELAY_MS: z.coerce.number().int().min(0).max(1_000).optional(),

    AWS_REGION: z.string().min(1).optional(),
    COGNITO_USER_POOL_ID: z
      .string()
      .regex(/^[a-z]{2}-[a-z]+-\d_[A-Za-z0-9]+$/, {
        message: 'expected a user pool id such as ap-northeast-2_AbCdEf123',
      })
      .optional(),
    COGNITO_CLIENT_ID: z.string().min(1).optional(),
    COGNITO_ENDPOINT: url.optional(),
    S3_ENDPOINT: url.optional(),
    S3_BUCKET: z.string().min(3).optional(),
    SQS_ENDPOINT: url.optional(),
    SQS_EVENTS_QUEUE_URL: url.optional(),
    // The alerts queue (its DLQ behind it): error-level events, failed jobs, circuits opening,
    // CloudWatch alarms through SNS. Unset in aws mode: no alerts are queued.
    SQS_ALERTS_QUEUE_URL: url.optional(),
    // The alert pipeline: repeats of one fault within the window make one notice; a budget of
    // notices per minute across all faults; the log group the notices' Logs Insights link reads.
    ALERTS_GROUP_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
    ALERTS_MAX_NOTICES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000).default(20),
    // A notice Slack could not take comes back on the queue after this many seconds (a 429
    // waits as long as Slack's Retry-After says).
    ALERTS_RETRY_SECONDS: z.coerce.number().int().min(1).max(900).default(30),
    // Refusals of one security kind (forged tokens, failed logins, throttling) per minute and
    // process that make an alert.
    ALERTS_SECURITY_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(50),
    ALERTS_LOG_GROUP: z.string().min(1).max(512).optional(),
    // Critical alerts as AlimTalk (Popbill) to the on-call phones, comma-separated mobile
    // numbers; a fault's repeat pages again only after this many minutes, and never in the quiet
    // hours (KST, HH:MM-HH:MM, may cross midnight). Unset phones: no pages.
    ALERTS_ONCALL_PHONES: z
      .string()
      .transform((text) => text.split(',').map((p) => p.trim().replace(/-/g, '')))
      .pipe(
        z
          .array(z.string().regex(/^01[016789]\d{7,8}$/, { message: 'expected mobile numbers' }))
          .min(1)
          .max(10),
      )
      .optional(),
    ALERTS_PAGE_REPEAT_MINUTES: z.coerce.number().int().min(1).max(1_440).default(60),
    ALERTS_QUIET_HOURS: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
        message: 'expected HH:MM-HH:MM (KST)',
      })
      .optional(),
    // The environment alerts name (dev, prod); default: local, or aws in aws mode.
    ALERTS_ENVIRONMENT: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,29}$/)
      .optional(),

    LOCAL_COGNITO_PORT: port.default(9229),
    LOCAL_S3_PORT: port.default(4568),
    LOCAL_SQS_PORT: port.default(9324),
    LOCAL_LAMBDA_PORT: port.default(9330),
    LOCAL_POPBILL_PORT: port.default(9340),
    LOCAL_NTS_PORT: port.default(9341),
    ENABLE_DOCS: flag.optional(),
    ENABLE_ACCESS_LOG: flag.optional(),
    // `all`, `none`, or job names separated by commas: the name rule of platform/jobs'
    // ScheduledJobs (the names themselves are checked against the registered jobs when the
    // worker starts).
    WORKER_JOBS: z
      .string()
      .transform((text) => text.split(',').map((name) => name.trim()))
      .refine(
        (names) =>
          names.length === 1
            ? /^(all|none|[a-z][a-z0-9]*(-[a-z0-9]+)*)$/.test(names[0] ?? '')
            : names.every(
                (name) =>
                  /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) && name !== 'all' && name !== 'none',
              ),
        { message: "expected 'all', 'none' or job names separated by commas (holds-repair)" },
      )
      .transform((names) =>
        names[0] === 'all' ? ('all' as const) : names[0] === 'none' ? [] : names,
      )
      .default('all'),
    SLOW_REQUEST_MS: positiveInt.default(1_000),
    // audit_events (who changed what) are kept this long: the log policy's audit retention.
    AUDIT_RETENTION_DAYS: positiveInt
      .min(365, { message: 'audit events are kept at least 365 days (ISMS-P log retention)' })
      .default(730),

    LOGIN_THROTTLE_WINDOW_SECONDS: positiveInt.default(900),
    LOGIN_THROTTLE_MAX_PER_USERNAME: positiveInt.default(5),
    LOGIN_THROTTLE_MAX_PER_IP: positiveInt.default(50),
    STAFF_INITIAL_PASSWORD: z.string().min(1).optional(),
    FIELD_CIPHER: z.enum(['aes-256-gcm', 'aria-256-gcm']).default('aes-256-gcm'),
    KMS_KEY_ID: z
      .string()
      .regex(
        /^(arn:aws[\w-]*:kms:[\w-]+:\d{12}:(key|alias)\/[\w/-]+|alias\/[\w/-]+|[0-9a-f-]{36}|mrk-[0-9a-f]{32})$/,
        {
          message: 'expected a KMS key id, key ARN, alias name or alias ARN',
        },
      )
      .optional(),
    KMS_ENDPOINT: url.optional(),
    FIELD_KEYS_DIR: z.string().min(1).optional(),
    DATA_KEY_TTL_SECONDS: positiveInt.default(3_600),
    ACCESS_RECORD_RETENTION_DAYS: positiveInt
      .min(730, {
        message: 'the personal data safety standard asks for at least 730 days (2 years)',
      })
      .default(730),
    MINIMUM_HOURLY_WAGE_KRW: positiveInt.default(10_320),
    LATE_CANCELLATION_HOURS: positiveInt.default(24),
    ELIGIBILITY_RULE_SET_VERSION: z.string().min(1).max(40).default('2026.1'),
    ELIGIBILITY_MINIMUM_WORKER_AGE: positiveInt.default(15),
    ELIGIBILITY_ADULT_AGE: positiveInt.default(18),
    ELIGIBILITY_MINOR_MAX_DAILY_HOURS: positiveInt.default(7),
    ELIGIBILITY_MINOR_MAX_WEEKLY_HOURS: positiveInt.default(35),
    ELIGIBILITY_MINOR_NIGHT_START_HOUR: z.coerce.number().int().min(0).max(23).default(22),
    ELIGIBILITY_MINOR_NIGHT_END_HOUR: z.coerce.number().int().min(0).max(23).default(6),
    ELIGIBILITY_ADULT_MAX_WEEKLY_HOURS: positiveInt.default(52),
    ELIGIBILITY_MAX_DAILY_HOURS: positiveInt.max(24).default(12),
    ELIGIBILITY_MINIMUM_REST_HOURS: z.coerce.number().int().min(0).max(24).default(11),
    ELIGIBILITY_TRAVEL_BUFFER_MINUTES: z.coerce.number().int().min(0).max(240).default(30),
    ELIGIBILITY_MAX_NO_SHOWS: positiveInt.default(3),
    ELIGIBILITY_NO_SHOW_WINDOW_DAYS: positiveInt.default(90),
    OUTBOX_POLL_MS: positiveInt.default(1_000),
    // Default: popbill when Popbill is configured (always locally: the stub), else recording.
    MESSAGE_SENDER: z.enum(MESSAGE_SENDER_KINDS).optional(),
    // Popbill (Linkhub): messages and 예금주 조회. Locally they default to the stub's fixtures.
    POPBILL_LINK_ID: z.string().min(1).optional(),
    POPBILL_SECRET_KEY: z
      .base64({ message: 'expected the base64 secret key Linkhub issued' })
      .optional(),
    POPBILL_CORP_NUM: z
      .string()
      .regex(/^\d{10}$/, { message: "expected the Popbill member's 10-digit 사업자등록번호" })
      .optional(),
    POPBILL_SERVICE_ID: z.enum(['POPBILL_TEST', 'POPBILL']).optional(),
    POPBILL_AUTH_URL: url.optional(),
    POPBILL_API_URL: url.optional(),
    POPBILL_USER_ID: z.string().min(1).optional(),
    POPBILL_SENDER_NUMBER: z
      .string()
      .regex(/^0\d{7,10}$/, { message: 'expected a registered 발신번호, digits only' })
      .optional(),
    POPBILL_KAKAO_CHANNEL: z.string().min(1).optional(),
    POPBILL_IP_RESTRICTED: flag.optional(),
    // The NTS register (data.go.kr odcloud): the portal's Decoding key.
    NTS_BASE_URL: url.optional(),
    NTS_SERVICE_KEY: z.string().min(1).optional(),
    BANK_CHECK_TTL_DAYS: positiveInt.max(3_650).default(30),
    // What scans uploaded files (providers-config.ts): the stub locally, clamd in aws mode.
    VIRUS_SCANNER: z.enum(['stub', 'clamd']).optional(),
    CLAMD_HOST: z.string().min(1).optional(),
    CLAMD_PORT: port.default(3310),
    // Per attempt; one retry. Both fit in API Gateway's 30 s integration timeout.
    CLAMD_TIMEOUT_MS: positiveInt
      .max(12_000, { message: 'at most 12000: two attempts must fit in 30 s' })
      .default(10_000),
    WITHDRAWN_MEMBER_RETENTION_DAYS: z.coerce.number().int().min(0).max(1_825).default(30),
    // 근로기준법 제42조 keeps employment records 3 years; less is not allowed.
    WORK_RECORD_RETENTION_DAYS: z.coerce.number().int().min(1_095).max(3_650).default(1_095),
    LEGACY_AUTH_HASH_CONFIG: z
      .string()
      .transform((text, ctx) => {
        const raw = firebaseHashConfigInput(text);
        const parsed = raw === NOT_JSON ? undefined : firebaseHashConfigSchema.safeParse(raw);
        if (parsed?.success) return parsed.data;
        // The issues name fields only; the value (a secret) is never repeated.
        const issues = parsed
          ? parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`)
          : ['(file): not JSON'];
        ctx.addIssue({
          code: 'custom',
          message: `expected Firebase's password hash parameters as JSON (${issues.join('; ')})`,
        });
        return z.NEVER;
      })
      .optional(),
    ...IDENTITY_ENV,
    ...MIGRATION_ENV,
    ...SLACK_ENV,
  })
  .superRefine((env, ctx) => {
    refineIdentityEnv(env, ctx);
    refineMigrationEnv(env, ctx);
    if ((env.MONGODB_USERNAME === undefined) !== (env.MONGODB_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.MONGODB_USERNAME === undefined ? 'MONGODB_USERNAME' : 'MONGODB_PASSWORD'],
        message: 'MONGODB_USERNAME and MONGODB_PASSWORD come together (or leave both out)',
      });
    }
    refineSlackEnv(env, ctx);
    if (env.APP_MODE !== 'aws') return;
    if (env.BENCH_DB_DELAY_MS !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['BENCH_DB_DELAY_MS'],
        message: 'bench-only: refused in aws mode (it slows every database call)',
      });
    }
    if (env.VIRUS_SCANNER === 'stub') {
      ctx.addIssue({
        code: 'custom',
        path: ['VIRUS_SCANNER'],
        message: 'stub is refused in aws mode: a file it passes was never scanned (use clamd)',
      });
    }
    const required: Array<[keyof typeof env, string]> = [
      ['COGNITO_USER_POOL_ID', 'the Cognito user pool id'],
      ['COGNITO_CLIENT_ID', 'the Cognito app client id'],
      ['S3_BUCKET', 'the S3 bucket for files'],
      ['SQS_EVENTS_QUEUE_URL', 'the URL of the events SQS queue'],
    ];
    for (const [name, what] of required) {
      if (env[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: `required in aws mode: ${what}` });
      }
    }
    if (!env.KMS_KEY_ID && !env.FIELD_KEYS_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['KMS_KEY_ID'],
        message:
          'required in aws mode: the KMS key that wraps the field encryption keys (or set FIELD_KEYS_DIR to keep them in a local key file)',
      });
    }
    // Popbill is optional in aws mode (without it the bank check stays manual and messages are
    // recorded), but once any of it is given, or MESSAGE_SENDER=popbill, all of it is needed.
    const popbill: Array<[keyof typeof env, string]> = [
      ['POPBILL_LINK_ID', 'the Linkhub LinkID'],
      ['POPBILL_SECRET_KEY', 'the Linkhub secret key'],
      ['POPBILL_CORP_NUM', "the Popbill member's 사업자등록번호"],
      ['POPBILL_SERVICE_ID', 'POPBILL (production) or POPBILL_TEST (test bed)'],
      ['POPBILL_SENDER_NUMBER', 'the registered sender number'],
    ];
    if (env.MESSAGE_SENDER === 'popbill' || popbill.some(([name]) => env[name] !== undefined)) {
      for (const [name, what] of popbill) {
        if (env[name] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `required in aws mode when Popbill is used: ${what}`,
          });
        }
      }
    }
    if (!env.MONGODB_URI && !env.EMBEDDED_DB_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['MONGODB_URI'],
        message:
          'required in aws mode: a mongodb:// URI for DocumentDB (or set EMBEDDED_DB_DIR to run on the embedded engine)',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
