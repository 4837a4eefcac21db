import { Decimal128, Double, Int32, Long, ObjectId } from 'bson';
import type { Document } from '../database.js';
import type { CollectionMeta, IndexMeta } from './catalog.js';
import { isPlainObject, type SortSpec } from './documents.js';
import { ID_INDEX_NAME, collectPath, type IndexField } from './index-keys.js';
import {
  after,
  bracketEnd,
  bracketOf,
  bracketStart,
  encodeComponent,
  type Direction,
} from './key-encoding.js';

/**
 * The query planner, small enough to read:
 * 1. From the filter's top level (and `$and`), collect per path the conditions an index can
 *    bound: equality and `$in` on scalars, `$gt`/`$gte`/`$lt`/`$lte` within a value's type.
 * 2. For each usable index, pin its leading fields by equality as far as the filter does, then
 *    bound the next field by its range: a list of key intervals. The index gives the sort's
 *    order if the sort's fields follow the pinned ones in index order (or all reversed).
 * 3. Pick `_id` equality first, then the index bounding the most fields, then one giving the
 *    order; a tie goes to the index with fewer keys in its intervals (counted up to a cap).
 * The caller reads the intervals in order and applies the whole filter (mingo) to every
 * candidate, so bounds only have to avoid dropping a match; a wider bound costs time, not truth.
 */

type RangeOp = '$gt' | '$gte' | '$lt' | '$lte';

type Predicate =
  { kind: 'points'; values: unknown[] } | { kind: 'range'; op: RangeOp; value: unknown };

/** Key interval [lo, hi) in an index's byte order; `point` when it is one value's keys. */
interface Interval {
  lo: Buffer;
  hi: Buffer;
  point: boolean;
}

export interface Plan {
  /** `COLLSCAN` reads the documents table; the others read key intervals. */
  stage: 'COLLSCAN' | 'IXSCAN' | 'IDHACK';
  /** Undefined for COLLSCAN; `_id_` for the documents table's own id key. */
  index: IndexMeta | undefined;
  indexName: string | undefined;
  intervals: Interval[];
  /** Read the intervals (and the keys in each) backwards. */
  reverse: boolean;
  /** The index supplies the requested sort: no sort after reading, and `limit` stops the scan. */
  providesSort: boolean;
  /** Several keys of one document may fall in the intervals (arrays): skip repeats. */
  dedupe: boolean;
  /** Fields the intervals bound (for choosing). */
  boundedFields: number;
  /** The index's leading fields each pinned to points, and the paths of its fields. */
  pointFields: number;
  fieldPaths: readonly string[];
  /** Each key interval holds one key at most (points on every field of a unique index). */
  unique: boolean;
}

const MAX_INTERVALS = 512;
/** Keys counted per candidate to break a tie between indexes. */
export const ESTIMATE_CAP = 1024;

// ── conditions ─────────────────────────────────────────────────────────────────────────────

/** Values an index can bound by equality: those whose key equality is mingo's too (or wider). */
function isPointValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (t === 'string' || t === 'boolean') return true;
  if (t === 'number') return true;
  return (
    value instanceof Date ||
    value instanceof ObjectId ||
    value instanceof Long ||
    value instanceof Decimal128 ||
    value instanceof Int32 ||
    value instanceof Double
  );
}

function isRangeValue(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'number' && Number.isNaN(value)) return false;
  return isPointValue(value);
}

function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys[0]!.startsWith('$');
}

/** Per path, the conditions of `filter` that every match satisfies. */
function collectPredicates(filter: Document): Map<string, Predicate[]> {
  const out = new Map<string, Predicate[]>();
  const add = (path: string, predicate: Predicate) => {
    const list = out.get(path);
    if (list) list.push(predicate);
    else out.set(path, [predicate]);
  };
  const visit = (node: Document) => {
    for (const [key, condition] of Object.entries(node)) {
      if (key === '$and' && Array.isArray(condition)) {
        for (const part of condition) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isOperatorObject(condition)) {
        for (const [op, operand] of Object.entries(condition)) {
          if (op === '$eq' && isPointValue(operand))
            add(key, { kind: 'points', values: [operand] });
          else if (
            op === '$in' &&
            Array.isArray(operand) &&
            operand.length > 0 &&
            operand.every(isPointValue)
          )
            add(key, { kind: 'points', values: operand });
          else if (
            (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') &&
            isRangeValue(operand)
          )
            add(key, { kind: 'range', op, value: operand });
        }
      } else if (isPointValue(condition)) {
        add(key, { kind: 'points', values: [condition] });
      }
    }
  };
  visit(filter);
  return out;
}

function intervalsOf(predicate: Predicate, direction: Direction): Interval[] {
  if (predicate.kind === 'points') {
    const byKey = new Map<string, Interval>();
    for (const value of predicate.values) {
      const key = encodeComponent(value, direction);
      byKey.set(key.toString('latin1'), { lo: key, hi: after(key), point: true });
    }
    return [...byKey.values()].sort((a, b) => Buffer.compare(a.lo, b.lo));
  }
  const { op, value } = predicate;
  const bracket = bracketOf(value);
  const key = encodeComponent(value, direction);
  const start = bracketStart(bracket, direction);
  const end = bracketEnd(bracket, direction);
  // Descending keys are inverted: "greater" values are smaller keys.
  const greater = (op === '$gt' || op === '$gte') === (direction === 1);
  const inclusive = op === '$gte' || op === '$lte';
  const interval = greater
    ? { lo: inclusive ? key : after(key), hi: end }
    : { lo: start, hi: inclusive ? after(key) : key };
  return [{ ...interval, point: false }];
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = Buffer.compare(x.lo, y.lo) >= 0 ? x.lo : y.lo;
      const hi = Buffer.compare(x.hi, y.hi) <= 0 ? x.hi : y.hi;
      if (Buffer.compare(lo, hi) >= 0) continue;
      const point =
        (x.point && lo.equals(x.lo) && hi.equals(x.hi)) ||
        (y.point && lo.equals(y.lo) && hi.equals(y.hi));
      out.push({ lo, hi, point });
    }
  }
  return out.sort((p, q) => Buffer.compare(p.lo, q.lo));
}

/**
 * The intervals of one index field, or undefined when the filter does not bound it. On a
 * multikey index two conditions on one field may be met by different array elements, so only
 * one of them can bound it (an equality if there is one).
 */
function fieldIntervals(
  predicates: Predicate[] | undefined,
  direction: Direction,
  multikey: boolean,
): Interval[] | undefined {
  if (!predicates || predicates.length === 0) return undefined;
  if (multikey) {
    const chosen = predicates.find((p) => p.kind === 'points') ?? predicates[0]!;
    return intervalsOf(chosen, direction);
  }
  return predicates
    .map((p) => intervalsOf(p, direction))
    .reduce((acc, next) => intersect(acc, next));
}

// ── plans ──────────────────────────────────────────────────────────────────────────────────

interface Candidate {
  fields: readonly IndexField[];
  multikey: boolean;
  unique: boolean;
  index: IndexMeta | undefined;
  name: string;
}

function buildPlan(
  candidate: Candidate,
  predicates: Map<string, Predicate[]>,
  sort: SortSpec | undefined,
): Plan {
  const perField = candidate.fields.map(([path, direction]) =>
    fieldIntervals(predicates.get(path), direction, candidate.multikey),
  );
  let prefixes: Buffer[] = [Buffer.alloc(0)];
  let intervals: Interval[] | undefined;
  let pointFields = 0;
  for (const bounds of perField) {
    if (!bounds) break;
    if (bounds.every((b) => b.point) && prefixes.length * bounds.length <= MAX_INTERVALS) {
      prefixes = prefixes.flatMap((p) => bounds.map((b) => Buffer.concat([p, b.lo])));
      pointFields++;
      continue;
    }
    if (prefixes.length * bounds.length > MAX_INTERVALS) break;
    intervals = prefixes.flatMap((p) =>
      bounds.map((b) => ({
        lo: Buffer.concat([p, b.lo]),
        hi: Buffer.concat([p, b.hi]),
        point: false,
      })),
    );
    break;
  }
  const boundedFields = pointFields + (intervals ? 1 : 0);
  intervals ??=
    pointFields === 0
      ? [{ lo: Buffer.alloc(0), hi: Buffer.from([0xff]), point: false }]
      : prefixes.map((p) => ({ lo: p, hi: after(p), point: true }));

  // The order: the sort's fields must follow the index's, skipping fields pinned to one value
  // (which are then constant). Never on a multikey index: an array sorts by its smallest element,
  // which a scan of a range of elements does not see first.
  const sortFields = sort ? Object.entries(sort) : [];
  const pinned = new Set(
    candidate.multikey
      ? []
      : candidate.fields
          .filter((_field, i) => i < pointFields && perField[i]!.length === 1)
          .map(([path]) => path),
  );
  const wanted = sortFields.filter(([path]) => !pinned.has(path));
  let reverse: boolean | undefined;
  let matched = 0;
  if (!candidate.multikey) {
    for (const [path, direction] of candidate.fields) {
      if (matched === wanted.length) break;
      const [nextPath, nextDirection] = wanted[matched]!;
      if (nextPath === path) {
        const backwards = nextDirection !== direction;
        if (reverse !== undefined && reverse !== backwards) break;
        reverse = backwards;
        matched++;
      } else if (!pinned.has(path)) {
        break;
      }
    }
  }
  const providesSort =
    sortFields.length === 0 || (!candidate.multikey && matched === wanted.length);
  const isId = candidate.index === undefined;
  return {
    stage: isId && pointFields === 1 ? 'IDHACK' : 'IXSCAN',
    index: candidate.index,
    indexName: candidate.name,
    intervals,
    reverse: reverse ?? false,
    providesSort,
    dedupe: candidate.multikey,
    boundedFields,
    pointFields,
    fieldPaths: candidate.fields.map(([path]) => path),
    unique: candidate.unique && pointFields === candidate.fields.length,
  };
}

/** A partial index serves only filters that contain its filter's conditions verbatim. */
function impliesPartial(filter: Document, partial: Document): boolean {
  const conditions = new Map<string, string>();
  const visit = (node: Document) => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$and' && Array.isArray(value))
        value.forEach((p) => isPlainObject(p) && visit(p));
      else conditions.set(`${key}=${stableText(value)}`, key);
    }
  };
  visit(filter);
  return Object.entries(partial).every(([key, value]) =>
    conditions.has(`${key}=${stableText(value)}`),
  );
}

function stableText(value: unknown): string {
  return encodeComponent(value, 1).toString('latin1');
}

/** A sparse index lacks documents without its fields: usable only if the filter excludes them. */
function excludesMissing(
  fields: readonly IndexField[],
  predicates: Map<string, Predicate[]>,
): boolean {
  const missing = encodeComponent(null, 1);
  return fields.some(([path]) => {
    const bounds = fieldIntervals(predicates.get(path), 1, false);
    return (
      bounds !== undefined &&
      !bounds.some((b) => Buffer.compare(b.lo, missing) <= 0 && Buffer.compare(missing, b.hi) < 0)
    );
  });
}

/** The plan for `filter` (and `sort`) on `collection`. */
export function choosePlan(
  collection: CollectionMeta,
  filter: Document,
  sort: SortSpec | undefined,
  estimate: (plan: Plan) => number,
): Plan {
  const predicates = collectPredicates(filter);
  if (predicates.size === 0 && !sort) return collectionScan(sort);
  // An `_id` equality reads one document whatever other index could serve: no other plan is built.
  const idPlan = buildPlan(ID_CANDIDATE, predicates, sort);
  if (idPlan.stage === 'IDHACK') return idPlan;
  const plans = candidatePlans(collection, filter, predicates, sort);
  const useful = plans.filter((p) => p.boundedFields > 0 || (sort && p.providesSort));
  return cheapest(useful, sort, estimate) ?? collectionScan(sort);
}

/**
 * A plan whose index keys alone answer `filter` and hold every one of `paths` (a covered read):
 * bounds that are the filter, on an index that never held an array. Undefined when no index
 * does; the cheapest when several do.
 */
export function coveringPlan(
  collection: CollectionMeta,
  filter: Document,
  paths: readonly string[],
  estimate: (plan: Plan) => number,
): Plan | undefined {
  const predicates = collectPredicates(filter);
  if (predicates.size === 0) return undefined;
  const covering = candidatePlans(collection, filter, predicates, undefined).filter(
    (p) =>
      p.index !== undefined &&
      !p.dedupe &&
      paths.every((path) => p.fieldPaths.includes(path)) &&
      boundsAreExact(filter, p),
  );
  return cheapest(covering, undefined, estimate);
}

/** The `_id` key, which every collection has. */
const ID_CANDIDATE: Candidate = {
  fields: [['_id', 1]],
  multikey: false,
  unique: true,
  index: undefined,
  name: ID_INDEX_NAME,
};

/** The plans each usable index offers, the `_id` key's first. */
function candidatePlans(
  collection: CollectionMeta,
  filter: Document,
  predicates: Map<string, Predicate[]>,
  sort: SortSpec | undefined,
): Plan[] {
  const candidates: Candidate[] = [ID_CANDIDATE];
  for (const index of collection.indexes) {
    if (
      index.def.partialFilterExpression &&
      !impliesPartial(filter, index.def.partialFilterExpression)
    )
      continue;
    if (index.def.sparse && !excludesMissing(index.def.key, predicates)) continue;
    candidates.push({
      fields: index.def.key,
      multikey: index.multikey,
      unique: index.def.unique,
      index,
      name: index.def.name,
    });
  }
  return candidates.flatMap((c) => variants(c, predicates).map((p) => buildPlan(c, p, sort)));
}

/**
 * The predicates a candidate may be bounded by. On a multikey index only one condition can bound
 * a field (multikey: fieldIntervals takes the first), so when a field has several ranges, each is
 * offered, and the estimate picks: `{ 'history.at': { $gte: october, $lt: november } }` bounded
 * by its `$gte` read every later key, where its `$lt` reads none.
 */
function variants(
  candidate: Candidate,
  predicates: Map<string, Predicate[]>,
): Map<string, Predicate[]>[] {
  if (!candidate.multikey) return [predicates];
  for (const [path] of candidate.fields) {
    const list = predicates.get(path);
    if (!list || list.length < 2 || list.some((p) => p.kind === 'points')) continue;
    return list.map((chosen) => new Map([...predicates, [path, [chosen]]]));
  }
  return [predicates];
}

/** The plan bounding the most fields (and giving the sort), the fewest keys breaking a tie. */
function cheapest(
  useful: Plan[],
  sort: SortSpec | undefined,
  estimate: (plan: Plan) => number,
): Plan | undefined {
  if (useful.length === 0) return undefined;
  const rank = (p: Plan) => p.boundedFields * 2 + (sort && p.providesSort ? 1 : 0);
  const best = Math.max(...useful.map(rank));
  const tied = useful.filter((p) => rank(p) === best);
  if (tied.length === 1) return tied[0]!;
  let chosen = tied[0]!;
  let fewest = Infinity;
  for (const plan of tied) {
    const keys = estimate(plan);
    if (keys < fewest) {
      fewest = keys;
      chosen = plan;
    }
  }
  return chosen;
}

function collectionScan(sort: SortSpec | undefined): Plan {
  return {
    stage: 'COLLSCAN',
    index: undefined,
    indexName: undefined,
    intervals: [],
    reverse: false,
    providesSort: sort === undefined,
    dedupe: false,
    boundedFields: 0,
    pointFields: 0,
    fieldPaths: [],
    unique: false,
  };
}

/** Values whose key equality is exactly mingo's equality. */
function isExactPoint(value: unknown): boolean {
  return (
    (typeof value === 'string' && value.isWellFormed()) ||
    typeof value === 'boolean' ||
    value instanceof ObjectId ||
    (value instanceof Date && !Number.isNaN(value.getTime()))
  );
}

/** Range bounds whose key order is mingo's order too: valid dates and ids (strings compare in
 * UTF-16 there and UTF-8 here; numbers within their BSON type there). */
function isExactRangeValue(value: unknown): boolean {
  return value instanceof ObjectId || (value instanceof Date && !Number.isNaN(value.getTime()));
}

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

/**
 * The filter asks nothing beyond what the plan's bounds already guarantee, so the candidates
 * need no test: every condition is an equality (or `$in`) on a field the plan pins to points,
 * with values whose key equality is the filter's own (strings, booleans, ids, dates), except
 * that the next field of the index may carry a range of dates or ids. Not on an index holding
 * arrays: there two conditions on one field may be met by different elements.
 */
export function boundsAreExact(filter: Document, plan: Plan): boolean {
  if (plan.stage === 'COLLSCAN') return false;
  const pinned = plan.fieldPaths.slice(0, plan.pointFields);
  const ranged =
    !plan.dedupe && plan.boundedFields === plan.pointFields + 1
      ? plan.fieldPaths[plan.pointFields]
      : undefined;
  const keys = Object.keys(filter);
  if (keys.length === 0) return false;
  for (const key of keys) {
    const condition = filter[key];
    if (key === ranged) {
      if (!isPlainObject(condition)) return false;
      const ops = Object.keys(condition);
      if (ops.length === 0) return false;
      if (!ops.every((op) => RANGE_OPERATORS.has(op) && isExactRangeValue(condition[op])))
        return false;
      continue;
    }
    if (!pinned.includes(key)) return false;
    if (isExactPoint(condition)) continue;
    if (!isPlainObject(condition)) return false;
    const ops = Object.keys(condition);
    if (ops.length !== 1) return false;
    if (ops[0] === '$eq' && isExactPoint(condition.$eq)) continue;
    if (ops[0] === '$in' && Array.isArray(condition.$in) && condition.$in.every(isExactPoint))
      continue;
    return false;
  }
  return true;
}

// ── sorting in memory ──────────────────────────────────────────────────────────────────────

/**
 * A document's sort key in the same byte order as the indexes: a field holding an array sorts
 * by its smallest element ascending and its largest descending, `[]` before null, as on MongoDB.
 */
export function sortKey(doc: Document, sort: SortSpec): Buffer {
  const parts: Buffer[] = [];
  for (const [path, direction] of Object.entries(sort)) {
    const { values } = collectPath(doc, path);
    let chosen = encodeComponent(values[0], 1);
    for (let i = 1; i < values.length; i++) {
      const key = encodeComponent(values[i], 1);
      const order = Buffer.compare(key, chosen);
      if (direction === 1 ? order < 0 : order > 0) chosen = key;
    }
    if (direction === -1) for (let i = 0; i < chosen.length; i++) chosen[i] = ~chosen[i]! & 0xff;
    parts.push(chosen);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
