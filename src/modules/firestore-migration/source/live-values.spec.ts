import { FieldValue, Firestore, GeoPoint, Timestamp } from '@google-cloud/firestore';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fsFields } from '../firestore/arbitraries.js';
import { canonicalText, fs, type FsFields } from '../firestore/value.js';
import { withoutNestedArrays } from './firestore-source.contract.js';
import { fromSdkFields, fromSdkValue, toSdkFields, toSdkValue } from './live-values.js';

// A client only to make DocumentReference values; it never connects.
const db = new Firestore({ projectId: 'values-spec', useBigInt: true });
const doc = (path: string) => db.doc(path);

describe('SDK values → canonical (a client with useBigInt)', () => {
  it.each([
    ['a bigint as an exact int64', 9_223_372_036_854_775_807n, fs.int(9_223_372_036_854_775_807n)],
    ['a negative int64', -(2n ** 63n), fs.int(-(2n ** 63n))],
    ['a number as a double, even an integral one', 5, fs.double(5)],
    ['-0 as -0', -0, fs.double(-0)],
    ['NaN', NaN, fs.double(NaN)],
    ['-Infinity', -Infinity, fs.double(-Infinity)],
    [
      'a Timestamp with its nanos',
      new Timestamp(-62_135_596_800, 999_999_000),
      fs.ts(-62_135_596_800n, 999_999_000),
    ],
    ['a GeoPoint', new GeoPoint(37.5665, 126.978), fs.geo(37.5665, 126.978)],
    [
      'a DocumentReference as its path',
      doc('users/u1/bankAccounts/b1'),
      fs.ref('users/u1/bankAccounts/b1'),
    ],
    ['a Buffer as bytes', Buffer.from([0, 1, 255]), fs.bytes(new Uint8Array([0, 1, 255]))],
    ['a VectorValue', FieldValue.vector([0.5, -1]), fs.vector([0.5, -1])],
    ['null', null, null],
    ['a string', '10,320원', '10,320원'],
    ['an empty array', [], []],
    ['an empty map', {}, fs.map({})],
  ])('reads %s', (_name, sdk, canonical) => {
    expect(canonicalText(fromSdkValue(sdk))).toBe(canonicalText(canonical));
  });

  it('reads maps in arrays in maps at any depth', () => {
    const read = fromSdkFields({ a: [{ b: { c: [1n, 2.5, { d: new Timestamp(1, 0) }] } }] });
    expect(read).toEqual({
      a: [fs.map({ b: fs.map({ c: [fs.int(1), fs.double(2.5), fs.map({ d: fs.ts(1) })] }) })],
    });
  });

  it('keeps a field named like an Object.prototype member as a plain field', () => {
    const read = fromSdkFields({ constructor: 'x', toString: 1n });
    expect(Object.keys(read)).toEqual(['constructor', 'toString']);
    expect(read.toString).toEqual(fs.int(1));
  });

  it('copies bytes, so a canonical value never shares the SDK buffer', () => {
    const buffer = Buffer.from([1, 2]);
    const read = fromSdkValue(buffer) as { bytes: Uint8Array };
    buffer[0] = 9;
    expect([...read.bytes]).toEqual([1, 2]);
  });

  it('refuses what is not a Firestore value', () => {
    expect(() => fromSdkValue(undefined)).toThrow(TypeError);
    expect(() => fromSdkValue(() => 1)).toThrow(TypeError);
  });
});

describe('canonical → SDK values → canonical', () => {
  it('round-trips generated values of every type exactly', () => {
    fc.assert(
      fc.property(
        fsFields.filter((f) => withoutNestedArrays({ map: f })),
        (fields: FsFields) => {
          const back = fromSdkFields(toSdkFields(fields, doc));
          expect(canonicalText({ map: back })).toBe(canonicalText({ map: fields }));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('writes each type as the SDK class that carries it', () => {
    expect(toSdkValue(fs.ts(5, 1_000), doc)).toEqual(new Timestamp(5, 1_000));
    expect(toSdkValue(fs.geo(1, 2), doc)).toEqual(new GeoPoint(1, 2));
    expect(toSdkValue(fs.ref('a/b'), doc)).toEqual(doc('a/b'));
    expect(toSdkValue(fs.int(3), doc)).toBe(3n);
    expect(Buffer.isBuffer(toSdkValue(fs.bytes(new Uint8Array([1])), doc))).toBe(true);
  });
});
