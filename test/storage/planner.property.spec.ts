import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ObjectId } from 'bson';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabase, type Document, type Sort } from '../../src/platform/storage/index.js';
import { memoryLogger } from './support/memory-logger.js';

/**
 * The planner's answer is the full scan's answer: for random documents, indexes on their fields
 * (compound, descending, multikey, sparse, on a path into subdocuments) and random filters and
 * sorts, the indexed collection returns the same documents in the same order as an unindexed
 * copy, whose every read is a scan sorted in memory. Writes choose their targets the same way.
 *
 * Generated strings stay in the Basic Multilingual Plane below the surrogates (ASCII and Hangul):
 * there mingo's JavaScript string order and MongoDB's UTF-8 byte order agree. Numbers are ints
 * and doubles: mingo compares a Long or Decimal128 only with its own type, where MongoDB (and
 * the index) compare by value.
 */

const MISSING = Symbol('missing');
const dates = [0, 1, 2].map((d) => new Date(Date.UTC(2026, 0, 1 + d)));
const ids = ['000000000000000000000001', '000000000000000000000002'].map((h) =>
  ObjectId.createFromHexString(h),
);

// Few distinct values, so that filters match, keys collide and ties need `_id`.
const scalar = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -2, max: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1.5, 0.5, -0) },
  { weight: 3, arbitrary: fc.constantFrom('', 'a', 'ab', '가', 'z') },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(...dates) },
  { weight: 1, arbitrary: fc.constantFrom(...ids) },
);
const maybeArray = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 3, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.constant(MISSING) },
);
const scalarOrMissing = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 2, arbitrary: fc.constant(MISSING) },
);
const sub = fc.oneof(
  scalarOrMissing.map((x) => (x === MISSING ? MISSING : { x })),
  fc.array(
    scalar.map((x) => ({ x })),
    { minLength: 1, maxLength: 2 },
  ),
);

// Arrays only in `a`, `c` and `s`: no compound index below pairs two of them (parallel arrays).
const doc = fc.record({ a: maybeArray, b: scalarOrMissing, c: maybeArray, s: sub });

const INDEXES: Array<[Document, Document]> = [
  [{ a: 1, _id: 1 }, {}],
  [{ a: 1, b: -1, _id: 1 }, {}],
  [{ b: 1, c: 1, _id: -1 }, {}],
  [{ c: -1 }, { sparse: true }],
  [{ 's.x': 1, _id: 1 }, {}],
  [{ b: -1, _id: 1 }, { partialFilterExpression: { b: { $exists: true } } }],
  // Never multikey (`b` holds no arrays): a range of dates or ids on it is exact, and counted
  // from its keys alone.
  [{ b: 1 }, {}],
];

const FIELDS = ['a', 'b', 'c', 's.x'] as const;
const rangeValue = scalar.filter((v) => v !== null);
const condition: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 1, arbitrary: fc.record({ $eq: scalar }) },
  { weight: 2, arbitrary: fc.record({ $in: fc.array(scalar, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ $gt: rangeValue }) },
  { weight: 3, arbitrary: fc.record({ $gte: rangeValue, $lt: rangeValue }) },
  { weight: 1, arbitrary: fc.record({ $lte: rangeValue }) },
  { weight: 1, arbitrary: fc.record({ $ne: scalar }) },
  { weight: 1, arbitrary: fc.record({ $exists: fc.boolean() }) },
);
const clause = fc.tuple(fc.constantFrom(...FIELDS), condition).map(([f, c]) => ({ [f]: c }));
const filter: fc.Arbitrary<Document> = fc.oneof(
  fc.array(clause, { maxLength: 3 }).map((cs) => Object.assign({}, ...cs) as Document),
  fc.array(clause, { minLength: 1, maxLength: 3 }).map((cs) => ({ $and: cs })),
  fc
    .tuple(clause, fc.array(clause, { minLength: 1, maxLength: 2 }))
    .map(([c, or]) => ({ ...c, $or: or })),
  // What the partial index requires, so that it may serve the rest.
  clause.map((c) => ({ $and: [{ b: { $exists: true } }, c] })),
);
// Always ending with `_id` (in either direction): a total order, so results compare exactly.
const sort = fc.option(
  fc
    .tuple(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...FIELDS), fc.constantFrom(1, -1)), {
        maxLength: 2,
        selector: ([f]) => f,
      }),
      fc.constantFrom(1, -1),
    )
    .map(([fields, id]) => Object.fromEntries([...fields, ['_id', id]]) as Sort),
  { nil: undefined },
);

describe('the query planner', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let run = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-planner-'));
    db = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), ttlSweepMs: 0 });
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers exactly what a full scan answers, in the same order', async () => {
    const stages = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(doc, { minLength: 5, maxLength: 40 }),
        fc.array(fc.tuple(filter, sort, fc.nat(3), fc.integer({ min: 0, max: 6 })), {
          minLength: 1,
          maxLength: 6,
        }),
        filter,
        async (raw, queries, writeFilter) => {
          run++;
          const scanned = db.collection(`scanned_${run}`);
          const indexed = db.collection(`indexed_${run}`);
          for (const [key, options] of INDEXES) await indexed.createIndex(key, options);
          const docs = raw.map((d, i) => {
            const out: Document = { _id: i };
            for (const [k, v] of Object.entries(d)) if (v !== MISSING) out[k] = v;
            return out;
          });
          await scanned.insertMany(docs.map((d) => ({ ...d })));
          await indexed.insertMany(docs.map((d) => ({ ...d })));

          for (const [query, order, skip, limit] of queries) {
            // Without a sort, which documents a skip or limit keeps is not defined.
            const options = order ? { sort: order, skip, limit } : {};
            const expected = await scanned.find(query, options).toArray();
            const actual = await indexed.find(query, options).toArray();
            if (order) expect(actual).toEqual(expected);
            else expect(byId(actual)).toEqual(byId(expected));
            expect(await indexed.countDocuments(query)).toBe(await scanned.countDocuments(query));
            const plan = await indexed.find(query, options).explain();
            stages.set(plan.stage, (stages.get(plan.stage) ?? 0) + 1);
          }

          await scanned.updateMany(writeFilter, { $set: { touched: true } });
          await indexed.updateMany(writeFilter, { $set: { touched: true } });
          await scanned.deleteMany({ $nor: [writeFilter] });
          await indexed.deleteMany({ $nor: [writeFilter] });
          expect(byId(await indexed.find({}).toArray())).toEqual(
            byId(await scanned.find({}).toArray()),
          );
          expect(await db.check()).toMatchObject({ ok: true });
        },
      ),
      { numRuns: 150 },
    );
    // The property is only worth something if the indexes were actually used.
    expect(stages.get('IXSCAN') ?? 0).toBeGreaterThan(150);
  }, 120_000);
});

function byId(docs: Document[]): Document[] {
  return [...docs].sort((a, b) => (a._id as number) - (b._id as number));
}
