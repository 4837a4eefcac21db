import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.js';

describe('fingerprint', () => {
  it('is the same for the same JSON with object keys in another order', () => {
    expect(fingerprint({ a: 1, b: [true, null, 'x'], c: { d: 2, e: 3 } })).toBe(
      fingerprint({ c: { e: 3, d: 2 }, b: [true, null, 'x'], a: 1 }),
    );
  });

  it('is the SHA-256 of the canonical JSON text (sorted keys, no whitespace)', () => {
    const canonical = '{"a":[1,"x",{"c":null,"d":false}],"b":"가"}';
    expect(fingerprint({ b: '가', a: [1, 'x', { d: false, c: null }] })).toBe(
      createHash('sha256').update(canonical).digest('base64url'),
    );
  });

  it('tells apart values that differ in type, order or nesting', () => {
    const seen = new Set(
      [
        null,
        0,
        '0',
        [],
        {},
        [1, 2],
        [2, 1],
        [[1], 2],
        [1, [2]],
        { a: [1, 2] },
        { a: '[1,2]' },
        { 'a:1': 2 },
        { a: { b: 1 } },
        { a: 1, b: 1 },
      ].map(fingerprint),
    );
    expect(seen.size).toBe(14);
  });

  it('hashes a value nested 100,000 levels deep without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(fingerprint(deep)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
