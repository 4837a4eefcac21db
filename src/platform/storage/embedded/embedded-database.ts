import path from 'node:path';
import type { Collection, Database, Document, StorageLogger } from '../database.js';
import { EmbeddedCollection } from './embedded-collection.js';
import { Engine, type CompactionStep, type EngineStats } from './engine.js';

export type { CompactionStep, EngineStats } from './engine.js';

export interface EmbeddedDatabaseOptions {
  logger: StorageLogger;
  /** Appears in duplicate key messages (`collection: <dbName>.<collection>`). */
  dbName?: string;
  compaction?: {
    /** Compact by itself when the journal outgrows the live data (default true). */
    auto?: boolean;
    /** Never compact a journal smaller than this (default 16 MiB). */
    minJournalBytes?: number;
    /** Compact when the journal is this many times the live data (default 4). */
    ratio?: number;
  };
  /** Test hook: awaited at each step of a compaction, so crash tests can stop there. */
  onCompactionStep?: (step: CompactionStep) => void | Promise<void>;
}

/**
 * The embedded document engine: MongoDB semantics (through mingo) over in-memory collections,
 * made durable by an fsynced journal. For development, tests and demos, in one process; see
 * `docs` in the README for its limits. Production uses `MongoDatabase`.
 */
export class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;
  readonly #engine: Engine;
  readonly #collections = new Map<string, EmbeddedCollection>();

  private constructor(engine: Engine) {
    this.#engine = engine;
  }

  /**
   * Opens (or creates) the database in `dir`: takes the single-writer lock, loads the snapshot,
   * replays the journals and cuts a torn last record. Refuses a directory another live process
   * holds, naming its pid.
   */
  static async open(dir: string, options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const engine = await Engine.open(path.resolve(dir), {
      logger: options.logger,
      dbName: options.dbName ?? 'workmatch',
      compaction: {
        auto: options.compaction?.auto ?? true,
        minJournalBytes: options.compaction?.minJournalBytes ?? 16 * 1024 * 1024,
        ratio: options.compaction?.ratio ?? 4,
      },
      onCompactionStep: options.onCompactionStep,
    });
    return new EmbeddedDatabase(engine);
  }

  get dir(): string {
    return this.#engine.dir;
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new EmbeddedCollection(this.#engine, name);
      this.#collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    this.#engine.assertUsable();
  }

  /** Snapshot + fresh journal now, instead of waiting for the journal to outgrow the data. */
  compact(): Promise<void> {
    return this.#engine.compact();
  }

  stats(): EngineStats {
    return this.#engine.stats();
  }

  close(): Promise<void> {
    return this.#engine.close();
  }
}
