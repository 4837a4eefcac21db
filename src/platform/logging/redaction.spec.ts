import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { REDACT_CENSOR, redactPaths } from './redaction.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return {
    logger: pino({ redact: { paths: redactPaths(), censor: REDACT_CENSOR } }, stream),
    lines,
  };
}

describe('log redaction', () => {
  it('hides secrets and personal data at the top level and two levels down', () => {
    const { logger, lines } = capture();
    logger.info({
      password: 'hunter2',
      req: { headers: { authorization: 'Bearer abc', 'set-cookie': 'sid=1' } },
      body: { phone: '010-1234-5678', profile: { accountNumber: '110-123-456789' } },
    });
    const line = JSON.stringify(lines[0]);
    for (const raw of ['hunter2', 'Bearer abc', 'sid=1', '010-1234-5678', '110-123-456789']) {
      expect(line).not.toContain(raw);
    }
    expect(lines[0]).toMatchObject({ password: REDACT_CENSOR, body: { phone: REDACT_CENSOR } });
  });

  it('keeps what operators need: error names and problem codes', () => {
    const { logger, lines } = capture();
    logger.info({ code: 'validation_failed', err: { name: 'TypeError' } });
    expect(lines[0]).toMatchObject({ code: 'validation_failed', err: { name: 'TypeError' } });
  });
});
