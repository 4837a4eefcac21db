import { describe, expect, it } from 'vitest';
import { SecurityWatch } from './security-watch.js';

function recorder() {
  const lines: { fields: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    logger: {
      error: (fields: Record<string, unknown>, msg: string) => void lines.push({ fields, msg }),
    } as never,
  };
}

describe('bursts of security refusals', () => {
  it('makes an error line (an alert) when one kind crosses the threshold within a minute, once', () => {
    let now = 0;
    const sut = new SecurityWatch(3, () => now);
    const { lines, logger } = recorder();

    for (let i = 0; i < 5; i++) sut.refused('token_invalid', logger);

    expect(lines).toEqual([
      {
        fields: expect.objectContaining({ code: 'security_token_invalid', count: 3 }),
        msg: '3 requests refused as token_invalid within a minute',
      },
    ]);
    now = 60_000;
    for (let i = 0; i < 3; i++) sut.refused('token_invalid', logger);
    expect(lines).toHaveLength(2);
  });

  it('counts each kind on its own, and ignores refusals that are not security events', () => {
    const sut = new SecurityWatch(2, () => 0);
    const { lines, logger } = recorder();

    sut.refused('invalid_credentials', logger);
    sut.refused('login_throttled', logger);
    for (let i = 0; i < 10; i++) sut.refused('validation_failed', logger);

    expect(lines).toEqual([]);
  });
});
