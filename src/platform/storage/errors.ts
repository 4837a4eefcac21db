import { EJSON, ObjectId } from 'bson';
import type { BulkWriteSummary, Document } from './database.js';

/** The server's duplicate key code; 11001 is its pre-2.6 spelling, still seen through some proxies. */
const DUPLICATE_KEY_CODES: ReadonlySet<number> = new Set([11000, 11001]);

/**
 * What the embedded engine throws where the server would answer with an error: the same `code`,
 * `codeName` and `errmsg` as the driver's `MongoServerError`, so callers branch the same way.
 */
export class EmbeddedServerError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errmsg: string;

  constructor(code: number, codeName: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.codeName = codeName;
    this.errmsg = message;
  }
}

export interface DuplicateKeyDetails {
  dbName: string;
  collectionName: string;
  indexName: string;
  keyPattern: Document;
  keyValue: Document;
}

/**
 * A unique index (or `_id`) already holds this key. Shaped like the driver's error: `code` 11000,
 * `keyPattern`, `keyValue` and the server's message,
 * `E11000 duplicate key error collection: db.coll index: name dup key: { field: value }`.
 */
export class DuplicateKeyError extends EmbeddedServerError {
  readonly keyPattern: Document;
  readonly keyValue: Document;

  constructor(details: DuplicateKeyDetails) {
    super(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: ${details.dbName}.${details.collectionName} ` +
        `index: ${details.indexName} dup key: ${formatKey(details.keyValue)}`,
    );
    this.keyPattern = details.keyPattern;
    this.keyValue = details.keyValue;
  }
}

/** One failed operation of an `insertMany` or `bulkWrite`, as in the driver's `WriteError`. */
export interface WriteErrorInfo {
  /** Position of the failed operation in the request. */
  index: number;
  code: number;
  errmsg: string;
  keyPattern?: Document;
  keyValue?: Document;
}

/**
 * Some operations of an `insertMany` or `bulkWrite` failed, like the driver's `MongoBulkWriteError`:
 * `code` is the first failure's, `writeErrors` lists them all and `result` counts what was written.
 */
export class BulkWriteError extends EmbeddedServerError {
  readonly writeErrors: WriteErrorInfo[];
  readonly result: BulkWriteSummary;
  readonly keyPattern: Document | undefined;
  readonly keyValue: Document | undefined;

  constructor(writeErrors: WriteErrorInfo[], result: BulkWriteSummary) {
    const first = writeErrors[0];
    if (!first) throw new Error('BulkWriteError needs at least one write error');
    super(first.code, first.code === 11000 ? 'DuplicateKey' : 'BulkWriteError', first.errmsg);
    this.writeErrors = writeErrors;
    this.result = result;
    this.keyPattern = first.keyPattern;
    this.keyValue = first.keyValue;
  }

  get insertedCount(): number {
    return this.result.insertedCount;
  }
  get insertedIds(): Record<number, unknown> {
    return this.result.insertedIds;
  }
}

export interface DuplicateKeyErrorLike extends Error {
  code: number;
  keyPattern?: Document;
  keyValue?: Document;
}

/** True for a duplicate key from either implementation, including the bulk errors of both. */
export function isDuplicateKeyError(error: unknown): error is DuplicateKeyErrorLike {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && DUPLICATE_KEY_CODES.has(code);
}

/**
 * The database cannot be reached (network, server selection, failover, closed). The HTTP layer
 * answers 503; the operation may be retried once the database is back.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * The embedded engine's file is damaged. Never repaired or skipped: the message names the file
 * and what SQLite's integrity check (or the failing read) found; restore a backup.
 */
export class DatabaseCorruptError extends Error {
  readonly file: string;
  readonly diagnosis: string;

  constructor(file: string, diagnosis: string, options?: { cause?: unknown }) {
    super(
      `The embedded database file ${file} is damaged; refusing to use it. ` +
        `PRAGMA integrity_check: ${diagnosis}. Restore the file from a backup (the engine does not repair or skip damage).`,
      options,
    );
    this.name = 'DatabaseCorruptError';
    this.file = file;
    this.diagnosis = diagnosis;
  }
}

/** An optimistic update found the document at another version than the caller read. */
export class ConcurrentModificationError extends Error {
  readonly collectionName: string;
  readonly expectedVersion: number;
  readonly actualVersion: number | undefined;

  constructor(collectionName: string, expectedVersion: number, actualVersion: number | undefined) {
    super(
      `The document in ${collectionName} changed since it was read ` +
        `(expected version ${expectedVersion}, found ${actualVersion ?? 'none'}).`,
    );
    this.name = 'ConcurrentModificationError';
    this.collectionName = collectionName;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** The server's rendering of a key, `{ email: "a@b.c", n: 1 }`, used in E11000 messages. */
function formatKey(keyValue: Document): string {
  const parts = Object.entries(keyValue).map(([field, value]) => `${field}: ${formatValue(value)}`);
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  return EJSON.stringify(value, { relaxed: true });
}
