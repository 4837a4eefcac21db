import {
  MongoBulkWriteError,
  MongoClient,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type AbstractCursor,
  type BulkWriteResult,
  type Collection as DriverCollection,
  type FindCursor as DriverFindCursor,
  type MongoClientOptions,
  type WriteError,
} from 'mongodb';
import type {
  AggregateCursor,
  AnyBulkWriteOperation,
  BulkWriteOptions,
  BulkWriteSummary,
  Collection,
  CountOptions,
  CreateIndexOptions,
  Database,
  DeleteResult,
  Document,
  Filter,
  FindCursor,
  FindOneAndDeleteOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexSpecification,
  InsertManyResult,
  QueryExplanation,
  InsertOneResult,
  OptionalUnlessRequiredId,
  ReplaceOptions,
  Sort,
  StorageLogger,
  UpdateFilter,
  UpdateOptions,
  UpdateResult,
  WithId,
  WithoutId,
} from './database.js';
import { BulkWriteError, DatabaseUnavailableError, type WriteErrorInfo } from './errors.js';

export interface MongoDatabaseConfig {
  uri: string;
  dbName: string;
  /** DocumentDB's CA bundle (`global-bundle.pem`); turns TLS on. */
  tlsCaFile: string | undefined;
  /** Credentials given apart from the URI, so that no secret sits in a connection string. */
  auth?: { username: string; password: string };
  appName?: string;
  /** How long an operation waits for a usable server before failing (default 3 s). */
  serverSelectionTimeoutMS?: number;
}

/**
 * Client options that DocumentDB 5.0 accepts. Options present in the URI win over these only
 * where the driver lets them (the URI is the operator's escape hatch).
 */
export function mongoClientOptions(config: MongoDatabaseConfig): MongoClientOptions {
  const options: MongoClientOptions = {
    appName: config.appName ?? 'workmatch',
    // DocumentDB has no retryable writes; our own retries are idempotent instead.
    retryWrites: false,
    // Fail fast (→ 503) rather than hold requests while the database is away; the driver keeps
    // monitoring and the next operation after it returns succeeds.
    serverSelectionTimeoutMS: config.serverSelectionTimeoutMS ?? 3_000,
    connectTimeoutMS: 5_000,
    // As the embedded engine does: `undefined` fields are stored as null.
    ignoreUndefined: false,
  };
  if (config.auth) options.auth = { ...config.auth };
  if (config.tlsCaFile) {
    options.tls = true;
    options.tlsCAFile = config.tlsCaFile;
  }
  return options;
}

/** Server codes that mean "not now" (failover, shutdown, unreachable), not "wrong request". */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoOperationTimeoutError ||
    (error instanceof MongoServerError &&
      typeof error.code === 'number' &&
      UNAVAILABLE_CODES.has(error.code))
  );
}

/**
 * The driver's errors as callers of `Collection` see them: unreachable → `DatabaseUnavailableError`;
 * a bulk failure → `BulkWriteError` (the same class the embedded engine throws; the driver's
 * `writeErrors` is sometimes one error, sometimes a list); anything else unchanged.
 */
export function translateError(error: unknown): unknown {
  if (isUnavailable(error)) {
    return new DatabaseUnavailableError(
      `The database cannot be reached: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof MongoBulkWriteError) {
    const list = Array.isArray(error.writeErrors)
      ? error.writeErrors
      : [error.writeErrors as WriteError];
    const writeErrors = list.map((w): WriteErrorInfo => {
      const raw = (w.err ?? {}) as Document;
      const info: WriteErrorInfo = { index: w.index, code: w.code, errmsg: w.errmsg ?? '' };
      if (raw.keyPattern) info.keyPattern = raw.keyPattern as Document;
      if (raw.keyValue) info.keyValue = raw.keyValue as Document;
      return info;
    });
    if (writeErrors.length === 0) return error;
    const translated = new BulkWriteError(writeErrors, summaryOf(error.result));
    return Object.assign(translated, { cause: error });
  }
  return error;
}

function summaryOf(result: BulkWriteResult): BulkWriteSummary {
  return {
    insertedCount: result.insertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
    upsertedCount: result.upsertedCount,
    insertedIds: { ...result.insertedIds },
    upsertedIds: { ...result.upsertedIds },
  };
}

async function guard<R>(run: () => Promise<R>): Promise<R> {
  try {
    return await run();
  } catch (error) {
    throw translateError(error);
  }
}

/** What both cursor kinds share: reading, with driver errors translated, and closing. */
class MongoCursor<T> implements AggregateCursor<T> {
  constructor(protected readonly cursor: AbstractCursor<T>) {}

  toArray(): Promise<T[]> {
    return guard(() => this.cursor.toArray());
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    try {
      for await (const doc of this.cursor) yield doc;
    } catch (error) {
      throw translateError(error);
    }
  }

  close(): Promise<void> {
    return this.cursor.close();
  }
}

class MongoFindCursor<T> extends MongoCursor<T> implements FindCursor<T> {
  constructor(protected override readonly cursor: DriverFindCursor<T>) {
    super(cursor);
  }

  sort(sort: Sort): FindCursor<T> {
    this.cursor.sort(sort);
    return this;
  }

  skip(count: number): FindCursor<T> {
    this.cursor.skip(count);
    return this;
  }

  limit(count: number): FindCursor<T> {
    this.cursor.limit(count);
    return this;
  }

  project<R extends Document = Document>(projection: Document): FindCursor<R> {
    return new MongoFindCursor<R>(this.cursor.project<R>(projection));
  }

  explain(): Promise<QueryExplanation> {
    return guard(async () => summarizeExplain(await this.cursor.explain('executionStats')));
  }
}

/** The stages of an explain plan, outermost first (classic and slot-based engine shapes). */
function planStages(plan: Document | undefined): Document[] {
  if (!plan) return [];
  const inner = [plan.queryPlan, plan.inputStage, plan.innerStage, plan.outerStage]
    .concat(Array.isArray(plan.inputStages) ? plan.inputStages : [])
    .filter((p): p is Document => typeof p === 'object' && p !== null);
  return [...(typeof plan.stage === 'string' ? [plan] : []), ...inner.flatMap(planStages)];
}

/** The driver's `explain('executionStats')` answer, as the storage layer reports it. */
export function summarizeExplain(explained: Document): QueryExplanation {
  const stats = (explained.executionStats ?? {}) as Document;
  const stages = planStages((explained.queryPlanner as Document | undefined)?.winningPlan);
  const names = stages.map((s) => String(s.stage));
  const scan = stages.find((s) => /IXSCAN|IDHACK/.test(String(s.stage)));
  const byId =
    names.some((n) => n.includes('IDHACK')) ||
    (scan !== undefined && String(scan.stage).startsWith('EXPRESS') && scan.indexName === '_id_');
  return {
    stage: byId ? 'IDHACK' : scan ? 'IXSCAN' : 'COLLSCAN',
    indexName: byId ? '_id_' : (scan?.indexName as string | undefined),
    sortedInMemory: names.some((n) => n === 'SORT' || n.endsWith('_SORT')),
    keysExamined: Number(stats.totalKeysExamined ?? 0),
    docsExamined: Number(stats.totalDocsExamined ?? 0),
    returned: Number(stats.nReturned ?? 0),
  };
}

class MongoCollection<T extends Document> implements Collection<T> {
  readonly #c: DriverCollection<T>;

  constructor(collection: DriverCollection<T>) {
    this.#c = collection;
  }

  get collectionName(): string {
    return this.#c.collectionName;
  }

  insertOne(doc: OptionalUnlessRequiredId<T>): Promise<InsertOneResult<T>> {
    return guard(() => this.#c.insertOne(doc));
  }

  insertMany(
    docs: readonly OptionalUnlessRequiredId<T>[],
    options: BulkWriteOptions = {},
  ): Promise<InsertManyResult<T>> {
    return guard(() => this.#c.insertMany(docs, options));
  }

  findOne(filter: Filter<T> = {}, options: FindOptions = {}): Promise<WithId<T> | null> {
    return guard(() => this.#c.findOne(filter, options));
  }

  find(filter: Filter<T> = {}, options: FindOptions = {}): FindCursor<WithId<T>> {
    return new MongoFindCursor(this.#c.find(filter, options));
  }

  countDocuments(filter: Filter<T> = {}, options: CountOptions = {}): Promise<number> {
    return guard(() => this.#c.countDocuments(filter, options));
  }

  distinct(key: string, filter: Filter<T> = {}): Promise<never[]> {
    return guard(() => this.#c.distinct(key, filter) as Promise<never[]>);
  }

  aggregate<R extends Document = Document>(pipeline: Document[]): AggregateCursor<R> {
    return new MongoCursor(this.#c.aggregate<R>(pipeline));
  }

  updateOne(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<T>> {
    return guard(() => this.#c.updateOne(filter, update, options));
  }

  updateMany(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<T>> {
    return guard(() => this.#c.updateMany(filter, update, options));
  }

  replaceOne(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options: ReplaceOptions = {},
  ): Promise<UpdateResult<T>> {
    return guard(
      () => this.#c.replaceOne(filter, replacement, options) as Promise<UpdateResult<T>>,
    );
  }

  findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: FindOneAndUpdateOptions = {},
  ): Promise<WithId<T> | null> {
    return guard(() => this.#c.findOneAndUpdate(filter, update, options));
  }

  findOneAndDelete(
    filter: Filter<T>,
    options: FindOneAndDeleteOptions = {},
  ): Promise<WithId<T> | null> {
    return guard(() => this.#c.findOneAndDelete(filter, options));
  }

  deleteOne(filter: Filter<T>): Promise<DeleteResult> {
    return guard(() => this.#c.deleteOne(filter));
  }

  deleteMany(filter: Filter<T>): Promise<DeleteResult> {
    return guard(() => this.#c.deleteMany(filter));
  }

  bulkWrite(
    operations: readonly AnyBulkWriteOperation<T>[],
    options: BulkWriteOptions = {},
  ): Promise<BulkWriteSummary> {
    return guard(async () => summaryOf(await this.#c.bulkWrite(operations, options)));
  }

  createIndex(spec: IndexSpecification, options: CreateIndexOptions = {}): Promise<string> {
    return guard(() => this.#c.createIndex(spec, options));
  }

  dropIndex(name: string): Promise<void> {
    return guard(async () => {
      try {
        await this.#c.dropIndex(name);
      } catch (error) {
        // IndexNotFound (27) and NamespaceNotFound (26): already gone, as the port promises.
        const code = (error as { code?: unknown }).code;
        if (code !== 27 && code !== 26) throw error;
      }
    });
  }
}

/** The official driver, configured for Amazon DocumentDB 5.0 (and any MongoDB). */
export class MongoDatabase implements Database {
  readonly kind = 'mongodb' as const;
  readonly #client: MongoClient;
  readonly #dbName: string;

  private constructor(client: MongoClient, dbName: string) {
    this.#client = client;
    this.#dbName = dbName;
  }

  /**
   * Creates the client and tries to connect. An unreachable server does not fail the start: the
   * process comes up, readiness reports 503, and the driver connects once the server answers.
   * A malformed URI or bad credentials do fail it.
   */
  static async connect(config: MongoDatabaseConfig, logger: StorageLogger): Promise<MongoDatabase> {
    const client = new MongoClient(config.uri, mongoClientOptions(config));
    try {
      await client.connect();
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      logger.warn(
        { err: error, dbName: config.dbName },
        'MongoDB is not reachable yet; starting anyway and connecting when it answers',
      );
    }
    return new MongoDatabase(client, config.dbName);
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    return new MongoCollection<T>(this.#client.db(this.#dbName).collection<T>(name));
  }

  /** Each write commits on its own (see `Database.batch`): a server transaction saves no round trip. */
  batch<R>(fn: () => Promise<R>): Promise<R> {
    return fn();
  }

  async ping(): Promise<void> {
    await guard(() => this.#client.db(this.#dbName).command({ ping: 1 }));
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}
