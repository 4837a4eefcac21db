import { BSON } from 'bson';

/**
 * The wire format between RemoteDatabase and the embedded engine's server: BSON documents, as
 * the official driver sends them, so values round-trip exactly as they would to MongoDB (Long,
 * Decimal128, Binary, dates, ObjectIds; `undefined` becomes null, as in the driver).
 */
export const CONTENT_TYPE = 'application/bson';

/** Collection operations that return documents at once. */
export const DIRECT_OPERATIONS = [
  'insertOne',
  'insertMany',
  'findOne',
  'updateOne',
  'updateMany',
  'replaceOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'deleteOne',
  'deleteMany',
  'countDocuments',
  'distinct',
  'bulkWrite',
  'createIndex',
] as const;
export type DirectOperation = (typeof DIRECT_OPERATIONS)[number];

export interface FindRequest {
  filter: unknown;
  options: unknown;
  sort?: unknown;
  skip?: number;
  limit?: number;
  projection?: unknown;
}

export type Request =
  | { op: 'ping' }
  | { op: DirectOperation; collection: string; args: unknown[] }
  | { op: 'find'; collection: string; find: FindRequest }
  | { op: 'aggregate'; collection: string; pipeline: unknown[] };

export interface RemoteError {
  name: string;
  message: string;
  code?: number;
  keyPattern?: unknown;
  keyValue?: unknown;
  /** A BulkWriteError's failures and counts. */
  writeErrors?: unknown;
  result?: unknown;
}

export type Response = { ok: true; value: unknown } | { ok: false; error: RemoteError };

export function encode(value: object): Buffer {
  return Buffer.from(BSON.serialize(value));
}

export function decode<T>(bytes: Uint8Array): T {
  return BSON.deserialize(bytes, { promoteLongs: false }) as T;
}
