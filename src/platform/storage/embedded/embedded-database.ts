import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Collection, Database, Document, StorageLogger } from '../database.js';
import { EmbeddedServerError } from '../errors.js';
import { Catalog } from './catalog.js';
import { CollectionTables } from './collection-tables.js';
import { EmbeddedCollection } from './embedded-collection.js';
import type { EngineContext } from './engine-context.js';
import { checkIntegrity, type IntegrityReport } from './integrity.js';
import { importLegacyDirectory } from './legacy/legacy-import.js';
import { SqliteStore } from './sqlite-store.js';
import { TtlSweeper } from './ttl.js';

export type { IntegrityReport } from './integrity.js';

export interface EmbeddedDatabaseOptions {
  logger: StorageLogger;
  /** The file is `<dir>/<dbName>.sqlite`; also named in duplicate key messages. */
  dbName?: string;
  /**
   * `normal` (default): WAL with `synchronous=NORMAL`, every acknowledged write survives a
   * process crash. `full`: each commit is also synced to the disk, for power loss.
   */
  synchronous?: 'normal' | 'full';
  /** How long an operation waits for another process's lock before it fails (default 5 s). */
  busyTimeoutMs?: number;
  /** SQLite's page cache per connection (default 32 MiB); memory does not grow with the data. */
  cacheBytes?: number;
  /**
   * Decoded documents kept between operations, by their BSON size (default 8 MiB; 0 for none).
   * Dropped whenever another process has written, so it is never stale.
   */
  documentCacheBytes?: number;
  /** Files up to this size are checked (`PRAGMA quick_check`) at open (default 256 MiB). */
  checkOnOpenMaxBytes?: number;
  /** How often TTL indexes are swept (default 60 s, as MongoDB's TTL monitor); `0` never. */
  ttlSweepMs?: number;
}

export interface EmbeddedDatabaseStats {
  file: string;
  /** The database file and its write-ahead log, in bytes. */
  fileBytes: number;
  walBytes: number;
  /** Write transactions this connection committed (writes issued together share one). */
  commits: number;
}

/**
 * The embedded document engine: MongoDB semantics (filters, updates and aggregation through
 * mingo; indexes, the planner and TTL ours) on a SQLite file in WAL mode. Every process (API,
 * worker, CLI, tests) opens the file directly; SQLite's locks serialise their writes. For
 * development, tests and demos; production uses `MongoDatabase`. What it guarantees, its limits
 * and its files: README.md beside this file.
 */
export class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;
  readonly #context: EngineContext;
  readonly #logger: StorageLogger;
  readonly #collections = new Map<string, EmbeddedCollection>();
  readonly #ttl: TtlSweeper;

  private constructor(context: EngineContext, logger: StorageLogger, ttlSweepMs: number) {
    this.#context = context;
    this.#logger = logger;
    this.#ttl = new TtlSweeper(context, (name) => this.collection(name), logger, ttlSweepMs);
  }

  /**
   * Opens (or creates) `<dir>/<dbName>.sqlite`. A damaged file is refused with SQLite's
   * diagnosis. An engine directory of the previous format is imported once, then kept as a
   * backup beside the file.
   */
  static async open(dir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const started = performance.now();
    const dbName = options.dbName ?? 'workmatch';
    // MongoDB's rule for database names, which also keeps the file inside `dir`.
    if (!/^[^/\\. "$*<>:|?\0]{1,63}$/.test(dbName)) {
      throw new EmbeddedServerError(
        73,
        'InvalidNamespace',
        `Invalid database name: ${JSON.stringify(dbName)}`,
      );
    }
    const root = path.resolve(dir);
    await mkdir(root, { recursive: true });
    const store = await SqliteStore.open({
      file: path.join(root, `${dbName}.sqlite`),
      logger: options.logger,
      synchronous: options.synchronous ?? 'normal',
      busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
      cacheBytes: options.cacheBytes ?? 32 * 1024 * 1024,
      checkOnOpenMaxBytes: options.checkOnOpenMaxBytes ?? 256 * 1024 * 1024,
    });
    try {
      const catalog = new Catalog(store);
      const tables = new CollectionTables(
        store,
        catalog,
        dbName,
        options.documentCacheBytes ?? 8 * 1024 * 1024,
      );
      store.onExternalChange = () => {
        catalog.invalidate();
        tables.clearCache();
      };
      store.onRollback = () => {
        catalog.discard();
        tables.clearCache();
      };
      await store.write(() => catalog.ensureSchema());
      const context: EngineContext = { store, catalog, tables, dbName };
      await importLegacyDirectory(context, root, options.logger);
      const db = new EmbeddedDatabase(context, options.logger, options.ttlSweepMs ?? 60_000);
      options.logger.debug(
        { file: store.file, ms: Math.round(performance.now() - started) },
        'embedded database opened',
      );
      return db;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** The SQLite file. */
  get file(): string {
    return this.#context.store.file;
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection(this.#context, name);
      this.#collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  batch<R>(fn: () => Promise<R>): Promise<R> {
    return this.#context.store.batch(fn);
  }

  async ping(): Promise<void> {
    await this.#context.store.read(() => this.#context.catalog.refresh());
  }

  /** Deletes the documents every TTL index says have expired; returns how many. */
  sweepExpired(now = new Date()): Promise<number> {
    return this.#ttl.sweep(now);
  }

  /**
   * Rewrites the file without free pages (SQLite `VACUUM`) and truncates the write-ahead log;
   * returns the size of both before and after. Safe while other processes use the database:
   * their writes wait for it as for any writer (up to their busy timeout), reads go on.
   */
  async compact(): Promise<{ beforeBytes: number; afterBytes: number }> {
    const total = async () => {
      const { fileBytes, walBytes } = await this.stats();
      return fileBytes + walBytes;
    };
    const beforeBytes = await total();
    await this.#context.store.outsideTransaction(() => {
      this.#context.store.exec('VACUUM');
      this.#context.store.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
    });
    const afterBytes = await total();
    this.#logger.info({ file: this.file, beforeBytes, afterBytes }, 'embedded database compacted');
    return { beforeBytes, afterBytes };
  }

  /**
   * SQLite's `PRAGMA integrity_check`, every document's checksum, and every index against the
   * documents it should hold. Read only; other processes go on meanwhile.
   */
  check(): Promise<IntegrityReport> {
    return checkIntegrity(this.#context);
  }

  async stats(): Promise<EmbeddedDatabaseStats> {
    const size = (file: string) =>
      stat(file).then(
        (s) => s.size,
        () => 0,
      );
    return {
      file: this.file,
      fileBytes: await size(this.file),
      walBytes: await size(`${this.file}-wal`),
      commits: this.#context.store.commits,
    };
  }

  async close(): Promise<void> {
    this.#ttl.stop();
    await this.#context.store.close();
  }
}
