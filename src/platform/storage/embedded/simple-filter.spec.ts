import { Binary, Decimal128, Long, ObjectId } from 'bson';
import fc from 'fast-check';
import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import type { Document } from '../database.js';
import { MINGO_OPTIONS } from './documents.js';
import { simpleFilter } from './simple-filter.js';

const ids = ['000000000000000000000001', '000000000000000000000002'].map((h) =>
  ObjectId.createFromHexString(h),
);
const dates = [0, 1].map((d) => new Date(Date.UTC(2026, 10, 1 + d)));

// Few distinct values, so that conditions match; BSON types mingo compares its own way too.
const scalar = fc.oneof(
  fc.constantFrom('a', 'b', '', '가'),
  fc.constantFrom(0, -0, 1, 2, 1.5, -1),
  fc.boolean(),
  fc.constantFrom(...dates, ...ids),
);
const stored: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Long.fromNumber(1),
      Decimal128.fromString('1'),
      new Binary(Buffer.from('a')),
    ),
  },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 2 }) },
);
const sub = fc.record({ x: stored, y: stored }, { requiredKeys: [] });
const doc = fc.record(
  {
    a: stored,
    b: fc.oneof({ weight: 3, arbitrary: sub }, { weight: 1, arbitrary: stored }),
    c: fc.oneof(sub, fc.array(sub, { maxLength: 2 })),
  },
  { requiredKeys: [] },
);
const path = fc.constantFrom('a', 'b', 'b.x', 'b.y', 'c.x', 'a.x', 'missing', 'b.x.z');
const condition = fc.oneof(
  scalar,
  scalar.map(($eq) => ({ $eq })),
  scalar.map(($ne) => ({ $ne })),
);
const filter = fc.dictionary(path, condition, { minKeys: 1, maxKeys: 3 });

describe('simpleFilter', () => {
  it('answers what mingo answers, or leaves the document to it', () => {
    let answered = 0;
    fc.assert(
      fc.property(filter, fc.array(doc, { minLength: 1, maxLength: 5 }), (f, docs) => {
        const simple = simpleFilter(f);
        expect(simple).toBeDefined();
        const query = new Query(f, MINGO_OPTIONS);
        for (const d of docs) {
          const answer = simple!(d as Document);
          if (answer === undefined) continue;
          answered += 1;
          expect(answer, JSON.stringify({ f, d })).toBe(query.test(d as Document));
        }
      }),
      { numRuns: 3000 },
    );
    // Most documents get their answer without mingo.
    expect(answered).toBeGreaterThan(3000);
  });

  it('takes only equalities and $ne of scalars on plain paths', () => {
    expect(simpleFilter({ _id: 'a', version: 3 })).toBeDefined();
    expect(simpleFilter({ 'a.b': { $ne: 'x' } })).toBeDefined();
    for (const other of [
      {},
      { a: null },
      { a: { $gt: 1 } },
      { a: { $eq: 1, $ne: 2 } },
      { 'a.0': 1 },
      { a: [1] },
      { a: { b: 1 } },
      { $or: [{ a: 1 }] },
      { a: NaN },
      { a: new Long(1) },
    ]) {
      expect(simpleFilter(other), JSON.stringify(other)).toBeUndefined();
    }
  });
});
