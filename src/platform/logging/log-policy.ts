import { z } from 'zod';
import { isSecurityCode } from '../alerts/security-watch.js';
import { scrub } from '../masking/scrub.js';
import { REDACT_CENSOR, SENSITIVE_KEYS } from './redaction.js';

/**
 * The logging policy in code (docs/logging-policy.md is its prose): each log line belongs to one
 * category, named by its `category` field (none: `application`), and must fit that category's
 * schema, levels and the rules for every line. Tests run every captured line through
 * {@link checkLogLine} (test/support/log-capture.ts); the retention figures here are what the
 * infrastructure provisions (issue 16) and what the database sinks' TTLs are.
 */
export const LOG_CATEGORIES = [
  'application',
  'access',
  'security',
  'audit',
  'provider',
  'job',
  'metrics',
] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

const LEVEL_LABELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type LevelLabel = (typeof LEVEL_LABELS)[number];
/** pino's numbers, which the local files keep (multi-target transports refuse a level formatter). */
const LEVEL_NUMBERS: Record<number, LevelLabel> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

const id = z.string().min(1).max(200);
const code = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a snake_case code');
/** An error as redaction.ts writes it: type, message and stack (scrubbed), own fields. */
const error = z.looseObject({ type: z.string(), message: z.string() });

/** Fields every line has (pino's base, the request id when there is a request). */
const COMMON = {
  level: z.union([z.enum(LEVEL_LABELS), z.number().int()]),
  time: z.number().int().positive(),
  service: z.literal('workmatch'),
  process: z.string().min(1),
  name: z.string().optional(),
  msg: z.string(),
  reqId: id.optional(),
  component: z.string().optional(),
  /** Nest's logger context (`new Logger(Context)`, Nest's own classes). */
  context: z.string().optional(),
};

/** The call record a provider gateway keeps per call: ids, outcome, latency, codes; no payloads. */
const providerCall = z.strictObject({
  provider: z.string(),
  operation: z.string(),
  outcome: z.string(),
  latencyMs: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
  reqId: id.optional(),
  code: code.optional(),
  providerCode: z.string().max(64).optional(),
});

/** Fields that name a line's category: a line that carries them without it is misfiled. */
const RESERVED: Record<string, LogCategory> = {
  providerCall: 'provider',
  _aws: 'metrics',
  job: 'job',
  action: 'audit',
};

export interface CategoryPolicy {
  /** What the category is for (the policy's prose, short). */
  purpose: string;
  levels: readonly LevelLabel[];
  schema: z.ZodType<Record<string, unknown>>;
  /** Where its lines go, beyond stdout (CloudWatch Logs) and the local files. */
  alsoTo: readonly string[];
  /** Days the log group keeps it (ISMS-P minimums: security 1 year, access records 2 years). */
  retentionDays: number;
}

export const LOG_POLICY: Record<LogCategory, CategoryPolicy> = {
  application: {
    purpose: 'what the processes do and what goes wrong in them',
    levels: LEVEL_LABELS,
    schema: z.looseObject({
      ...COMMON,
      category: z.literal('application').optional(),
      code: code.optional(),
      err: error.optional(),
    }),
    alsoTo: ['alert_events (error, fatal)', 'the alerts queue (error, fatal)'],
    retentionDays: 365,
  },
  access: {
    purpose: 'one line per request: method, path, status, time',
    levels: ['info', 'warn', 'error'],
    schema: z.strictObject({
      ...COMMON,
      category: z.literal('access'),
      method: z.string().regex(/^[A-Z]+$/),
      path: z.string().startsWith('/'),
      status: z.number().int().min(100).max(599),
      ms: z.number().nonnegative(),
      err: error.optional(),
    }),
    alsoTo: ['the alerts queue (error)'],
    retentionDays: 365,
  },
  security: {
    purpose:
      'refusals that are security events (forged or revoked tokens, failed logins, throttling, staff-only routes) and their bursts',
    levels: ['info', 'warn', 'error'],
    schema: z.strictObject({
      ...COMMON,
      category: z.literal('security'),
      code,
      status: z.number().int().min(400).max(599).optional(),
      count: z.number().int().positive().optional(),
      windowSeconds: z.number().int().positive().optional(),
    }),
    alsoTo: ['alert_events (bursts, 1 year)', 'the alerts queue (bursts)'],
    retentionDays: 365,
  },
  audit: {
    purpose: 'who changed what: staff decisions and operations (also kept in audit_events)',
    levels: ['info'],
    schema: z.strictObject({
      ...COMMON,
      category: z.literal('audit'),
      action: z.string().regex(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/, 'a dotted action name'),
      actor: z.strictObject({
        type: z.enum(['staff', 'member', 'system', 'cli']),
        id: id.optional(),
        role: z.string().optional(),
      }),
      subject: z.strictObject({ type: z.string(), id }).optional(),
      outcome: z.string(),
      details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      auditId: id,
    }),
    alsoTo: ['audit_events'],
    retentionDays: 730,
  },
  provider: {
    purpose: 'calls to NICE, Danal, Popbill, NTS and Slack: one call record each; circuits opening',
    levels: ['debug', 'info', 'warn', 'error'],
    schema: z.strictObject({
      ...COMMON,
      category: z.literal('provider'),
      providerCall: providerCall.optional(),
      provider: z.string().optional(),
      code: code.optional(),
    }),
    alsoTo: ['the alerts queue (circuit opened)'],
    retentionDays: 365,
  },
  job: {
    purpose: 'scheduled and batch jobs: start, end (status, duration, counts), failure',
    levels: LEVEL_LABELS,
    schema: z.looseObject({
      ...COMMON,
      category: z.literal('job'),
      job: z.string().min(1),
      status: z.enum(['ok', 'failed', 'aborted']).optional(),
      durationMs: z.number().nonnegative().optional(),
      nextRunAt: z.iso.datetime().optional(),
      code: code.optional(),
      err: error.optional(),
    }),
    alsoTo: ['job_leases (the last result)', 'the alerts queue (failed)'],
    retentionDays: 365,
  },
  metrics: {
    purpose: 'CloudWatch Embedded Metric Format documents, one per dimension set and minute',
    levels: ['info'],
    schema: z
      .object({
        ...COMMON,
        category: z.literal('metrics'),
        _aws: z.strictObject({
          Timestamp: z.number().int().positive(),
          CloudWatchMetrics: z
            .array(
              z.strictObject({
                Namespace: z.string(),
                Dimensions: z.array(z.array(z.string())),
                Metrics: z.array(z.strictObject({ Name: z.string(), Unit: z.string() })),
              }),
            )
            .min(1),
        }),
      })
      // The dimensions' values (strings) and the metrics' values (numbers, or EMF's arrays).
      .catchall(z.union([z.string(), z.number(), z.array(z.number())])),
    alsoTo: [],
    retentionDays: 365,
  },
};

/** The category a line declares (none: `application`); undefined for a name not in the policy. */
function categoryOf(line: Record<string, unknown>): LogCategory | undefined {
  const declared = line.category ?? 'application';
  return (LOG_CATEGORIES as readonly unknown[]).includes(declared)
    ? (declared as LogCategory)
    : undefined;
}

/**
 * What is wrong with a log line (parsed JSON) under the policy: an unknown category, a level the
 * category does not use, a field its schema refuses or lacks, a field that belongs to another
 * category, a secret or personal field not censored, personal data left in a string. Empty
 * when it fits.
 */
export function checkLogLine(line: Record<string, unknown>): string[] {
  const category = categoryOf(line);
  if (!category) return [`unknown category ${JSON.stringify(line.category)}`];
  const policy = LOG_POLICY[category];
  const problems: string[] = [];
  const level = typeof line.level === 'number' ? LEVEL_NUMBERS[line.level] : line.level;
  if (!policy.levels.includes(level as LevelLabel)) {
    problems.push(
      `${category}: level ${String(line.level)} is not one of ${policy.levels.join(', ')}`,
    );
  }
  const parsed = policy.schema.safeParse(line);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${category}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
    }
  }
  for (const [field, owner] of Object.entries(RESERVED)) {
    if (owner !== category && field in line) {
      problems.push(`${category}: ${field} belongs to the ${owner} category`);
    }
  }
  if (category === 'application' && typeof line.code === 'string' && isSecurityCode(line.code)) {
    problems.push(`application: code ${line.code} belongs to the security category`);
  }
  walk(line, '', problems);
  return problems;
}

/** Secrets and personal fields censored, personal data masked, at any depth. */
function walk(value: unknown, at: string, problems: string[]): void {
  if (typeof value === 'string') {
    if (scrub(value) !== value) problems.push(`${at || '(line)'}: personal data not masked`);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, item] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (SENSITIVE_KEYS.has(key.toLowerCase()) && item !== REDACT_CENSOR) {
      problems.push(`${path}: a secret or personal field not censored`);
    } else {
      walk(item, path, problems);
    }
  }
}
