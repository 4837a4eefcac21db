import { AsyncLocalStorage } from 'node:async_hooks';
import { statSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StorageLogger } from '../database.js';
import { DatabaseCorruptError, DatabaseUnavailableError } from '../errors.js';

/** SQLite's primary result codes this layer tells apart (the low byte of an extended code). */
const SQLITE = { BUSY: 5, LOCKED: 6, CORRUPT: 11, NOTADB: 26, CONSTRAINT: 19 } as const;

/** Marks this file as ours (`PRAGMA application_id`): "WMDB". */
const APPLICATION_ID = 0x574d4442;

export interface SqliteStoreOptions {
  file: string;
  logger: StorageLogger;
  /**
   * `normal` (WAL, the default) keeps every acknowledged write through a process crash; `full`
   * also syncs each commit to the disk, for power loss.
   */
  synchronous: 'normal' | 'full';
  /** How long an operation waits for another process's lock before it fails as unavailable. */
  busyTimeoutMs: number;
  /** SQLite's page cache, per connection. */
  cacheBytes: number;
  /** Files up to this size get `PRAGMA quick_check` at open; larger ones are checked lazily. */
  checkOnOpenMaxBytes: number;
}

interface SqliteError extends Error {
  code: string;
  errcode: number;
  errstr: string;
}

function sqliteCode(error: unknown): number | undefined {
  const e = error as Partial<SqliteError> | null;
  return e && e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number'
    ? e.errcode & 0xff
    : undefined;
}

export const isConstraintError = (error: unknown) => sqliteCode(error) === SQLITE.CONSTRAINT;
const isBusy = (error: unknown) => {
  const code = sqliteCode(error);
  return code === SQLITE.BUSY || code === SQLITE.LOCKED;
};
const isCorruption = (error: unknown) => {
  const code = sqliteCode(error);
  return code === SQLITE.CORRUPT || code === SQLITE.NOTADB;
};

/**
 * Thrown by a write operation to keep the changes it made before failing (as the server keeps
 * the documents an `updateMany` changed before a duplicate key); the caller gets `cause`.
 */
export class KeepChanges extends Error {
  constructor(override readonly cause: unknown) {
    super('write failed after partial changes');
  }
}

interface QueuedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** An open batch: the async context it belongs to, and the failure that dooms it, if any. */
interface Batch {
  failure?: { error: unknown };
}

/** Which batch, if any, the running code belongs to (the callbacks and promises it started). */
const batchContext = new AsyncLocalStorage<Batch>();

/**
 * One SQLite connection: pragmas, prepared statements, and the two ways in: `read` (a read
 * transaction) and `write` (an immediate transaction). Both run their callback synchronously, so
 * nothing else in this process interleaves with it; another process's lock is waited for
 * asynchronously (SQLite's own busy handler would sleep inside the event loop).
 *
 * Writes issued in the same turn of the event loop share one transaction, each in its own
 * savepoint, and each is acknowledged only after the commit: group commit, which is what makes
 * concurrent single-document writes cheap. Each write stays atomic on its own.
 *
 * A batch (`batch`) holds one transaction open across the turns of an async function, for code
 * that writes one document at a time and reads in between (the migration's stages): its reads
 * and writes run inside it at once, each write in its own savepoint; it commits when the
 * function resolves and rolls back whole when it rejects. Which code belongs to the batch is
 * told by its async context (`AsyncLocalStorage`), so the code inside needs no handle. One
 * connection has one transaction: the rest of this process waits for the batch to end (reads
 * would otherwise see what may still roll back), and other processes read the last commit.
 */
export class SqliteStore {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #options: SqliteStoreOptions;
  readonly #statements = new Map<string, StatementSync>();
  #queue: QueuedWrite[] = [];
  #scheduled = false;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #commits = 0;
  /** Called when a transaction or savepoint rolls back (what is cached may be ahead of the file). */
  onRollback: () => void = () => undefined;
  /**
   * Called at the start of a transaction when another connection (process) has committed since
   * this one last looked (`PRAGMA data_version`): what this process cached may be stale.
   */
  onExternalChange: () => void = () => undefined;
  #dataVersion: number | undefined;
  /** The open batch, and a promise that settles when it ends. */
  #batch: Batch | undefined;
  #batchEnded: Promise<void> | undefined;

  private constructor(db: DatabaseSync, options: SqliteStoreOptions) {
    this.#db = db;
    this.file = options.file;
    this.#options = options;
  }

  /**
   * Opens (creating if needed) the file in WAL mode. A file that is not a database, is not ours,
   * or fails `PRAGMA quick_check` is refused with SQLite's own diagnosis, never repaired.
   */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(options.file, { timeout: 0, enableForeignKeyConstraints: false });
    } catch (error) {
      throw new DatabaseUnavailableError(
        `The embedded database file ${options.file} cannot be opened: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const store = new SqliteStore(db, options);
    try {
      await store.#retry(() => store.#configure());
      if (statSizeOf(options.file) <= options.checkOnOpenMaxBytes) {
        const answer = await store.#retry(() => store.integrityCheck('quick_check'));
        if (answer.join('\n') !== 'ok') throw store.corruption(answer.join('\n'));
      }
    } catch (error) {
      const failure =
        error instanceof DatabaseCorruptError || !isCorruption(error)
          ? error
          : store.#corruptionOf(error);
      db.close();
      throw failure;
    }
    return store;
  }

  #configure(): void {
    const appId = this.#db.prepare('PRAGMA application_id').get()!.application_id as number;
    const tables = this.#db.prepare('SELECT count(*) AS n FROM sqlite_schema').get()!.n as number;
    if (appId !== APPLICATION_ID && (appId !== 0 || tables > 0)) {
      throw new DatabaseUnavailableError(
        `${this.file} is a SQLite database of something else (application_id ${appId}), not a workmatch embedded database; refusing to touch it`,
      );
    }
    if (appId === 0) this.#db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    const mode = this.#db.prepare('PRAGMA journal_mode = WAL').get()!.journal_mode;
    if (mode !== 'wal') throw new Error(`${this.file}: WAL mode refused (${String(mode)})`);
    this.#db.exec(
      `PRAGMA synchronous = ${this.#options.synchronous.toUpperCase()};
       PRAGMA cache_size = ${-Math.max(1, Math.round(this.#options.cacheBytes / 1024))};
       PRAGMA temp_store = MEMORY;
       PRAGMA busy_timeout = 0;`,
    );
  }

  /** `PRAGMA integrity_check` (or `quick_check`): `['ok']` or one line per problem. */
  integrityCheck(pragma: 'integrity_check' | 'quick_check' = 'integrity_check'): string[] {
    return this.#db
      .prepare(`PRAGMA ${pragma}`)
      .all()
      .map((row) => String(Object.values(row)[0]));
  }

  corruption(answer: string): DatabaseCorruptError {
    return new DatabaseCorruptError(this.file, answer);
  }

  #corruptionOf(error: unknown): DatabaseCorruptError {
    let answer: string;
    try {
      answer = this.#db.isOpen ? this.integrityCheck().join('\n') : (error as Error).message;
    } catch (checkError) {
      answer = `${(error as Error).message}; integrity_check could not run: ${(checkError as Error).message}`;
    }
    return new DatabaseCorruptError(this.file, answer, { cause: error });
  }

  prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  /** Write transactions committed by this connection (with writes counted, how many per commit). */
  get commits(): number {
    return this.#commits;
  }

  assertOpen(): void {
    if (this.#closed)
      throw new DatabaseUnavailableError(`The embedded database ${this.file} is closed.`);
  }

  /** Runs `fn` in a read transaction: one consistent snapshot of the file. */
  read<R>(fn: () => R): Promise<R> {
    if (this.#batch) {
      if (batchContext.getStore() === this.#batch) return this.#inBatch(fn, false);
      return this.#batchEnded!.then(() => this.read(fn));
    }
    const attempt = () => {
      this.prepare('BEGIN').run();
      try {
        this.#noticeExternalChanges();
        return fn();
      } finally {
        this.prepare('COMMIT').run();
      }
    };
    // Readers rarely meet a lock in WAL mode: the first try runs without the retry loop's promises.
    try {
      this.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      return Promise.resolve(attempt());
    } catch (error) {
      if (this.#db.isTransaction) this.#rollback();
      if (!isBusy(error)) return Promise.reject(this.translate(error));
      return this.#retry(attempt);
    }
  }

  /** Runs `fn` in a write transaction shared with the other writes of this turn (see above). */
  write<R>(fn: () => R): Promise<R> {
    try {
      this.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#batch && batchContext.getStore() === this.#batch) return this.#inBatch(fn, true);
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    this.#queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
    this.#kick();
    return promise;
  }

  /**
   * Runs `fn` as one batch (see the class comment): resolves with its value once its writes are
   * committed; rejects with its failure (or the file's) once they are all rolled back. Inside a
   * batch already open in the same context, `fn` simply joins it.
   */
  async batch<R>(fn: () => Promise<R>): Promise<R> {
    if (this.#batch && batchContext.getStore() === this.#batch) return fn();
    await this.#transactionFree();
    const batch: Batch = {};
    const { promise: ended, resolve: end } = Promise.withResolvers<void>();
    await this.#retry(() => {
      this.prepare('BEGIN IMMEDIATE').run();
      this.#noticeExternalChanges();
      // In the same synchronous step as BEGIN: nothing else can take the connection between.
      this.#batch = batch;
      this.#batchEnded = ended;
    });
    try {
      const value = await batchContext.run(batch, fn);
      if (batch.failure) throw batch.failure.error;
      this.prepare('COMMIT').run();
      this.#commits++;
      return value;
    } catch (error) {
      this.#rollback();
      throw this.translate(error);
    } finally {
      this.#batch = undefined;
      this.#batchEnded = undefined;
      end();
      if (this.#queue.length > 0) this.#kick();
    }
  }

  /** Waits until no batch is open and no queued write is being committed or about to be. */
  async #transactionFree(): Promise<void> {
    for (;;) {
      this.assertOpen();
      if (this.#batch) await this.#batchEnded;
      else if (this.#flushing) await this.#flushing;
      else if (this.#scheduled || this.#queue.length > 0) {
        this.#kick();
        await new Promise((resolve) => setImmediate(resolve));
      } else return;
    }
  }

  /**
   * A read or a write of the open batch, at once, in its transaction (a write in its own
   * savepoint). The file failing dooms the batch: this and every later operation in it fail,
   * and it rolls back.
   */
  #inBatch<R>(fn: () => R, write: boolean): Promise<R> {
    const batch = this.#batch!;
    if (batch.failure) return Promise.reject(batch.failure.error);
    try {
      if (!write) return Promise.resolve(fn());
      const { promise, resolve, reject } = Promise.withResolvers<R>();
      this.#inSavepoint({ run: fn, resolve: resolve as (value: unknown) => void, reject })();
      return promise;
    } catch (error) {
      const failure = this.translate(error);
      if (sqliteCode(error) !== undefined && !isConstraintError(error))
        batch.failure = { error: failure };
      return Promise.reject(failure);
    }
  }

  /** Flushes the queue on the next turn (writes issued until then join the same transaction). */
  #kick(): void {
    if (this.#scheduled || this.#flushing || this.#batch) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // A batch opened meanwhile: its end flushes the queue.
      if (this.#batch) return;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        // Writes queued while the last commit was being acknowledged.
        if (this.#queue.length > 0) this.#kick();
      });
    });
  }

  /** Runs `fn` with no transaction open (VACUUM, checkpoints), once the lock is free. */
  async outsideTransaction<R>(fn: () => R): Promise<R> {
    if (this.#batch && batchContext.getStore() === this.#batch) {
      throw new Error('outsideTransaction called inside a batch, which holds a transaction');
    }
    await this.#transactionFree();
    return this.#retry(fn);
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0 && !this.#batch) {
      try {
        await this.#retry(() => this.#commitBatch());
      } catch (error) {
        // Not even the lock could be had (or the connection is gone): every queued write fails.
        for (const item of this.#queue.splice(0)) item.reject(error);
      }
    }
  }

  /** One immediate transaction over everything queued; throws (untouched queue) if busy. */
  #commitBatch(): void {
    this.prepare('BEGIN IMMEDIATE').run();
    const batch = this.#queue.splice(0);
    const settled: Array<() => void> = [];
    try {
      this.#noticeExternalChanges();
      if (batch.length === 1) {
        const item = batch[0]!;
        try {
          const value = item.run();
          settled.push(() => item.resolve(value));
        } catch (error) {
          if (!(error instanceof KeepChanges)) throw error;
          settled.push(() => item.reject(error.cause));
        }
      } else {
        for (const item of batch) settled.push(this.#inSavepoint(item));
      }
      this.prepare('COMMIT').run();
      this.#commits++;
    } catch (error) {
      this.#rollback();
      const failure = this.translate(error);
      for (const item of batch) item.reject(failure);
      return;
    }
    for (const settle of settled) settle();
  }

  /** In a transaction: tells `onExternalChange` if another connection committed meanwhile. */
  #noticeExternalChanges(): void {
    const version = this.prepare('PRAGMA data_version').get()!.data_version as number;
    if (version === this.#dataVersion) return;
    this.#dataVersion = version;
    this.onExternalChange();
  }

  /** Runs one write of a batch in a savepoint; its own failure undoes only its own changes. */
  #inSavepoint(item: QueuedWrite): () => void {
    this.prepare('SAVEPOINT op').run();
    try {
      const value = item.run();
      this.prepare('RELEASE op').run();
      return () => item.resolve(value);
    } catch (error) {
      if (error instanceof KeepChanges) {
        this.prepare('RELEASE op').run();
        return () => item.reject(error.cause);
      }
      // The file itself failing ends the whole transaction; a refused operation, only itself.
      if (sqliteCode(error) !== undefined && !isConstraintError(error)) throw error;
      this.prepare('ROLLBACK TO op').run();
      this.prepare('RELEASE op').run();
      this.onRollback();
      return () => item.reject(error);
    }
  }

  /**
   * A nested savepoint, for one part of a multi-document write (a document of an `updateMany`,
   * an operation of a `bulkWrite`): its failure undoes only that part (unless it says
   * `KeepChanges`).
   */
  savepoint<R>(fn: () => R): R {
    this.prepare('SAVEPOINT part').run();
    try {
      const value = fn();
      this.prepare('RELEASE part').run();
      return value;
    } catch (error) {
      if (error instanceof KeepChanges) {
        this.prepare('RELEASE part').run();
        throw error;
      }
      if (sqliteCode(error) !== undefined && !isConstraintError(error)) throw error;
      this.prepare('ROLLBACK TO part').run();
      this.prepare('RELEASE part').run();
      this.onRollback();
      throw error;
    }
  }

  #rollback(): void {
    try {
      if (this.#db.isTransaction) this.prepare('ROLLBACK').run();
    } finally {
      this.onRollback();
    }
  }

  /**
   * Runs `attempt` until it does not meet another process's lock, waiting asynchronously between
   * tries, for at most the busy timeout; then the database is unavailable (the HTTP layer: 503).
   */
  async #retry<R>(attempt: () => R): Promise<R> {
    let deadline = Date.now() + this.#options.busyTimeoutMs;
    let pause = 1;
    for (;;) {
      this.assertOpen();
      if (this.#batch && batchContext.getStore() !== this.#batch) {
        // A batch of this process opened while this waited for another process: its turn ends
        // first (it holds the connection's only transaction); that wait is not a lock's.
        await this.#batchEnded;
        deadline = Date.now() + this.#options.busyTimeoutMs;
        continue;
      }
      try {
        return attempt();
      } catch (error) {
        if (this.#db.isTransaction) this.#rollback();
        if (!isBusy(error)) throw this.translate(error);
        if (Date.now() >= deadline) {
          throw new DatabaseUnavailableError(
            `The embedded database ${this.file} stayed locked by another process for ${this.#options.busyTimeoutMs} ms.`,
            { cause: error },
          );
        }
        await sleep(pause);
        pause = Math.min(pause * 2, 25);
      }
    }
  }

  /** SQLite's failures as this layer's errors; anything else unchanged. */
  translate(error: unknown): unknown {
    if (error instanceof DatabaseCorruptError || error instanceof DatabaseUnavailableError)
      return error;
    if (isCorruption(error)) {
      return new DatabaseCorruptError(this.file, (error as Error).message, { cause: error });
    }
    const code = sqliteCode(error);
    if (code !== undefined && code !== SQLITE.CONSTRAINT) {
      return new DatabaseUnavailableError(
        `The embedded database ${this.file} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return error;
  }

  /** Lets queued writes finish, then closes the connection (SQLite checkpoints the WAL). */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#scheduled || this.#flushing || this.#batch) {
      await (this.#batchEnded ?? this.#flushing ?? new Promise((resolve) => setImmediate(resolve)));
    }
    this.#closed = true;
    this.#statements.clear();
    try {
      this.#db.close();
    } catch (error) {
      this.#options.logger.error(
        { file: this.file, err: error },
        'embedded database: closing failed',
      );
    }
  }
}

function statSizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
