import { Aggregator, Query } from 'mingo';
import { MingoError } from 'mingo/util';
import { ObjectId } from 'bson';
import type { Document, FindOptions } from '../database.js';
import { EmbeddedServerError } from '../errors.js';
import type { CollectionMeta } from './catalog.js';
import type { CollectionTables, ScanCounters, StoredDocument } from './collection-tables.js';
import { MINGO_OPTIONS, copyValue, normalizeSort } from './documents.js';
import { boundsAreExact, choosePlan, sortKey, type Plan } from './planner.js';
import { simpleFilter } from './simple-filter.js';

/** What a query read: the matching documents (shared, never handed out), and how. */
export interface Selection {
  docs: StoredDocument[];
  plan: Plan | undefined;
  counters: ScanCounters;
}

/**
 * Matching documents in sort order, after skip and limit. The planner picks the index; every
 * candidate is tested against the whole filter, unless the index bounds are the filter. Runs
 * inside a transaction.
 */
export function select(
  tables: CollectionTables,
  meta: CollectionMeta | undefined,
  filter: Document | undefined,
  options: Omit<FindOptions, 'projection'>,
): Selection {
  const criteria = filter ?? {};
  const counters: ScanCounters = { keysExamined: 0, docsExamined: 0 };
  if (!meta) {
    // Compiled anyway, so a bad filter fails even on a missing collection, as on the server.
    compileFilter(criteria);
    return { docs: [], plan: undefined, counters };
  }
  const sort = normalizeSort(options.sort);
  const skip = options.skip ?? 0;
  // As on the server, a limit of 0 means none and a negative one means its absolute value.
  const limit = options.limit ? Math.abs(options.limit) : undefined;
  const plan = choosePlan(meta, criteria, sort, (p) => tables.estimate(p));
  // Compiling a filter with mingo costs more than an indexed read; exact bounds need none.
  const test =
    isIdEquality(criteria) || boundsAreExact(criteria, plan) ? undefined : compileFilter(criteria);
  const scan = tables.scan(meta, plan, counters);
  if (!sort || plan.providesSort) {
    const docs: StoredDocument[] = [];
    let skipped = 0;
    for (const stored of scan) {
      if (test && !test(stored.doc)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      docs.push(stored);
      if (limit !== undefined && docs.length >= limit) break;
    }
    return { docs, plan, counters };
  }
  const keyed: Array<{ stored: StoredDocument; key: Buffer }> = [];
  for (const stored of scan) {
    if (!test || test(stored.doc)) keyed.push({ stored, key: sortKey(stored.doc, sort) });
  }
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const end = limit === undefined ? undefined : skip + limit;
  return { docs: keyed.slice(skip, end).map((k) => k.stored), plan, counters };
}

/**
 * The matching documents one at a time, in the plan's order, for a read that keeps none of them
 * (a count, a read-only aggregation): a month's statistics held every matching assignment in an
 * array before grouping them; streamed, only the groups stay. Runs inside a transaction.
 */
export function* selectEach(
  tables: CollectionTables,
  meta: CollectionMeta | undefined,
  filter: Document | undefined,
): Generator<Document> {
  const criteria = filter ?? {};
  if (!meta) {
    compileFilter(criteria);
    return;
  }
  const counters: ScanCounters = { keysExamined: 0, docsExamined: 0 };
  const plan = choosePlan(meta, criteria, undefined, (p) => tables.estimate(p));
  const test =
    isIdEquality(criteria) || boundsAreExact(criteria, plan) ? undefined : compileFilter(criteria);
  for (const stored of tables.scan(meta, plan, counters)) {
    if (!test || test(stored.doc)) yield stored.doc;
  }
}

/**
 * How many documents match: from the index keys alone when the plan's bounds are the filter and
 * the index holds no arrays (MongoDB's COUNT_SCAN), else by testing each candidate. A month's
 * applications among 1M assignments took 10 s read document by document. Runs inside a
 * transaction.
 */
export function countMatching(
  tables: CollectionTables,
  meta: CollectionMeta | undefined,
  filter: Document,
): number {
  if (meta) {
    const plan = choosePlan(meta, filter, undefined, (p) => tables.estimate(p));
    if (!plan.dedupe && boundsAreExact(filter, plan)) return tables.countKeys(meta, plan);
  }
  let total = 0;
  for (const _ of selectEach(tables, meta, filter)) total++;
  return total;
}

export function compileFilter(filter: Document): ((doc: Document) => boolean) | undefined {
  if (Object.keys(filter).length === 0) return undefined;
  const simple = simpleFilter(filter);
  if (simple) {
    // mingo only for the documents the simple test cannot answer, compiled on the first.
    let query: Query | undefined;
    return (doc) =>
      simple(doc) ?? mingo(() => (query ??= new Query(filter, MINGO_OPTIONS)).test(doc));
  }
  const query = mingo(() => new Query(filter, MINGO_OPTIONS));
  return (doc) => mingo(() => query.test(doc));
}

const isScalarId = (id: unknown): boolean =>
  typeof id === 'string' || typeof id === 'number' || id instanceof ObjectId;

/**
 * `{ _id: scalar }` or `{ _id: { $in: [scalars] } }`: the id key answers these exactly, and
 * compiling them with mingo cost more than the rest of a by-id read.
 */
function isIdEquality(filter: Document): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const id: unknown = filter._id;
  if (isScalarId(id)) return true;
  if (typeof id !== 'object' || id === null || id instanceof ObjectId) return false;
  const operators = Object.keys(id);
  const values = (id as { $in?: unknown }).$in;
  return (
    operators.length === 1 &&
    operators[0] === '$in' &&
    Array.isArray(values) &&
    values.every(isScalarId)
  );
}

/**
 * Results as the caller gets them: copies (what was read may be cached and shared), projected
 * if asked.
 */
export function present(docs: Document[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs.map(copyValue);
  const fields = topLevelInclusion(projection);
  // Only the named top-level fields (and `_id`, unless excluded), as `$project` would give:
  // picking them is a fraction of compiling and running a `$project` per read.
  if (fields) return docs.map((doc) => pickFields(doc, fields));
  const copies = docs.map(copyValue);
  return mingo(() => new Aggregator([{ $project: projection }], MINGO_OPTIONS).run(copies));
}

/**
 * The fields of a projection that only includes top-level fields (`{ a: 1, b: true }`, with
 * `_id: 0` allowed), with `_id` first unless excluded; undefined for any other projection.
 */
function topLevelInclusion(projection: Document): string[] | undefined {
  const fields: string[] = [];
  let withId = true;
  for (const [field, value] of Object.entries(projection)) {
    if (field === '_id' && (value === 0 || value === false)) {
      withId = false;
      continue;
    }
    if ((value !== 1 && value !== true) || field.includes('.') || field.startsWith('$')) {
      return undefined;
    }
    if (field !== '_id') fields.push(field);
  }
  // `{ _id: 0 }` alone (or `{ _id: 1 }` alone) excludes or keeps fields otherwise: not ours.
  if (fields.length === 0) return undefined;
  return withId ? ['_id', ...fields] : fields;
}

function pickFields(doc: Document, fields: readonly string[]): Document {
  const out: Document = {};
  for (const field of fields) {
    if (doc[field] !== undefined) out[field] = copyValue(doc[field]);
  }
  return out;
}

/**
 * Refuses what DocumentDB 5.0 would refuse, so code that runs locally also runs in production:
 * `$lookup` only in its `from`/`localField`/`foreignField`/`as` form; no `$out`/`$merge`.
 */
export function assertSupportedPipeline(pipeline: Document[]): void {
  for (const stage of pipeline) {
    const [name] = Object.keys(stage);
    if (name === '$out' || name === '$merge') {
      throw new EmbeddedServerError(
        40324,
        'UnsupportedStage',
        `${name} is not supported by the storage layer`,
      );
    }
    if (name === '$lookup') {
      const spec = stage.$lookup as Document;
      const keys = Object.keys(spec).sort().join(',');
      if (keys !== 'as,foreignField,from,localField' || typeof spec.from !== 'string') {
        throw new EmbeddedServerError(
          40324,
          'UnsupportedStage',
          'Only the $lookup form {from, localField, foreignField, as} is supported (DocumentDB 5.0 lacks let/pipeline)',
        );
      }
    }
  }
}

/** mingo reports bad queries and updates with its own error; callers get the server's shape. */
export function mingo<R>(run: () => R): R {
  try {
    return run();
  } catch (error) {
    if (error instanceof MingoError) {
      const immutable = error.message.includes('immutable field');
      throw new EmbeddedServerError(
        immutable ? 66 : 2,
        immutable ? 'ImmutableField' : 'BadValue',
        error.message,
      );
    }
    throw error;
  }
}
