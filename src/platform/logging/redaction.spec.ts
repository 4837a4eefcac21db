import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { baseOptions } from './logger.js';
import { REDACT_CENSOR, redact } from './redaction.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return {
    logger: pino(baseOptions('info', 'test'), stream),
    lines,
  };
}

describe('log redaction', () => {
  it('hides secrets and personal data at any depth, in objects and arrays', () => {
    const { logger, lines } = capture();
    logger.info({
      password: 'hunter2',
      req: { headers: { authorization: 'Bearer abc', 'set-cookie': 'sid=1' } },
      body: { phone: '010-1234-5678', profile: { bank: { accountNumber: '110-123-456789' } } },
      workers: [{ email: 'a@example.com' }],
    });
    const line = JSON.stringify(lines[0]);
    for (const raw of [
      'hunter2',
      'Bearer abc',
      'sid=1',
      '010-1234-5678',
      '110-123-456789',
      'a@example.com',
    ]) {
      expect(line).not.toContain(raw);
    }
    expect(lines[0]).toMatchObject({ password: REDACT_CENSOR, body: { phone: REDACT_CENSOR } });
  });

  it('matches keys regardless of case', () => {
    expect(redact({ Authorization: 'Bearer x', PhoneNumber: '01012345678' })).toEqual({
      Authorization: REDACT_CENSOR,
      PhoneNumber: REDACT_CENSOR,
    });
  });

  it('never changes the object the caller logged', () => {
    const logged = { user: { phone: '010-1234-5678' } };
    redact(logged);
    expect(logged.user.phone).toBe('010-1234-5678');
  });

  it('returns a line without sensitive keys as it is, without copying', () => {
    const line = { method: 'GET', path: '/health/live', status: 200 };
    expect(redact(line)).toBe(line);
  });

  it('keeps what operators need: error names and problem codes', () => {
    const { logger, lines } = capture();
    logger.info({ code: 'validation_failed', err: new TypeError('bad') });
    expect(lines[0]).toMatchObject({
      code: 'validation_failed',
      err: { type: 'TypeError', message: 'bad' },
    });
  });
});
