import { describe, expect, it } from 'vitest';
import { canonicalHash, fs, sameValue } from './value.js';

describe('canonical values: the verifier compares by these', () => {
  it('hashes a document the same whatever the order of its fields', () => {
    expect(canonicalHash({ a: fs.int(1), b: fs.map({ y: 'x', z: null }) })).toBe(
      canonicalHash({ b: fs.map({ z: null, y: 'x' }), a: fs.int(1) }),
    );
  });

  it('tells apart values a careless migration confuses', () => {
    expect(sameValue(fs.int(5), fs.double(5))).toBe(false);
    expect(sameValue(fs.double(0), fs.double(-0))).toBe(false);
    expect(sameValue(fs.ts(1, 1_000), fs.ts(1, 0))).toBe(false);
    expect(sameValue('1', fs.int(1))).toBe(false);
    expect(sameValue(fs.map({}), [])).toBe(false);
    expect(sameValue(fs.double(NaN), fs.double(NaN))).toBe(true);
  });

  it('reads microseconds since the epoch as a timestamp, before 1970 too', () => {
    expect(fs.tsFromMicros(1_500_000n)).toEqual(fs.ts(1, 500_000_000));
    expect(fs.tsFromMicros(-1n)).toEqual(fs.ts(-1, 999_999_000));
  });
});
