import {
  Binary,
  BSONRegExp,
  Decimal128,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_ARRAY, encodeComponent, encodeKey, KeyReader, UNDECODABLE } from './key-encoding.js';

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const order = (a: unknown, b: unknown) =>
  sign(Buffer.compare(encodeComponent(a), encodeComponent(b)));

/** A number as an exact fraction, computed independently of the encoder. */
type Exact = { kind: 'nan' | '-inf' | '+inf' } | { kind: 'finite'; num: bigint; den: bigint };

function exact(value: number | Long | Decimal128): Exact {
  if (value instanceof Long) return { kind: 'finite', num: BigInt(value.toString()), den: 1n };
  if (value instanceof Decimal128) {
    const text = value.toString();
    if (text.includes('NaN')) return { kind: 'nan' };
    if (text === 'Infinity') return { kind: '+inf' };
    if (text === '-Infinity') return { kind: '-inf' };
    const [mantissa = '', power = '0'] = text.split('E');
    const point = mantissa.indexOf('.');
    const digits = BigInt(mantissa.replace('.', ''));
    const scale = Number(power) - (point === -1 ? 0 : mantissa.length - point - 1);
    return scale >= 0
      ? { kind: 'finite', num: digits * 10n ** BigInt(scale), den: 1n }
      : { kind: 'finite', num: digits, den: 10n ** BigInt(-scale) };
  }
  if (Number.isNaN(value)) return { kind: 'nan' };
  if (value === Infinity) return { kind: '+inf' };
  if (value === -Infinity) return { kind: '-inf' };
  // Every double is an integer over a power of two: scale by 2^1100 exactly.
  let num = 0n;
  let rest = Math.abs(value);
  for (let bit = 1023; bit >= -1074 && rest > 0; bit--) {
    const p = 2 ** bit;
    if (rest >= p) {
      rest -= p;
      num += 1n << BigInt(bit + 1100);
    }
  }
  return { kind: 'finite', num: value < 0 ? -num : num, den: 1n << 1100n };
}

function compareExact(a: Exact, b: Exact): number {
  const rank = (x: Exact) => ({ nan: 0, '-inf': 1, finite: 2, '+inf': 3 })[x.kind];
  if (a.kind !== 'finite' || b.kind !== 'finite') return sign(rank(a) - rank(b));
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.double({ min: -1e6, max: 1e6 }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b) => Long.fromBigInt(b)),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: -30, max: 30 }))
    .map(([n, e]) => Decimal128.fromString(`${n}E${e}`)),
  fc.constantFrom(
    0,
    -0,
    0.1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 60,
    5e-324,
    Number.MAX_VALUE,
    Long.fromString('9007199254740993'),
    Long.fromNumber(2 ** 60),
    Decimal128.fromString('0.1'),
    Decimal128.fromString('1.000'),
    Decimal128.fromString('-0'),
    Decimal128.fromString('NaN'),
    Decimal128.fromString('Infinity'),
  ),
);

describe('index key encoding', () => {
  it('orders numbers of every type by exact value (int, double, Long, Decimal128)', () => {
    fc.assert(
      fc.property(anyNumber, anyNumber, (a, b) => {
        expect(order(a, b)).toBe(compareExact(exact(a), exact(b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('makes equal numbers one key whatever their type', () => {
    expect(encodeComponent(5)).toEqual(encodeComponent(Long.fromNumber(5)));
    expect(encodeComponent(5)).toEqual(encodeComponent(new Int32(5)));
    expect(encodeComponent(5)).toEqual(encodeComponent(Decimal128.fromString('5.00')));
    expect(encodeComponent(2 ** 60)).toEqual(encodeComponent(Long.fromNumber(2 ** 60)));
    expect(encodeComponent(-0)).toEqual(encodeComponent(0));
    // The double nearest 0.1 is a little more than 0.1, as MongoDB compares them.
    expect(order(0.1, Decimal128.fromString('0.1'))).toBe(1);
  });

  it('orders strings by their UTF-8 bytes, a prefix first, with NUL characters escaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(order(a, b)).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 2000 },
    );
    expect(order('a', 'a\0')).toBe(-1);
    expect(order('a\0', 'a\0\0')).toBe(-1);
    expect(order('가', '나')).toBe(-1);
  });

  it('orders values of different types as MongoDB does', () => {
    const ascending = [
      new MinKey(),
      EMPTY_ARRAY,
      null,
      Number.NaN,
      -Infinity,
      -1,
      0,
      Long.fromString('9007199254740993'),
      Infinity,
      '',
      'a',
      {},
      { a: 1 },
      { a: 2 },
      { b: 0 },
      [],
      [1],
      new Binary(Buffer.from([9])),
      new Binary(Buffer.from([1, 1])),
      ObjectId.createFromHexString('000000000000000000000000'),
      ObjectId.createFromHexString('ffffffffffffffffffffffff'),
      false,
      true,
      new Date(-1),
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /a/,
      new BSONRegExp('b', 'i'),
      new MaxKey(),
    ];
    const keys = ascending.map((v) => encodeComponent(v));
    const sorted = [...keys].sort(Buffer.compare);
    expect(sorted).toEqual(keys);
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(keys.length);
  });

  it('treats a missing value as null', () => {
    expect(encodeComponent(undefined)).toEqual(encodeComponent(null));
  });

  it('inverts a descending field and orders compound keys field by field', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 3 })),
        fc.tuple(fc.integer({ min: -3, max: 3 }), fc.string({ maxLength: 3 })),
        ([a1, a2], [b1, b2]) => {
          const expected = sign(order(a1, b1) || -order(a2, b2));
          expect(
            sign(Buffer.compare(encodeKey([a1, a2], [1, -1]), encodeKey([b1, b2], [1, -1]))),
          ).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never starts a component with 0x00 or 0xFF, in either direction', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyNumber, fc.string(), fc.date({ noInvalidDate: true }), fc.boolean()),
        (v) => {
          for (const direction of [1, -1] as const) {
            const first = encodeComponent(v, direction)[0]!;
            expect(first).toBeGreaterThan(0x00);
            expect(first).toBeLessThan(0xff);
          }
        },
      ),
    );
  });

  describe('KeyReader', () => {
    const readable = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.date({ noInvalidDate: true }),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new ObjectId(b)),
    );
    const same = (decoded: unknown, value: unknown) =>
      typeof value === 'number' && value === 0 ? decoded === 0 : expect(decoded).toEqual(value);

    it('reads back every scalar of a compound key, in either direction', () => {
      const reader = new KeyReader();
      fc.assert(
        fc.property(
          fc.array(fc.tuple(readable, fc.constantFrom<1 | -1>(1, -1)), {
            minLength: 1,
            maxLength: 4,
          }),
          (fields) => {
            const values = fields.map(([v]) => v);
            const directions = fields.map(([, d]) => d);
            const ends: number[] = [];
            expect(reader.split(encodeKey(values, directions), directions, ends)).toBe(true);
            values.forEach((value, i) => {
              const decoded = reader.value(i === 0 ? 0 : ends[i - 1]!, ends[i]!, directions[i]!);
              // A string holding a lone surrogate was indexed as U+FFFD: not its own key.
              if (typeof value === 'string' && !value.isWellFormed()) {
                expect(decoded).toBe(UNDECODABLE);
              } else {
                same(decoded, value);
              }
            });
          },
        ),
        { numRuns: 2000 },
      );
    });

    it('refuses a number whose key is no double (a Long or Decimal128 between two doubles)', () => {
      const reader = new KeyReader();
      const ends: number[] = [];
      for (const value of [Long.fromString('1152921504606846977'), Decimal128.fromString('0.1')]) {
        expect(reader.split(encodeKey([value], [1]), [1], ends)).toBe(true);
        expect(reader.value(0, ends[0]!, 1)).toBe(UNDECODABLE);
      }
      // The same value as a double, or a Long a double holds exactly, reads back as the number.
      expect(reader.split(encodeKey([Long.fromNumber(2 ** 60)], [-1]), [-1], ends)).toBe(true);
      expect(reader.value(0, ends[0]!, -1)).toBe(2 ** 60);
    });

    it('cannot step over a document, an array or a binary: the caller reads the document', () => {
      const reader = new KeyReader();
      for (const value of [{ x: 1 }, [1], new Binary(Buffer.from('ab'))]) {
        expect(reader.split(encodeKey(['a', value], [1, 1]), [1, 1], [])).toBe(false);
      }
    });
  });
});
