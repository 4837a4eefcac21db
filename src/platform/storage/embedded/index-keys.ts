import { EJSON } from 'bson';
import type { CreateIndexOptions, Document, IndexSpecification } from '../database.js';
import { EmbeddedServerError } from '../errors.js';
import { isPlainObject } from './documents.js';
import { EMPTY_ARRAY, encodeComponent, type Direction } from './key-encoding.js';

export type IndexField = readonly [path: string, direction: Direction];

/** An index as the catalog stores it. */
export interface IndexDefinition {
  name: string;
  key: IndexField[];
  unique: boolean;
  sparse: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

export const ID_INDEX_NAME = '_id_';

/** The driver accepts `'a'`, `['a', 1]`, `{ a: 1, b: -1 }`, a Map, or a list of those. */
function normalizeIndexSpec(spec: IndexSpecification): IndexField[] {
  const fields: IndexField[] = [];
  const add = (path: string, direction: unknown) => {
    if (direction !== 1 && direction !== -1) {
      throw new EmbeddedServerError(
        67,
        'CannotCreateIndex',
        `Index type ${JSON.stringify(direction)} on '${path}' is not supported by the embedded engine`,
      );
    }
    fields.push([path, direction]);
  };
  const visit = (part: unknown) => {
    if (typeof part === 'string') add(part, 1);
    else if (part instanceof Map) for (const [k, d] of part as Map<string, unknown>) add(k, d);
    else if (
      Array.isArray(part) &&
      part.length === 2 &&
      typeof part[0] === 'string' &&
      typeof part[1] !== 'string'
    )
      add(part[0], part[1]);
    else if (Array.isArray(part)) part.forEach(visit);
    else if (isPlainObject(part)) for (const [k, d] of Object.entries(part)) add(k, d);
    else
      throw new EmbeddedServerError(2, 'BadValue', `Invalid index specification: ${String(part)}`);
  };
  visit(spec);
  if (fields.length === 0)
    throw new EmbeddedServerError(2, 'BadValue', 'Index key pattern must not be empty');
  return fields;
}

export function indexDefinition(
  spec: IndexSpecification,
  options: CreateIndexOptions = {},
): IndexDefinition {
  const key = normalizeIndexSpec(spec);
  const def: IndexDefinition = {
    name: options.name ?? key.map(([path, dir]) => `${path}_${dir}`).join('_'),
    key,
    unique: options.unique ?? false,
    sparse: options.sparse ?? false,
  };
  if (options.partialFilterExpression)
    def.partialFilterExpression = options.partialFilterExpression;
  if (options.expireAfterSeconds !== undefined) def.expireAfterSeconds = options.expireAfterSeconds;
  return def;
}

export function keyPatternOf(def: Pick<IndexDefinition, 'key'>): Document {
  return Object.fromEntries(def.key);
}

/** Two definitions describe the same index (creating it again is then a no-op). */
export function sameIndex(a: IndexDefinition, b: IndexDefinition): boolean {
  return EJSON.stringify(a) === EJSON.stringify(b);
}

/** The values at a path, and the outermost array the path went through (multikey). */
export interface PathValues {
  values: unknown[];
  /** The path prefix of the first array met (`tags`, `slots`), if any. */
  arrayAt: string | undefined;
}

/** Values at a dotted path, descending into arrays as the server does for multikey indexes. */
export function pathValues(doc: Document, path: string): unknown[] {
  return collectPath(doc, path).values;
}

export function collectPath(doc: Document, path: string): PathValues {
  const parts = path.split('.');
  const state: PathValues = { values: [], arrayAt: undefined };
  collect(doc, parts, 0, state);
  if (state.values.length === 0) state.values.push(undefined);
  return state;
}

function collect(value: unknown, parts: readonly string[], i: number, state: PathValues): void {
  const out = state.values;
  if (i === parts.length) {
    if (Array.isArray(value)) {
      state.arrayAt ??= parts.join('.');
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else out.push(...value);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(value)) {
    state.arrayAt ??= parts.slice(0, i).join('.');
    const before = out.length;
    if (/^\d+$/.test(part)) collect(value[Number(part)], parts, i + 1, state);
    for (const element of value) if (isPlainObject(element)) collect(element, parts, i, state);
    if (out.length === before) out.push(undefined);
    return;
  }
  if (isPlainObject(value)) collect(value[part], parts, i + 1, state);
  else out.push(undefined);
}

/** One key a document has in an index, and the values it was made of (for E11000). */
export interface IndexEntry {
  key: Buffer;
  values: unknown[];
}

export interface DocumentEntries {
  entries: IndexEntry[];
  /** An indexed path held an array: the index becomes (and stays) multikey. */
  multikey: boolean;
}

/** Beyond this many keys for one document, the server's limits would refuse it too. */
const MAX_KEYS_PER_DOCUMENT = 10_000;

/**
 * The keys a document has in an index: one, or one per element when an indexed path holds an
 * array. `null` when the document is not in the index (sparse without any of the fields, or not
 * matching the partial filter).
 *
 * Two indexed fields may only go through the same array (`slots.day`, `slots.open`), as MongoDB
 * requires; their keys are then every combination of the array's values, a superset of the
 * server's per-element keys (queries stay exact because every candidate is filtered, but a
 * unique index over two fields of one array of subdocuments is stricter than on the server).
 */
export function indexEntries(
  def: IndexDefinition,
  doc: Document,
  partial?: { test(doc: Document): boolean },
): DocumentEntries | null {
  if (partial && !partial.test(doc)) return null;
  const perField = def.key.map(([path]) => collectPath(doc, path));
  if (def.sparse && perField.every((p) => p.values.every((v) => v === undefined))) return null;
  let arrayAt: string | undefined;
  let multikey = false;
  for (const [i, field] of perField.entries()) {
    if (field.arrayAt === undefined) continue;
    multikey = true;
    if (arrayAt !== undefined && field.arrayAt !== arrayAt) {
      throw new EmbeddedServerError(
        171,
        'CannotIndexParallelArrays',
        `cannot index parallel arrays [${def.key[i]![0]}] [${arrayAt}]`,
      );
    }
    arrayAt = field.arrayAt;
  }
  let combos: unknown[][] = [[]];
  for (const field of perField) {
    combos = combos.flatMap((prefix) => field.values.map((v) => [...prefix, v]));
    if (combos.length > MAX_KEYS_PER_DOCUMENT) {
      throw new EmbeddedServerError(
        67,
        'CannotCreateIndex',
        `a document would have more than ${MAX_KEYS_PER_DOCUMENT} keys in index ${def.name}`,
      );
    }
  }
  const seen = new Map<string, IndexEntry>();
  for (const values of combos) {
    const parts = values.map((v, i) => encodeComponent(v, def.key[i]![1]));
    const key = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    const id = key.toString('latin1');
    if (!seen.has(id))
      seen.set(id, { key, values: values.map((v) => (v === EMPTY_ARRAY ? [] : (v ?? null))) });
  }
  return { entries: [...seen.values()], multikey };
}

/** The key `{ field: value, … }` reported in a duplicate key error. */
export function keyValueOf(
  def: Pick<IndexDefinition, 'key'>,
  values: readonly unknown[],
): Document {
  return Object.fromEntries(def.key.map(([path], i) => [path, values[i] ?? null]));
}
