import type { Document } from '../database.js';
import type { CollectionMeta } from './catalog.js';
import type { CollectionTables } from './collection-tables.js';
import { isPlainPathPart } from './documents.js';
import { Bracket, KeyReader, UNDECODABLE, type Direction } from './key-encoding.js';
import { coveringPlan } from './planner.js';

/** A numeric term of `$sum`: a constant, a field, or a field with a constant for null. */
type Term =
  | { kind: 'constant'; value: number }
  | { kind: 'path'; path: string }
  | { kind: 'ifNull'; path: string; otherwise: number };

interface GroupSpec {
  /** `_id: null` (one group), `_id: '$a'`, or `_id: { name: '$a', … }`. */
  id: { kind: 'null' } | { kind: 'path'; path: string } | { kind: 'object'; names: string[] };
  idPaths: string[];
  sums: { name: string; term: Term }[];
}

/** `$a.b` as `a.b`; undefined for anything else (a variable, an array index, an expression). */
function fieldPath(expression: unknown): string | undefined {
  if (typeof expression !== 'string' || !expression.startsWith('$')) return undefined;
  const path = expression.slice(1);
  // A numeric part reads an array element in an index, and a field in an expression.
  return path.split('.').every(isPlainPathPart) ? path : undefined;
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function term(expression: unknown): Term | undefined {
  if (isFiniteNumber(expression)) return { kind: 'constant', value: expression };
  const path = fieldPath(expression);
  if (path !== undefined) return { kind: 'path', path };
  if (typeof expression !== 'object' || expression === null) return undefined;
  const keys = Object.keys(expression);
  const args = (expression as { $ifNull?: unknown }).$ifNull;
  if (keys.length !== 1 || keys[0] !== '$ifNull' || !Array.isArray(args) || args.length !== 2) {
    return undefined;
  }
  const ifPath = fieldPath(args[0]);
  return ifPath !== undefined && isFiniteNumber(args[1])
    ? { kind: 'ifNull', path: ifPath, otherwise: args[1] }
    : undefined;
}

/** The `$group` stages a covered read can answer; undefined for any other. */
function groupSpec(stage: Document): GroupSpec | undefined {
  const id: unknown = stage._id;
  let spec: GroupSpec['id'];
  let idPaths: string[];
  if (id === null) {
    spec = { kind: 'null' };
    idPaths = [];
  } else if (fieldPath(id) !== undefined) {
    spec = { kind: 'path', path: fieldPath(id)! };
    idPaths = [fieldPath(id)!];
  } else if (
    typeof id === 'object' &&
    id !== null &&
    Object.getPrototypeOf(id) === Object.prototype
  ) {
    const entries = Object.entries(id);
    const paths = entries.map(([, value]) => fieldPath(value));
    if (entries.length === 0 || paths.some((p) => p === undefined)) return undefined;
    if (entries.some(([name]) => name.startsWith('$') || name.includes('.'))) return undefined;
    spec = { kind: 'object', names: entries.map(([name]) => name) };
    idPaths = paths as string[];
  } else {
    return undefined;
  }
  const sums: GroupSpec['sums'] = [];
  for (const [name, accumulator] of Object.entries(stage)) {
    if (name === '_id') continue;
    if (name.startsWith('$') || name.includes('.')) return undefined;
    if (typeof accumulator !== 'object' || accumulator === null) return undefined;
    const keys = Object.keys(accumulator);
    if (keys.length !== 1 || keys[0] !== '$sum') return undefined;
    const sumTerm = term((accumulator as { $sum: unknown }).$sum);
    if (!sumTerm) return undefined;
    sums.push({ name, term: sumTerm });
  }
  return { id: spec, idPaths, sums };
}

interface Group {
  id: unknown;
  count: number;
  sums: number[];
}

/**
 * `[{ $match }, { $group }]` answered from index keys alone, reading no document: MongoDB's
 * covered plan, for the month's statistics (grouping a month's 1M assignments read and decoded
 * every one of them, 16 s; their keys take 2.5). It applies when an index that never held an
 * array bounds the `$match` exactly and holds every field the `$group` reads, and the `$group` is
 * `_id` (null, a field, or a document of fields) with `$sum` accumulators of a constant, a field,
 * or `$ifNull` of a field and a constant. Its result is the one mingo gives (groups in the order
 * first met; a `$sum` ignores what is not a number). Undefined when it does not apply, including
 * when a key cannot say what the document held (a null `_id` field, which may be missing; a zero,
 * which may be -0; a Long or Decimal128 with no exact double; a document or array): the caller
 * reads the documents. Runs inside a read transaction.
 */
export function coveredGroup(
  tables: CollectionTables,
  meta: CollectionMeta | undefined,
  filter: Document,
  stage: Document,
): Document[] | undefined {
  if (!meta) return undefined;
  const spec = groupSpec(stage);
  if (!spec) return undefined;
  const sumPaths = spec.sums.flatMap(({ term: t }) => (t.kind === 'constant' ? [] : [t.path]));
  const plan = coveringPlan(meta, filter, [...spec.idPaths, ...sumPaths], (p) =>
    tables.estimate(p),
  );
  if (!plan?.index) return undefined;
  const fields = plan.index.def.key;
  const directions: Direction[] = fields.map(([, direction]) => direction);
  const at = (path: string) => fields.findIndex(([p]) => p === path);
  const idAt = spec.idPaths.map(at);
  const idContiguous = idAt.every((i, j) => j === 0 || i === idAt[j - 1]! + 1);
  const sumAt = spec.sums.map(({ term: t }) => (t.kind === 'constant' ? -1 : at(t.path)));

  const reader = new KeyReader();
  const ends: number[] = new Array<number>(fields.length).fill(0);
  const startOf = (i: number) => (i === 0 ? 0 : ends[i - 1]!);
  const groups = new Map<string, Group>();
  const groupOf = (groupKey: string): Group | undefined => {
    const known = groups.get(groupKey);
    if (known) return known;
    const values = idAt.map((i) => reader.value(startOf(i), ends[i]!, directions[i]!));
    // A zero key may have been -0, which mingo's `_id` keeps.
    if (values.some((v) => v === UNDECODABLE || v === 0)) return undefined;
    let id: unknown = null;
    if (spec.id.kind === 'path') id = values[0];
    if (spec.id.kind === 'object') {
      const fields: Document = {};
      spec.id.names.forEach((name, j) => (fields[name] = values[j]));
      id = fields;
    }
    const group: Group = { id, count: 0, sums: spec.sums.map(() => 0) };
    groups.set(groupKey, group);
    return group;
  };
  // The last key's `_id` bytes and group: keys come in order, and a group's keys often follow
  // one another (a shift's assignments share its start), so most keys need no lookup.
  let last: { key: Uint8Array; start: number; end: number; group: Group } | undefined;
  for (const key of tables.keys(plan)) {
    if (!reader.split(key, directions, ends)) return undefined;
    let group: Group | undefined;
    if (idContiguous) {
      const start = idAt.length > 0 ? startOf(idAt[0]!) : 0;
      const end = idAt.length > 0 ? ends[idAt.at(-1)!]! : 0;
      if (last && sameBytes(last.key, last.start, last.end, key, start, end)) {
        group = last.group;
      } else {
        if (idAt.some((i) => reader.bracketAt(startOf(i), directions[i]!) === Bracket.null)) {
          return undefined;
        }
        // Components are self-delimiting: the bytes of neighbouring ones name the group.
        group = groupOf(reader.text(start, end));
        if (!group) return undefined;
        last = { key, start, end, group };
      }
    } else {
      if (idAt.some((i) => reader.bracketAt(startOf(i), directions[i]!) === Bracket.null)) {
        return undefined;
      }
      group = groupOf(idAt.map((i) => reader.text(startOf(i), ends[i]!)).join(''));
      if (!group) return undefined;
    }
    group.count += 1;
    for (let s = 0; s < spec.sums.length; s++) {
      const t = spec.sums[s]!.term;
      if (t.kind === 'constant') continue;
      const i = sumAt[s]!;
      const bracket = reader.bracketAt(startOf(i), directions[i]!);
      if (bracket === Bracket.null) {
        if (t.kind === 'ifNull') group.sums[s]! += t.otherwise;
        continue;
      }
      // `$sum` skips what is not a number (mingo skips NaN as well).
      if (bracket !== Bracket.number) continue;
      const value = reader.value(startOf(i), ends[i]!, directions[i]!);
      if (value === UNDECODABLE) return undefined;
      if (!Number.isNaN(value)) group.sums[s]! += value as number;
    }
  }
  return [...groups.values()].map((group) => {
    const out: Document = { _id: group.id };
    spec.sums.forEach(({ name, term: t }, s) => {
      out[name] = t.kind === 'constant' ? group.count * t.value : group.sums[s]!;
    });
    return out;
  });
}

/** Whether `a[aStart, aEnd)` and `b[bStart, bEnd)` hold the same bytes. */
function sameBytes(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = 0; i < aEnd - aStart; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
