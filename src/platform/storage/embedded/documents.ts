import { BSON, Binary, UUID } from 'bson';
import type { Document, Sort } from '../database.js';
import { EmbeddedServerError } from '../errors.js';

/** mingo's options for everything the engine evaluates; no server-side JavaScript (DocumentDB has none). */
export const MINGO_OPTIONS = { idKey: '_id', scriptEnabled: false, useStrictMode: true } as const;

/**
 * The BSON the driver would send for `doc` (`undefined` → null), within the server's 16 MiB
 * limit; what the engine stores.
 */
export function serializeDocument(doc: Document): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = BSON.serialize(doc, { ignoreUndefined: false });
  } catch (error) {
    throw new EmbeddedServerError(
      2,
      'BadValue',
      `Document cannot be stored: ${(error as Error).message}`,
    );
  }
  if (bytes.length > 16 * 1024 * 1024) {
    throw new EmbeddedServerError(
      10334,
      'BSONObjectTooLarge',
      `BSONObj size: ${bytes.length} is invalid`,
    );
  }
  return bytes;
}

export interface StoredForm {
  /** The document as it reads back (the driver's promoted values). */
  doc: Document;
  /** Its BSON, as stored. */
  bytes: Uint8Array;
}

/** The stored form of a new document: `_id` first, a valid `_id`, BSON within the limit. */
export function storedForm(doc: Document): StoredForm {
  if (Array.isArray(doc._id) || doc._id instanceof RegExp) {
    throw new EmbeddedServerError(
      53,
      'InvalidIdField',
      `The '_id' value cannot be of type ${Array.isArray(doc._id) ? 'array' : 'regex'}`,
    );
  }
  const bytes = serializeDocument(withIdFirst(doc));
  return { doc: BSON.deserialize(bytes), bytes };
}

/**
 * A copy that shares nothing mutable with the stored document. Hand-written because
 * `structuredClone` turns `ObjectId`, `Long` and `Binary` into plain objects and a BSON round trip
 * costs several times more; stored documents only hold the types `BSON.deserialize` produces.
 */
export function copyValue<V>(value: V): V {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyValue) as V;
  if (value instanceof Date) return new Date(value.getTime()) as V;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Document = {};
    for (const key of Object.keys(value)) out[key] = copyValue((value as Document)[key]);
    return out as V;
  }
  if (value instanceof UUID) return new UUID(value.toHexString()) as V;
  if (value instanceof Binary)
    return new Binary(value.buffer.slice(0, value.position), value.sub_type) as V;
  // ObjectId, Long, Decimal128, Timestamp, RegExp, MinKey/MaxKey: immutable values.
  return value;
}

export type SortSpec = Record<string, 1 | -1>;

/**
 * The driver accepts many spellings of a sort, and its own normaliser is not exported; mingo
 * wants `{ field: 1 | -1 }`.
 */
export function normalizeSort(sort: Sort | undefined): SortSpec | undefined {
  if (sort === undefined) return undefined;
  const out: SortSpec = {};
  const direction = (d: unknown): 1 | -1 => {
    if (d === 1 || d === 'asc' || d === 'ascending') return 1;
    if (d === -1 || d === 'desc' || d === 'descending') return -1;
    throw new EmbeddedServerError(2, 'BadValue', `Invalid sort direction: ${JSON.stringify(d)}`);
  };
  if (typeof sort === 'string') {
    out[sort] = 1;
  } else if (sort instanceof Map) {
    for (const [k, d] of sort) out[k] = direction(d);
  } else if (Array.isArray(sort)) {
    if (sort.length === 2 && typeof sort[0] === 'string' && typeof sort[1] !== 'string') {
      out[sort[0]] = direction(sort[1]);
    } else {
      for (const entry of sort as ReadonlyArray<string | readonly [string, unknown]>) {
        if (typeof entry === 'string') out[entry] = 1;
        else out[entry[0]] = direction(entry[1]);
      }
    }
  } else if (typeof sort === 'object') {
    for (const [k, d] of Object.entries(sort)) out[k] = direction(d);
  } else {
    throw new EmbeddedServerError(2, 'BadValue', `Invalid sort: ${JSON.stringify(sort)}`);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function isOperatorDocument(doc: Document): boolean {
  const keys = Object.keys(doc);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** The driver refuses these before sending; the embedded engine refuses them the same way. */
export function assertUpdateDocument(update: unknown): asserts update is Document {
  if (Array.isArray(update)) {
    throw new EmbeddedServerError(
      2,
      'BadValue',
      'Pipeline-style updates are not supported by the storage layer; use update operators.',
    );
  }
  if (typeof update !== 'object' || update === null || !isOperatorDocument(update as Document)) {
    throw new EmbeddedServerError(9, 'FailedToParse', 'Update document requires atomic operators');
  }
}

export function assertReplacement(replacement: unknown): asserts replacement is Document {
  if (typeof replacement !== 'object' || replacement === null || Array.isArray(replacement)) {
    throw new EmbeddedServerError(2, 'BadValue', 'Replacement must be a document');
  }
  if (Object.keys(replacement).some((k) => k.startsWith('$'))) {
    throw new EmbeddedServerError(
      2,
      'BadValue',
      'Replacement document must not contain atomic operators',
    );
  }
}

/**
 * The document an upsert starts from: the filter's equality conditions (top level, `$eq`, and
 * inside `$and`), as the server builds it before applying the update.
 */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  collectEqualities(filter, seed);
  return seed;
}

function collectEqualities(filter: Document, seed: Document): void {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition as Document[]) collectEqualities(part, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      if ('$eq' in condition) setPath(seed, key, condition.$eq);
      continue;
    }
    if (condition instanceof RegExp) continue;
    setPath(seed, key, condition);
  }
}

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Not empty, not an operator or positional (`$…`), not an array index (digits only). */
export function isPlainPathPart(part: string): boolean {
  if (part === '' || part.charCodeAt(0) === 36) return false;
  for (let i = 0; i < part.length; i++) {
    const c = part.charCodeAt(i);
    if (c < 48 || c > 57) return true;
  }
  return false;
}

function setPath(target: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isPlainObject(next)) node[part] = {};
    node = node[part] as Document;
  }
  node[parts[parts.length - 1]!] = copyValue(value);
}

/** `_id` first, as the server orders an inserted document. */
export function withIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
