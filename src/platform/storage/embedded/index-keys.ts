import { Decimal128, EJSON, Long, ObjectId } from 'bson';
import type { CreateIndexOptions, Document, IndexSpecification } from '../database.js';
import { EmbeddedServerError } from '../errors.js';
import { isPlainObject } from './documents.js';

export type IndexField = readonly [path: string, direction: 1 | -1];

/** An index as persisted in the journal and snapshot. */
export interface IndexDefinition {
  name: string;
  key: IndexField[];
  unique: boolean;
  sparse: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

/** The driver accepts `'a'`, `['a', 1]`, `{ a: 1, b: -1 }`, a Map, or a list of those. */
export function normalizeIndexSpec(spec: IndexSpecification): IndexField[] {
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

const EMPTY_ARRAY = Symbol('empty array');

/**
 * A string that is equal for two values exactly when the server's index treats them as the same
 * key: numbers by value, dates by instant, ids by bytes, null and missing alike.
 */
export function valueKey(value: unknown): string {
  if (value === null || value === undefined) return 'n';
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return value === 0 ? 'd0' : `d${value}`;
    case 'boolean':
      return value ? 'b1' : 'b0';
    case 'symbol':
      return 'u';
  }
  if (value instanceof ObjectId) return `o${value.toHexString()}`;
  if (value instanceof Date) return `t${value.getTime()}`;
  if (value instanceof Long && value._bsontype === 'Long') return `l${value.toString()}`;
  if (value instanceof Decimal128) return `m${value.toString()}`;
  return `j${EJSON.stringify(value, { relaxed: false })}`;
}

/** One key a document contributes to an index, and the values it was made of (for E11000). */
export interface IndexEntry {
  key: string;
  values: unknown[];
}

/**
 * The keys a document has in an index: one, or several when an indexed path holds an array
 * (multikey). `null` when the document is not in the index (sparse without the fields, or not
 * matching the partial filter).
 */
export function indexEntries(
  def: IndexDefinition,
  doc: Document,
  partial?: { test(doc: Document): boolean },
): IndexEntry[] | null {
  if (partial && !partial.test(doc)) return null;
  const perField = def.key.map(([path]) => pathValues(doc, path));
  if (def.sparse && perField.every((values) => values.every((v) => v === undefined))) return null;
  let combos: unknown[][] = [[]];
  for (const values of perField) {
    combos = combos.flatMap((prefix) => values.map((v) => [...prefix, v]));
  }
  const seen = new Map<string, IndexEntry>();
  for (const values of combos) {
    const key = compoundKey(values);
    if (!seen.has(key))
      seen.set(key, { key, values: values.map((v) => (v === EMPTY_ARRAY ? [] : (v ?? null))) });
  }
  return [...seen.values()];
}

export function compoundKey(values: readonly unknown[]): string {
  const parts = values.map((v) => (v === EMPTY_ARRAY ? 'a' : valueKey(v)));
  return parts.length === 1 ? parts[0]! : JSON.stringify(parts);
}

/** Values at a dotted path, descending into arrays as the server does for multikey indexes. */
export function pathValues(doc: Document, path: string): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out.length === 0 ? [undefined] : out;
}

function collect(value: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else out.push(...value);
    } else {
      out.push(value);
    }
    return;
  }
  const part = parts[i]!;
  if (Array.isArray(value)) {
    const before = out.length;
    if (/^\d+$/.test(part)) collect(value[Number(part)], parts, i + 1, out);
    for (const element of value) if (isPlainObject(element)) collect(element, parts, i, out);
    if (out.length === before) out.push(undefined);
    return;
  }
  if (isPlainObject(value)) collect(value[part], parts, i + 1, out);
  else out.push(undefined);
}

/** The key `{ field: value, … }` reported in a duplicate key error. */
export function keyValueOf(def: IndexDefinition, values: readonly unknown[]): Document {
  return Object.fromEntries(def.key.map(([path], i) => [path, values[i] ?? null]));
}

/**
 * Values a filter pins a field to by equality (`field: v`, `$eq`, `$in`, also inside `$and`), so
 * an index can narrow the candidates; `undefined` when it does not pin the field to scalars.
 * The full filter still runs on every candidate, so this only has to avoid false negatives.
 */
export function equalityValues(filter: Document, path: string): unknown[] | undefined {
  let found: unknown[] | undefined;
  const consider = (values: unknown[] | undefined) => {
    if (values && (found === undefined || values.length < found.length)) found = values;
  };
  if (Object.hasOwn(filter, path)) consider(scalarCondition(filter[path]));
  const and = filter.$and;
  if (Array.isArray(and))
    for (const part of and) if (isPlainObject(part)) consider(equalityValues(part, path));
  return found;
}

function scalarCondition(condition: unknown): unknown[] | undefined {
  if (isScalar(condition)) return [condition];
  if (!isPlainObject(condition)) return undefined;
  if (Object.hasOwn(condition, '$eq')) return isScalar(condition.$eq) ? [condition.$eq] : undefined;
  if (Object.hasOwn(condition, '$in') && Array.isArray(condition.$in)) {
    return condition.$in.every(isScalar) ? condition.$in : undefined;
  }
  return undefined;
}

function isScalar(value: unknown): boolean {
  if (value === null) return true;
  const t = typeof value;
  return (
    t === 'string' ||
    t === 'number' ||
    t === 'boolean' ||
    value instanceof Date ||
    value instanceof ObjectId
  );
}
