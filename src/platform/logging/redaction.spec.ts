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

  it('masks personal data patterns in string values at any depth', () => {
    const { logger, lines } = capture();
    logger.info({
      path: '/members/search',
      note: 'call 010-1234-5678 or mail kim@example.com',
      nested: { list: ['rrn 900101-1234567', 'account 110-123-456789'] },
    });
    const line = JSON.stringify(lines[0]);
    for (const raw of ['010-1234-5678', 'kim@example.com', '900101-1234567', '110-123-456789']) {
      expect(line).not.toContain(raw);
    }
    expect(lines[0]).toMatchObject({
      path: '/members/search',
      note: 'call 010-****-5678 or mail ki***@example.com',
      nested: { list: ['rrn 900101-1******', 'account ***-***-**6789'] },
    });
  });

  it('masks personal data in the message and in its interpolated arguments', () => {
    const { logger, lines } = capture();
    logger.info('member 010-1234-5678 signed up');
    logger.info({ id: 7 }, 'mail sent to %s', 'kim@example.com');
    expect(lines[0]?.msg).toBe('member 010-****-5678 signed up');
    expect(lines[1]?.msg).toBe('mail sent to ki***@example.com');
  });

  it('masks personal data in error messages, stacks and causes, keeping the error type', () => {
    const { logger, lines } = capture();
    const cause = new Error('lookup of 900101-1234567 failed');
    const error = new RangeError('no member 010-1234-5678', { cause });
    logger.error(error);
    logger.error({ err: error });
    logger.error({ err: error }, 'request failed for kim@example.com');
    logger.error({ context: { error } }, 'nested');
    for (const line of lines) {
      const text = JSON.stringify(line);
      for (const raw of ['010-1234-5678', '900101-1234567', 'kim@example.com']) {
        expect(text).not.toContain(raw);
      }
    }
    expect(lines[0]).toMatchObject({
      msg: 'no member 010-****-5678',
      err: { type: 'RangeError', message: expect.stringContaining('no member 010-****-5678') },
    });
    expect(lines[0]?.err).toMatchObject({ stack: expect.stringContaining('900101-1******') });
    expect(lines[1]?.msg).toBe('no member 010-****-5678');
    expect(lines[2]?.msg).toBe('request failed for ki***@example.com');
    expect(lines[3]).toMatchObject({ context: { error: { type: 'RangeError' } } });
  });

  it('masks what an error carries in class instances (a driver’s server description, a Map)', () => {
    class ServerDescription {
      address = '10.0.0.5:27017';
      lastError = 'refused for a@example.com';
    }
    const error = Object.assign(new Error('server selection failed'), {
      reason: { servers: new Map([['db-1', new ServerDescription()]]), toJSON: undefined },
      description: new ServerDescription(),
    });
    const { logger, lines } = capture();
    logger.warn({ err: error }, 'not reachable');
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('a@example.com');
    expect(lines[0]).toMatchObject({
      err: {
        description: { address: REDACT_CENSOR, lastError: expect.stringContaining('refused') },
      },
    });
  });

  it('masks an error bound to a child logger', () => {
    const { logger, lines } = capture();
    logger.child({ err: new Error('for 010-1234-5678') }).info('bound');
    expect(JSON.stringify(lines[0])).not.toContain('010-1234-5678');
    expect(lines[0]).toMatchObject({ err: { type: 'Error', message: 'for 010-****-5678' } });
  });

  it('walks null-prototype objects such as parsed query strings', () => {
    const query = Object.create(Object.create(null) as object) as Record<string, string>;
    query.phone = '01012345678';
    expect(redact({ query })).toEqual({ query: { phone: REDACT_CENSOR } });
    query.contact = 'kim@example.com';
    expect(JSON.stringify(redact({ q: query }))).not.toContain('kim@example.com');
  });

  it('keeps request ids, paths, timestamps and ports as they are', () => {
    const line = {
      requestId: '0b6f8a7e-3c1d-4e2f-9a8b-1c2d3e4f5a6b',
      path: '/shifts/12345678/assignments',
      at: '2026-11-24T16:24:37.123Z',
      url: 'http://127.0.0.1:3000/health/live',
    };
    expect(redact(line)).toBe(line);
  });
});
