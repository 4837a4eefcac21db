import fc from 'fast-check';
import { type FsFields, type FsValue } from './value.js';

/**
 * fast-check arbitraries of canonical Firestore values, every type at any depth, with the edge
 * cases a migration loses when it is careless: int64 beyond 2^53, NaN, ±Infinity and -0,
 * timestamps before 1970 and with nanoseconds, empty maps and arrays, field names with `.`, `$`,
 * `%`, NUL, `__proto__` and the empty name. For the property tests of every codec and reader.
 */
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const double = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE),
);
/** Firestore's range: 0001-01-01 to 9999-12-31, in seconds. */
const seconds = fc.bigInt({ min: -62_135_596_800n, max: 253_402_300_799n });
/** Firestore stores microseconds: nanos are whole thousands. */
const nanos = fc.integer({ min: 0, max: 999_999 }).map((us) => us * 1_000);

export const fieldName = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '.', 'a.b', '$set', '%', '%2E', '\0x', '__proto__', 't', 'm'),
  },
);

export const fsValue: fc.Arbitrary<FsValue> = fc.letrec<{ value: FsValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.string({ maxLength: 20 }),
    int64.map((v) => ({ int: v })),
    double.map((v) => ({ double: v })),
    fc.uint8Array({ maxLength: 16 }).map((v) => ({ bytes: v })),
    fc.tuple(seconds, nanos).map(([s, n]) => ({ ts: { seconds: s, nanos: n } })),
    fc
      .tuple(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
      )
      .map(([lat, lng]) => ({ geo: { lat, lng } })),
    fc
      .array(fc.stringMatching(/^[A-Za-z0-9]{1,20}$/), { minLength: 1, maxLength: 2 })
      .map((ids) => ({ ref: ids.map((id, i) => `c${i}/${id}`).join('/') })),
    fc.array(double, { maxLength: 4 }).map((v) => ({ vector: v })),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(fc.tuple(fieldName, tie('value')), { maxLength: 4 })
      .map((entries) => ({ map: fieldsOf(entries) })),
  ),
})).value;

/** Fields from entries, `__proto__` included as an own property. */
function fieldsOf(entries: [string, FsValue][]): FsFields {
  const fields: FsFields = {};
  for (const [key, value] of entries) {
    Object.defineProperty(fields, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return fields;
}

export const fsFields: fc.Arbitrary<FsFields> = fc
  .array(fc.tuple(fieldName, fsValue), { maxLength: 6 })
  .map(fieldsOf);
