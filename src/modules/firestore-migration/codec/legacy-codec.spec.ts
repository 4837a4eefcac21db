import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BSON } from 'bson';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../../platform/storage/embedded/embedded-database.js';
import { fieldName, fsFields, fsValue } from '../firestore/arbitraries.js';
import { canonicalText, fs, type FsValue } from '../firestore/value.js';
import {
  decodeFields,
  decodeValue,
  encodeFields,
  encodeValue,
  escapeKey,
  LegacyCodecError,
  unescapeKey,
} from './legacy-codec.js';

const same = (a: FsValue, b: FsValue) => expect(canonicalText(b)).toBe(canonicalText(a));

describe('the legacy codec keeps every Firestore value exactly', () => {
  it('decodes what it encodes, for generated values of every type at any depth', () => {
    fc.assert(
      fc.property(fsValue, (value) => {
        same(value, decodeValue(encodeValue(value)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('survives BSON as the driver reads it back (Longs and doubles promoted to numbers)', () => {
    fc.assert(
      fc.property(fsFields, (fields) => {
        const bytes = BSON.serialize({ _legacy: encodeFields(fields) });
        const back = BSON.deserialize(bytes) as { _legacy: unknown };
        same({ map: fields }, { map: decodeFields(back._legacy) });
      }),
      { numRuns: 1_000 },
    );
  });

  it.each<[string, FsValue]>([
    ['an int64 above 2^53', fs.int(2n ** 63n - 1n)],
    ['the smallest int64', fs.int(-(2n ** 63n))],
    ['5 as an integer, not the double 5', fs.int(5)],
    ['5.0 as a double, not the integer 5', fs.double(5)],
    ['NaN', fs.double(NaN)],
    ['-0', fs.double(-0)],
    ['-Infinity', fs.double(-Infinity)],
    ['a timestamp with microseconds', fs.ts(1_700_000_000n, 123_456_000)],
    ['a timestamp before 1970 with microseconds', fs.ts(-1n, 999_999_000)],
    ['the first Firestore timestamp', fs.ts(-62_135_596_800n, 0)],
    ['an empty map in an array in a map', fs.map({ a: [fs.map({})] })],
    ['an empty array', []],
    ['a GeoPoint', fs.geo(37.5665, 126.978)],
    ['a reference', fs.ref('users/abc/accounts/x')],
    ['bytes', fs.bytes(Uint8Array.from([0, 255, 1]))],
    ['a vector with -0', fs.vector([1.5, -0])],
  ])('keeps %s', (_, value) => {
    same(value, decodeValue(BSON.deserialize(BSON.serialize({ v: encodeValue(value) })).v));
  });

  it('refuses what it never writes, rather than guessing', () => {
    for (const stored of [
      { t: 'decimal', v: '1' },
      { t: 'bytes', v: 'AAE=' },
      5,
      { t: 'ts', at: 'x', ns: 0 },
    ]) {
      expect(() => decodeValue(stored)).toThrow(LegacyCodecError);
    }
    expect(() => decodeFields([])).toThrow(LegacyCodecError);
  });

  it('tells a legacy map with a field named t apart from a tagged value', () => {
    const value = fs.map({ t: 'int', v: '5' });
    expect(decodeValue(encodeValue(value))).toEqual(value);
  });

  it('keeps a field named __proto__ as a field, without touching any prototype', () => {
    const fields = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const decoded = decodeFields(BSON.deserialize(BSON.serialize(encodeFields(fields))));
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });
});

describe('field names DocumentDB refuses are escaped reversibly', () => {
  it('unescapes every escaped name to the original', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fieldName), (key) => {
        expect(unescapeKey(escapeKey(key))).toBe(key);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never writes a dot, a NUL, a leading $, an empty name or __proto__', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fieldName), (key) => {
        const escaped = escapeKey(key);
        expect(escaped).not.toMatch(/[.\0]/);
        expect(escaped.startsWith('$')).toBe(false);
        expect(escaped).not.toBe('');
        expect(escaped).not.toBe('__proto__');
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves ordinary names, Hangul and spaces included, as they are', () => {
    expect(escapeKey('전화번호')).toBe('전화번호');
    expect(escapeKey('birth date')).toBe('birth date');
    expect(escapeKey('a.b')).toBe('a%2Eb');
    expect(escapeKey('$ref')).toBe('%24ref');
  });
});

describe('the legacy codec on the embedded engine', () => {
  let dir: string;
  let db: Database;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-legacy-codec-'));
    db = await EmbeddedDatabase.open(dir, { logger: pino({ level: 'silent' }), dbName: 'test' });
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores and reads back generated documents unchanged', async () => {
    const collection = db.collection<{ _id: string; _legacy: unknown }>('legacy_codec');
    await fc.assert(
      fc.asyncProperty(fsFields, async (fields) => {
        await collection.deleteMany({});
        await collection.insertOne({ _id: 'doc', _legacy: encodeFields(fields) });
        const back = await collection.findOne({ _id: 'doc' });
        same({ map: fields }, { map: decodeFields(back?._legacy) });
      }),
      { numRuns: 200 },
    );
  });
});
