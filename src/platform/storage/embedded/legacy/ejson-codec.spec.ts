import { BSON, Binary, Decimal128, EJSON, Long, ObjectId, Timestamp, UUID } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDocument, encodeValue } from './ejson-codec.js';

const key = fc.string({ maxLength: 8 }).filter((k) => !k.startsWith('$') && !k.includes('\0'));
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    -0,
    Number.NaN,
    Infinity,
    -Infinity,
    2 ** 60,
    2 ** 53 + 2,
    2 ** 31,
    -(2 ** 31) - 1,
    1e21,
    5e-324,
  ),
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new ObjectId(b)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b) => Long.fromBigInt(b)),
  fc.uint8Array({ maxLength: 16 }).map((b) => new Binary(b)),
  fc.uuid().map((u) => new UUID(u)),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.nat(8))
    .map(([n, scale]) => Decimal128.fromString(`${n}E-${scale}`)),
  fc.tuple(fc.nat(), fc.nat()).map(([t, i]) => new Timestamp({ t, i })),
  fc.constant(/ab+c/i),
);
const { doc } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    tie('doc'),
  ),
  doc: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
}));

/** What the driver hands back for `d`: the form stored documents have. */
const stored = (d: object) => BSON.deserialize(BSON.serialize(d, { ignoreUndefined: false }));
const bytes = (d: object) => Buffer.from(BSON.serialize(d));

describe('journal EJSON codec', () => {
  it('decodes exactly what it encoded, for every BSON type a stored document can hold', () => {
    fc.assert(
      fc.property(doc, (d) => {
        const original = stored(d);
        expect(bytes(decodeDocument(encodeValue(original)))).toEqual(bytes(original));
      }),
      { numRuns: 300 },
    );
  });

  it('writes canonical Extended JSON that the bson library reads back to the same values', () => {
    fc.assert(
      fc.property(doc, (d) => {
        const original = stored(d);
        const viaLibrary = stored(EJSON.parse(encodeValue(original), { relaxed: false }));
        expect(bytes(viaLibrary)).toEqual(bytes(original));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an integral double beyond 2^53 a double of the same value (EJSON.stringify would not)', () => {
    const original = stored({ n: 2 ** 60 });
    expect(encodeValue(original)).toBe('{"n":{"$numberDouble":"1152921504606846976.0"}}');
    expect(decodeDocument(encodeValue(original)).n).toBe(2 ** 60);
  });

  it('returns a Long only where the driver would: beyond 53 bits', () => {
    const decoded = decodeDocument(
      '{"a":{"$numberLong":"42"},"b":{"$numberLong":"9007199254740993"}}',
    );
    expect(decoded.a).toBe(42);
    expect(decoded.b).toEqual(Long.fromString('9007199254740993'));
  });
});
