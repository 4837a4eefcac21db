import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { baseOptions } from '../logging/logger.js';
import type { AlertEvent } from './alert.js';
import { alertEventOf, setAlertSink } from './alert-tap.js';

/** A logger as every process makes it, writing nowhere; what its lines make of alerts is kept. */
function logged(run: (logger: pino.Logger) => void): AlertEvent[] {
  const events: AlertEvent[] = [];
  setAlertSink((event) => events.push(event), { process: 'api', environment: 'dev' });
  run(pino(baseOptions('info', 'api'), { write: () => undefined }));
  return events;
}

describe('error-level log lines become alert events', () => {
  afterEach(() => setAlertSink(undefined));

  it('makes an event of an error line: code, route template, top frame of our code, request id', () => {
    const error = new TypeError('cannot read properties of undefined');
    error.stack = [
      'TypeError: cannot read properties of undefined',
      '    at Object.exec (/app/node_modules/mingo/cjs/query.js:10:3)',
      '    at AssignmentsService.accept (/app/dist/modules/assignments/assignments.service.js:120:7)',
    ].join('\n');

    const [event] = logged((logger) =>
      logger
        .child({ reqId: 'req-7' })
        .error(
          { err: error, code: 'internal', route: 'POST /assignments/:id/accept' },
          'request failed unexpectedly',
        ),
    );

    expect(event).toMatchObject({
      source: 'error',
      severity: 'error',
      code: 'internal',
      where: 'POST /assignments/:id/accept',
      topFrame: 'dist/modules/assignments/assignments.service.js:120',
      summary: 'request failed unexpectedly: cannot read properties of undefined',
      requestId: 'req-7',
      process: 'api',
      environment: 'dev',
    });
  });

  it('carries no personal data: the summary is the redacted line', () => {
    const [event] = logged((logger) =>
      logger.error(
        { err: new Error('no worker for 010-1234-5678 (kim.minsu@example.com)') },
        'lookup failed',
      ),
    );

    expect(JSON.stringify(event)).not.toMatch(/1234-5678|kim\.minsu/);
  });

  it('names a failed job and a provider as where it happened, and fatal as critical', () => {
    const events = logged((logger) => {
      logger
        .child({ job: 'holds-repair' })
        .error({ code: 'job_failed' }, 'job failed; it runs again next time');
      logger
        .child({ provider: 'popbill' })
        .fatal({ code: 'provider_circuit_open' }, 'circuit open');
    });

    expect(events.map((e) => [e.source, e.severity, e.where, e.code])).toEqual([
      ['job', 'error', 'job holds-repair', 'job_failed'],
      ['provider', 'critical', 'provider popbill', 'provider_circuit_open'],
    ]);
  });

  it('marks a security burst as a security event', () => {
    const [event] = logged((logger) =>
      logger.error({ code: 'security_token_invalid', component: 'security' }, 'burst'),
    );
    expect(event).toMatchObject({ source: 'security', where: 'security' });
  });

  it('makes nothing of warnings, of lines without a sink, or of the pipeline’s own lines', () => {
    expect(
      logged((logger) => {
        logger.warn('slow');
        logger.error({ alerting: true }, 'could not queue an alert');
      }),
    ).toEqual([]);
    const removed: AlertEvent[] = [];
    setAlertSink((event) => removed.push(event));
    setAlertSink(undefined);
    pino(baseOptions('info', 'api'), { write: () => undefined }).error('nobody listens');
    expect(removed).toEqual([]);
  });

  it('reads numeric levels (the local multi-target logger) as well', () => {
    expect(alertEventOf({ level: 60, msg: 'worker failed to start' })).toMatchObject({
      severity: 'critical',
      code: 'worker_failed_to_start',
    });
  });
});
