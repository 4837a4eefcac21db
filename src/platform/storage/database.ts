import type {
  AnyBulkWriteOperation,
  DeleteResult,
  Document,
  Filter,
  Flatten,
  IndexSpecification,
  InsertManyResult,
  InsertOneResult,
  OptionalUnlessRequiredId,
  Sort,
  UpdateFilter,
  UpdateResult,
  WithId,
  WithoutId,
} from 'mongodb';

/**
 * The one door to the database. Repositories use these types only; `MongoDatabase` (the official
 * driver, DocumentDB in production) and `EmbeddedDatabase` (local and tests) implement them with
 * the driver's own semantics, so code written against one runs unchanged on the other.
 *
 * The surface is deliberately a subset of the driver's `Collection`: what DocumentDB 5.0 supports
 * and the embedded engine implements. Growing it means implementing it twice and adding a case to
 * the contract suite (`test/storage/contract.ts`).
 */

export type {
  AnyBulkWriteOperation,
  DeleteResult,
  Document,
  Filter,
  IndexSpecification,
  InsertManyResult,
  InsertOneResult,
  OptionalUnlessRequiredId,
  Sort,
  UpdateFilter,
  UpdateResult,
  WithId,
  WithoutId,
} from 'mongodb';
export type { ObjectId } from 'bson';

type DatabaseKind = 'mongodb' | 'embedded';

/** What storage logs through; a pino logger fits. */
export interface StorageLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Database {
  readonly kind: DatabaseKind;
  collection<T extends Document = Document>(name: string): Collection<T>;
  /**
   * Runs `fn`, letting the engine commit the writes it makes (in its async context) together,
   * for code that writes many documents one at a time. On the embedded engine they are one
   * transaction: they commit when `fn` resolves, all roll back when it rejects, and the rest of
   * the process waits meanwhile. On MongoDB each write commits on its own, as outside a batch.
   * So callers must be idempotent, treat the batch as done only once this resolves, and never
   * rely on all-or-nothing; keep batches short.
   */
  batch<R>(fn: () => Promise<R>): Promise<R>;
  /** Resolves when the database answers; rejects with `DatabaseUnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface FindOptions {
  sort?: Sort;
  skip?: number;
  limit?: number;
  projection?: Document;
}

export interface UpdateOptions {
  upsert?: boolean;
  arrayFilters?: Document[];
}

export interface ReplaceOptions {
  upsert?: boolean;
}

export interface FindOneAndUpdateOptions {
  /** `before` (the driver's default) or `after` the update. */
  returnDocument?: 'before' | 'after';
  upsert?: boolean;
  sort?: Sort;
  projection?: Document;
  arrayFilters?: Document[];
}

export interface FindOneAndDeleteOptions {
  sort?: Sort;
  projection?: Document;
}

export interface CountOptions {
  skip?: number;
  limit?: number;
}

export interface BulkWriteOptions {
  /** `true` (the default) stops at the first failed operation; `false` attempts every one. */
  ordered?: boolean;
}

export interface CreateIndexOptions {
  name?: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  /**
   * TTL: documents whose (date) field is older than this many seconds are deleted by a periodic
   * sweep (MongoDB's TTL monitor runs every 60 s; the embedded engine's sweep, by default, too).
   */
  expireAfterSeconds?: number;
}

/** The counters of the driver's `BulkWriteResult`, without its methods. */
export interface BulkWriteSummary {
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  /** Operation index → `_id` of the inserted document. */
  insertedIds: Record<number, unknown>;
  /** Operation index → `_id` of the upserted document. */
  upsertedIds: Record<number, unknown>;
}

/**
 * How a find was answered, from the driver's `explain('executionStats')` or the embedded
 * planner: enough to tell an index-served query from a scan, and what it read.
 */
export interface QueryExplanation {
  /** `IDHACK`: by `_id`; `IXSCAN`: through an index; `COLLSCAN`: every document. */
  stage: 'IDHACK' | 'IXSCAN' | 'COLLSCAN';
  indexName: string | undefined;
  /** The documents were sorted after reading (no index gave the order). */
  sortedInMemory: boolean;
  keysExamined: number;
  docsExamined: number;
  returned: number;
}

/** Lazy like the driver's: nothing runs until `toArray()` or iteration. */
export interface FindCursor<T> extends AsyncIterable<T> {
  sort(sort: Sort): FindCursor<T>;
  skip(count: number): FindCursor<T>;
  limit(count: number): FindCursor<T>;
  project<R extends Document = Document>(projection: Document): FindCursor<R>;
  toArray(): Promise<T[]>;
  /** Runs the query and says how it was answered (the results are not returned). */
  explain(): Promise<QueryExplanation>;
  close(): Promise<void>;
}

export interface AggregateCursor<T> extends AsyncIterable<T> {
  toArray(): Promise<T[]>;
  close(): Promise<void>;
}

export interface Collection<T extends Document = Document> {
  readonly collectionName: string;

  /** Like the driver, assigns a new `ObjectId` to `doc._id` when it has none. */
  insertOne(doc: OptionalUnlessRequiredId<T>): Promise<InsertOneResult<T>>;
  insertMany(
    docs: readonly OptionalUnlessRequiredId<T>[],
    options?: BulkWriteOptions,
  ): Promise<InsertManyResult<T>>;

  findOne(filter?: Filter<T>, options?: FindOptions): Promise<WithId<T> | null>;
  findOne<R extends Document>(filter: Filter<T>, options?: FindOptions): Promise<R | null>;
  find(filter?: Filter<T>, options?: FindOptions): FindCursor<WithId<T>>;
  find<R extends Document>(filter: Filter<T>, options?: FindOptions): FindCursor<R>;
  countDocuments(filter?: Filter<T>, options?: CountOptions): Promise<number>;
  distinct<K extends keyof WithId<T> & string>(
    key: K,
    filter?: Filter<T>,
  ): Promise<Array<Flatten<WithId<T>[K]>>>;
  distinct(key: string, filter?: Filter<T>): Promise<unknown[]>;
  aggregate<R extends Document = Document>(pipeline: Document[]): AggregateCursor<R>;

  updateOne(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options?: UpdateOptions,
  ): Promise<UpdateResult<T>>;
  updateMany(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options?: UpdateOptions,
  ): Promise<UpdateResult<T>>;
  replaceOne(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options?: ReplaceOptions,
  ): Promise<UpdateResult<T>>;
  findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options?: FindOneAndUpdateOptions,
  ): Promise<WithId<T> | null>;
  findOneAndDelete(filter: Filter<T>, options?: FindOneAndDeleteOptions): Promise<WithId<T> | null>;
  deleteOne(filter: Filter<T>): Promise<DeleteResult>;
  deleteMany(filter: Filter<T>): Promise<DeleteResult>;
  bulkWrite(
    operations: readonly AnyBulkWriteOperation<T>[],
    options?: BulkWriteOptions,
  ): Promise<BulkWriteSummary>;

  /** Returns the index name; creating an identical index again is a no-op, as on the server. */
  createIndex(spec: IndexSpecification, options?: CreateIndexOptions): Promise<string>;

  /**
   * Removes the named index. One that does not exist (or a collection that does not) is no
   * error, so a schema migration that replaces an index runs again safely; `_id_` is refused.
   */
  dropIndex(name: string): Promise<void>;
}
