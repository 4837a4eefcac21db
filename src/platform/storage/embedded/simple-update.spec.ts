import { Binary, BSON, Long, ObjectId } from 'bson';
import fc from 'fast-check';
import { update as mingoUpdate } from 'mingo/updater';
import { describe, expect, it } from 'vitest';
import type { Document } from '../database.js';
import { copyValue } from './documents.js';
import { simpleUpdate } from './simple-update.js';

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { weight: 5, arbitrary: tie('scalar') },
    { weight: 1, arbitrary: fc.array(tie('scalar'), { maxLength: 2 }) },
    {
      weight: 2,
      arbitrary: fc.dictionary(fc.constantFrom('x', 'y'), tie('scalar'), { maxKeys: 2 }),
    },
  ),
  scalar: fc.oneof(
    fc.constantFrom('a', '', '가'),
    fc.constantFrom(0, -0, 1, 2.5, -1, NaN),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(
      new Date(Date.UTC(2026, 10, 1)),
      ObjectId.createFromHexString('000000000000000000000001'),
      new Binary(Buffer.from('ab')),
      Long.fromString('9007199254740993'),
    ),
  ),
})).any;

const doc = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'n'), value, { maxKeys: 4 });
const path = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'n', 'a.x', 'a.y', 'b.x.y', 'c.x', 'z') },
  { weight: 1, arbitrary: fc.constantFrom('_id', 'a.0', '$bad') },
);
const paths = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.dictionary(path, arbitrary, { minKeys: 1, maxKeys: 2 });
const modifier = fc
  .record(
    {
      $set: paths(value),
      $unset: paths(fc.constant('')),
      // Mostly numbers; now and then what $inc cannot add.
      $inc: paths(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, -2, 0.5, 0) }, value)),
    },
    { requiredKeys: [] },
  )
  .filter((m) => Object.keys(m).length > 0) as fc.Arbitrary<Document>;

const bytes = (d: Document) => Buffer.from(BSON.serialize(d)).toString('hex');

describe('simpleUpdate', () => {
  it('changes a document as mingo’s updater does, or leaves it untouched for mingo', () => {
    let applied = 0;
    fc.assert(
      fc.property(doc, modifier, (d, m) => {
        const ours = copyValue({ _id: 1, ...d }) as Document;
        const before = bytes(ours);
        const changed = simpleUpdate(ours, m);
        if (changed === undefined) {
          expect(bytes(ours)).toBe(before);
          return;
        }
        applied += 1;
        const theirs = copyValue({ _id: 1, ...d }) as Document;
        const fields = mingoUpdate(theirs, m, [], {}, { cloneMode: 'deep' });
        expect(changed, JSON.stringify(m)).toBe(fields.length > 0);
        expect(bytes(ours)).toBe(bytes(theirs));
      }),
      { numRuns: 5000 },
    );
    expect(applied).toBeGreaterThan(400);
  });

  it('keeps no reference to the values it sets', () => {
    const value = { x: [1] };
    const target: Document = { _id: 1 };
    expect(simpleUpdate(target, { $set: { 'a.b': value } })).toBe(true);
    value.x.push(2);
    expect(target).toEqual({ _id: 1, a: { b: { x: [1] } } });
  });
});
