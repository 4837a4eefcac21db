import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EJSON, Long, ObjectId } from 'bson';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CollectionTables } from '../../src/platform/storage/embedded/collection-tables.js';
import { EmbeddedDatabase, type Document } from '../../src/platform/storage/index.js';
import { memoryLogger } from './support/memory-logger.js';

/**
 * A `$group` answered from index keys alone (a covered read) is the `$group` mingo runs on the
 * documents: for random documents and random `$match` + `$group` pipelines of the forms a
 * covered read takes, the indexed collection answers what an unindexed copy (every read a scan
 * of the documents) answers. Whenever a key cannot say what the document held (a null that may
 * be a missing field, a Long without an exact double, a subdocument), the documents are read.
 * Group sums stay in integers and halves, so they are exact in any order of addition.
 */

const MISSING = Symbol('missing');
const dates = [0, 1, 2, 3].map((d) => new Date(Date.UTC(2026, 10, 1 + d)));
const ids = ['000000000000000000000001', '000000000000000000000002'].map((h) =>
  ObjectId.createFromHexString(h),
);

const groupValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'a', 'ab', '가', 'a\u0000b', 'z') },
  { weight: 2, arbitrary: fc.integer({ min: -2, max: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1.5, 0.5, 1e21, -2.5e-7, -0) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(...dates, ...ids) },
  { weight: 1, arbitrary: fc.constantFrom(null, MISSING) },
  { weight: 1, arbitrary: fc.constant({ x: 1 }) },
);
const numberValue = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((n) => n / 2) },
  { weight: 1, arbitrary: fc.constantFrom(null, MISSING, 'text', true) },
  { weight: 1, arbitrary: fc.constant(Long.fromString('1152921504606846977')) },
);
const doc = fc.record({
  d: fc.constantFrom(...dates),
  g: groupValue,
  h: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('x', 'y', '다') },
    { weight: 1, arbitrary: groupValue },
  ),
  n: numberValue,
});

// Two indexes: a date range first (ascending group fields, a descending one), and a group field
// pinned first.
const INDEXES: Document[] = [
  { d: 1, g: 1, h: -1, n: 1 },
  { g: 1, d: 1, h: 1, n: -1 },
];

const dateRange = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }))
  .map(([from, span]) => ({
    $gte: dates[from]!,
    $lt: new Date(dates[from]!.getTime() + span * 86_400_000),
  }));
const match = fc.oneof(
  dateRange.map((d) => ({ d })),
  fc.tuple(fc.constantFrom('a', '가', 'a\u0000b'), dateRange).map(([g, d]) => ({ g, d })),
  fc.constantFrom('a', 'z', true).map((g) => ({ g })),
  fc
    .array(fc.constantFrom('a', 'ab', ''), { minLength: 1, maxLength: 2 })
    .map((g) => ({ g: { $in: g } })),
);
const groupId = fc.constantFrom<unknown>(
  null,
  '$g',
  '$h',
  { g: '$g', h: '$h' },
  { h: '$h' },
  { day: '$d', h: '$h' },
);
const sums = fc.subarray(
  [
    ['count', { $sum: 1 }],
    ['total', { $sum: '$n' }],
    ['orTwo', { $sum: { $ifNull: ['$n', 2] } }],
    ['halves', { $sum: 0.5 }],
  ] as const,
  { minLength: 1 },
);
const pipeline = fc
  .tuple(match, groupId, sums)
  .map(([m, id, s]) => [{ $match: m }, { $group: { _id: id, ...Object.fromEntries(s) } }]);

const canonical = (rows: Document[]) =>
  rows.map((row) => EJSON.stringify(row, { relaxed: false })).sort();

describe('a covered $group', () => {
  let dir: string;
  let db: EmbeddedDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-covered-'));
    db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
  });

  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers what the documents answer, for any documents and any such pipeline', async () => {
    let round = 0;
    // How many answers came from keys alone, reading no document: the property must exercise them.
    let fromKeys = 0;
    const decoded = vi.spyOn(CollectionTables.prototype, 'decode');
    const keyed = vi.spyOn(CollectionTables.prototype, 'keys');
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { maxLength: 40 }),
        fc.array(pipeline, { minLength: 1, maxLength: 4 }),
        async (docs, pipelines) => {
          round += 1;
          const indexed = db.collection(`indexed${round}`);
          const plain = db.collection(`plain${round}`);
          for (const [i, spec] of INDEXES.entries())
            await indexed.createIndex(spec, { name: `i${i}` });
          const stored = docs.map((d, i) =>
            Object.fromEntries([['_id', i], ...Object.entries(d).filter(([, v]) => v !== MISSING)]),
          );
          if (stored.length > 0) {
            await indexed.insertMany(stored.map((d) => ({ ...d })));
            await plain.insertMany(stored.map((d) => ({ ...d })));
          }
          for (const p of pipelines) {
            const expected = canonical(await plain.aggregate(p).toArray());
            decoded.mockClear();
            keyed.mockClear();
            expect(canonical(await indexed.aggregate(p).toArray()), EJSON.stringify(p)).toEqual(
              expected,
            );
            if (keyed.mock.calls.length > 0 && decoded.mock.calls.length === 0) fromKeys += 1;
          }
        },
      ),
      { numRuns: 150 },
    );
    decoded.mockRestore();
    keyed.mockRestore();
    expect(fromKeys).toBeGreaterThan(100);
  });
});
