import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../../test/support/log-capture.js';
import { checkLogLine, LOG_CATEGORIES, LOG_POLICY } from './log-policy.js';
import { baseOptions } from './logger.js';

const base = { level: 'info', time: 1_764_900_000_000, service: 'workmatch', process: 'api' };

/** One line of each category as the app writes it. */
const FITTING: Record<(typeof LOG_CATEGORIES)[number], Record<string, unknown>> = {
  application: { ...base, component: 'assignments', msg: 'gave back holds', repaired: 2 },
  access: {
    ...base,
    reqId: 'r-1',
    category: 'access',
    method: 'GET',
    path: '/shifts',
    status: 200,
    ms: 1.2,
    msg: 'request completed',
  },
  security: {
    ...base,
    reqId: 'r-2',
    category: 'security',
    status: 401,
    code: 'token_invalid',
    msg: 'request refused',
  },
  audit: {
    ...base,
    category: 'audit',
    auditId: 'a-1',
    action: 'worker.identity.verify',
    actor: { type: 'staff', id: 'op-1', role: 'operator' },
    subject: { type: 'worker', id: 'w-1' },
    outcome: 'verified',
    details: { evidence: 2 },
    msg: 'audit',
  },
  provider: {
    ...base,
    level: 'warn',
    category: 'provider',
    providerCall: {
      provider: 'nts',
      operation: 'status',
      outcome: 'timeout',
      latencyMs: 3000,
      attempts: 2,
      code: 'provider_timeout',
    },
    msg: 'provider call failed',
  },
  job: {
    ...base,
    process: 'worker',
    category: 'job',
    job: 'retention-purge',
    status: 'ok',
    durationMs: 12,
    nextRunAt: '2026-12-06T18:00:00.000Z',
    summary: { purged: 3 },
    msg: 'job finished',
  },
  metrics: {
    ...base,
    component: 'metrics',
    category: 'metrics',
    _aws: {
      Timestamp: 1_764_900_000_000,
      CloudWatchMetrics: [
        {
          Namespace: 'workmatch',
          Dimensions: [['RouteClass']],
          Metrics: [{ Name: 'Requests', Unit: 'Count' }],
        },
      ],
    },
    RouteClass: 'member',
    Requests: 12,
    msg: 'metrics',
  },
};

describe('the logging policy', () => {
  it('names a level set, a schema and a retention for every category', () => {
    for (const category of LOG_CATEGORIES) {
      expect(LOG_POLICY[category].levels.length, category).toBeGreaterThan(0);
      expect(LOG_POLICY[category].retentionDays, category).toBeGreaterThanOrEqual(365);
    }
    // ISMS-P: who changed what is kept at least 2 years, security events at least 1.
    expect(LOG_POLICY.audit.retentionDays).toBeGreaterThanOrEqual(730);
    expect(LOG_POLICY.security.retentionDays).toBeGreaterThanOrEqual(365);
  });

  it.each(LOG_CATEGORIES)('accepts a %s line as the app writes it', (category) => {
    expect(checkLogLine(FITTING[category])).toEqual([]);
  });

  it('accepts the numeric levels the local files keep', () => {
    expect(checkLogLine({ ...FITTING.access, level: 30 })).toEqual([]);
    expect(checkLogLine({ ...FITTING.audit, level: 50 })).toEqual([
      'audit: level 50 is not one of info',
    ]);
  });

  it('refuses a category the policy does not name', () => {
    expect(checkLogLine({ ...FITTING.application, category: 'debugging' })).toEqual([
      'unknown category "debugging"',
    ]);
  });

  it('refuses a field an access line does not have (a body, a query string)', () => {
    expect(checkLogLine({ ...FITTING.access, body: { a: 1 } })).toEqual([
      'access: (line): Unrecognized key: "body"',
    ]);
  });

  it('refuses an access line without its status', () => {
    const { status: _, ...line } = FITTING.access;
    expect(checkLogLine(line)[0]).toMatch(/^access: status: /);
  });

  it('refuses an audit line without its actor, and at a level audit does not use', () => {
    const { actor: _, ...line } = FITTING.audit;
    expect(checkLogLine({ ...line, level: 'warn' })).toEqual([
      'audit: level warn is not one of info',
      expect.stringMatching(/^audit: actor: /),
    ]);
  });

  it('refuses a line that carries another category’s fields without naming it', () => {
    const { category: _, ...jobLine } = FITTING.job;
    expect(checkLogLine(jobLine)).toEqual(['application: job belongs to the job category']);
    expect(checkLogLine({ ...FITTING.application, providerCall: {} })).toEqual([
      'application: providerCall belongs to the provider category',
    ]);
    const { category: __, ...refusal } = FITTING.security;
    expect(checkLogLine(refusal)).toEqual([
      'application: code token_invalid belongs to the security category',
    ]);
  });

  it('refuses a provider call record with a payload in it', () => {
    const providerCall = { ...(FITTING.provider.providerCall as object), response: { name: 'x' } };
    expect(checkLogLine({ ...FITTING.provider, providerCall })).toEqual([
      'provider: providerCall: Unrecognized key: "response"',
    ]);
  });

  it('refuses a security line whose code is not a code', () => {
    expect(checkLogLine({ ...FITTING.security, code: 'Token Invalid!' })[0]).toMatch(
      /^security: code: a snake_case code/,
    );
  });

  it('refuses a metrics document without the EMF envelope', () => {
    const { _aws: _, ...line } = FITTING.metrics;
    expect(checkLogLine(line)[0]).toMatch(/^metrics: _aws: /);
  });

  it('refuses personal data left in any string, at any depth', () => {
    expect(checkLogLine({ ...FITTING.application, msg: 'call 010-1234-5678' })).toEqual([
      'msg: personal data not masked',
    ]);
    expect(
      checkLogLine({ ...FITTING.application, err: { type: 'Error', message: 'a@b.example' } }),
    ).toEqual(['err.message: personal data not masked']);
  });

  it('refuses a secret or personal field that is not censored, and accepts it censored', () => {
    expect(checkLogLine({ ...FITTING.application, detail: { email: 'x' } })).toEqual([
      'detail.email: a secret or personal field not censored',
    ]);
    expect(checkLogLine({ ...FITTING.application, detail: { password: '[REDACTED]' } })).toEqual(
      [],
    );
  });

  it('accepts what the redacting logger writes from a careless call', () => {
    const capture = new LogCapture();
    const logger = pino(baseOptions('info', 'api'), capture);
    logger.info({ phone: '010-1234-5678', note: 'mail a@b.example' }, 'call 010-1234-5678');
    logger.error(new Error('no account 110-123-456789'));
    expect(capture.lines).toHaveLength(2);
    for (const line of capture.lines) expect(checkLogLine(line)).toEqual([]);
  });
});
