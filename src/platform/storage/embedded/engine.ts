import { mkdir, open, readFile, rename, stat, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Document, StorageLogger } from '../database.js';
import { DatabaseUnavailableError } from '../errors.js';
import { CollectionStore } from './collection-store.js';
import { copyValue } from './documents.js';
import { decodeDocument, encodeValue } from './ejson-codec.js';
import {
  SNAPSHOT_FILE,
  SNAPSHOT_TEMP_FILE,
  fsyncDirectory,
  journalFileName,
  listJournals,
  removeTempFiles,
} from './files.js';
import { valueKey, type IndexDefinition } from './index-keys.js';
import { JournalWriter, scanFrames } from './journal.js';
import { acquireLock, type DirectoryLock } from './lock-file.js';
import { readSnapshot, writeSnapshot, type SnapshotImage } from './snapshot.js';

/** The points a compaction passes; crash tests stop a compaction at each. */
export type CompactionStep = 'journal-rotated' | 'snapshot-written' | 'snapshot-installed';

export interface EngineOptions {
  logger: StorageLogger;
  dbName: string;
  compaction: {
    /** Compact by itself when the journal outgrows the live data (default true). */
    auto: boolean;
    /** Never compact a journal smaller than this. */
    minJournalBytes: number;
    /** Compact when the journal exceeds this many times the live data. */
    ratio: number;
  };
  /** Test hook, awaited at each compaction step. */
  onCompactionStep: ((step: CompactionStep) => void | Promise<void>) | undefined;
}

/** The journal record of one write operation, built while the operation applies its changes. */
export class WriteBatch {
  readonly ops: string[] = [];

  put(store: CollectionStore, doc: Document, text: string = encodeValue(doc)): void {
    store.put(doc, text.length);
    this.ops.push(`{"c":${JSON.stringify(store.name)},"put":${text}}`);
  }

  remove(store: CollectionStore, id: unknown): boolean {
    if (!store.remove(valueKey(id))) return false;
    this.ops.push(`{"c":${JSON.stringify(store.name)},"del":${encodeValue(id)}}`);
    return true;
  }

  index(store: CollectionStore, def: IndexDefinition): void {
    if (store.addIndex(def))
      this.ops.push(`{"c":${JSON.stringify(store.name)},"index":${encodeValue(def)}}`);
  }
}

export interface EngineStats {
  collections: number;
  documents: number;
  /** Size of the live documents in their journal encoding. */
  liveBytes: number;
  /** Size of the journals a reopen replays. */
  journalBytes: number;
  generation: number;
  syncs: number;
}

/**
 * State, journal and files of one embedded database. Writes are serialised by construction:
 * each operation computes and applies its changes synchronously, in one turn of the event loop,
 * and hands the journal one record; it is acknowledged once that record is synced. Reads never
 * wait for the disk.
 */
export class Engine {
  readonly dir: string;
  readonly dbName: string;
  readonly #options: EngineOptions;
  readonly #logger: StorageLogger;
  readonly #stores = new Map<string, CollectionStore>();
  readonly #lock: DirectoryLock;
  #writer!: JournalWriter;
  /** Generation of the journal being appended to. */
  #generation = 1;
  /** Bytes of older journals a reopen still replays (before the next snapshot covers them). */
  #retiredBytes = 0;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  #failure: Error | undefined;
  #compacting: Promise<void> | undefined;

  private constructor(dir: string, options: EngineOptions, lock: DirectoryLock) {
    this.dir = dir;
    this.dbName = options.dbName;
    this.#options = options;
    this.#logger = options.logger;
    this.#lock = lock;
  }

  static async open(dir: string, options: EngineOptions): Promise<Engine> {
    const started = performance.now();
    await mkdir(dir, { recursive: true });
    const lock = await acquireLock(dir, options.logger);
    try {
      const engine = new Engine(dir, options, lock);
      await engine.#recover();
      options.logger.info(
        { dir, ...engine.stats(), ms: Math.round(performance.now() - started) },
        'embedded database opened',
      );
      return engine;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  async #recover(): Promise<void> {
    await removeTempFiles(this.dir, this.#logger);
    const snapshot = await readSnapshot(path.join(this.dir, SNAPSHOT_FILE));
    const base = snapshot?.generation ?? 1;
    for (const collection of snapshot?.collections ?? []) {
      const store = this.storeForWrite(collection.name);
      for (const def of collection.indexes) store.addIndex(def);
      for (const { doc, bytes } of collection.docs) store.put(doc, bytes);
    }

    const journals = await listJournals(this.dir);
    for (const old of journals.filter((j) => j.generation < base)) {
      // A compaction installed its snapshot but stopped before deleting what it covers.
      this.#logger.info(
        { file: old.path },
        'embedded database: removing a journal the snapshot covers',
      );
      await unlink(old.path);
    }
    const live = journals.filter((j) => j.generation >= base);
    let replayedBytes = 0;
    for (const [i, journal] of live.entries()) {
      if (journal.generation !== base + i) {
        throw new Error(`Embedded database ${this.dir}: journal generation ${base + i} is missing`);
      }
      const data = await readFile(journal.path);
      const scan = scanFrames(data, (payload) => this.#replay(payload));
      if (scan.problem) {
        if (i < live.length - 1) {
          throw new Error(
            `Embedded database ${this.dir}: ${path.basename(journal.path)} is damaged (${scan.problem}) ` +
              'although later journals exist; this is not a crash the engine can repair. Restore a backup or move the directory aside.',
          );
        }
        this.#logger.warn(
          {
            file: journal.path,
            problem: scan.problem,
            keptBytes: scan.validBytes,
            droppedBytes: data.length - scan.validBytes,
          },
          'embedded database: the journal ends with an incomplete write (a crash during a write); truncating it to the last complete one',
        );
        await truncate(journal.path, scan.validBytes);
        const handle = await open(journal.path, 'r+');
        await handle.sync();
        await handle.close();
      }
      replayedBytes += scan.validBytes;
    }

    this.#generation = live.at(-1)?.generation ?? base;
    const current = path.join(this.dir, journalFileName(this.#generation));
    const handle = await open(current, 'a');
    if (live.length === 0) await fsyncDirectory(this.dir);
    const { size } = await stat(current);
    this.#writer = new JournalWriter(handle, size);
    this.#retiredBytes = replayedBytes - size;
  }

  #replay(payload: string): void {
    const record = decodeDocument(payload) as { ops: Document[] };
    const bytes = Math.ceil(payload.length / Math.max(record.ops.length, 1));
    for (const op of record.ops) {
      const store = this.storeForWrite(op.c as string);
      if ('put' in op) store.put(op.put as Document, bytes);
      else if ('del' in op) store.remove(valueKey(op.del));
      else if ('index' in op) store.addIndex(op.index as IndexDefinition);
      else
        throw new Error(
          `Embedded database ${this.dir}: unknown journal operation ${Object.keys(op).join(',')}`,
        );
    }
  }

  store(name: string): CollectionStore | undefined {
    return this.#stores.get(name);
  }

  storeForWrite(name: string): CollectionStore {
    let store = this.#stores.get(name);
    if (!store) {
      store = new CollectionStore(this.dbName, name);
      this.#stores.set(name, store);
    }
    return store;
  }

  /** For `$lookup`: copies, since mingo may write into the documents it joins. */
  readonly resolveCollection = (name: string): Document[] => {
    const store = this.#stores.get(name);
    return store ? Array.from(store.docs.values(), (s) => copyValue(s.doc)) : [];
  };

  assertUsable(): void {
    if (this.#failure) {
      throw new DatabaseUnavailableError(
        `The embedded database at ${this.dir} stopped after a journal write failed; reopen it.`,
        { cause: this.#failure },
      );
    }
    if (this.#state !== 'open')
      throw new DatabaseUnavailableError(`The embedded database at ${this.dir} is closed.`);
  }

  /**
   * Journals the changes an operation applied (nothing to do if none) and resolves once they are
   * durable. A failed journal write stops the engine: memory is then ahead of the disk, so it
   * refuses every further operation until reopened from the journal.
   */
  async commit(batch: WriteBatch): Promise<void> {
    if (batch.ops.length === 0) return;
    const durable = this.#writer.append(`{"ops":[${batch.ops.join(',')}]}`);
    this.#maybeCompact();
    try {
      await durable;
    } catch (error) {
      if (!this.#failure) {
        this.#failure = error as Error;
        this.#logger.error(
          { dir: this.dir, err: error },
          'embedded database: journal write failed; refusing further operations',
        );
      }
      throw new DatabaseUnavailableError(
        `The embedded database at ${this.dir} could not write its journal.`,
        {
          cause: error,
        },
      );
    }
  }

  stats(): EngineStats {
    let documents = 0;
    let liveBytes = 0;
    for (const store of this.#stores.values()) {
      documents += store.docs.size;
      liveBytes += store.liveBytes;
    }
    return {
      collections: this.#stores.size,
      documents,
      liveBytes,
      journalBytes: this.#retiredBytes + (this.#writer?.bytes ?? 0),
      generation: this.#generation,
      syncs: this.#writer?.syncs ?? 0,
    };
  }

  #maybeCompact(): void {
    const { auto, minJournalBytes, ratio } = this.#options.compaction;
    if (!auto || this.#compacting || this.#state !== 'open') return;
    const { journalBytes, liveBytes } = this.stats();
    if (journalBytes < minJournalBytes || journalBytes <= ratio * liveBytes) return;
    this.compact().catch((error: unknown) => {
      this.#logger.error(
        { dir: this.dir, err: error },
        'embedded database: compaction failed; the journal keeps growing',
      );
    });
  }

  /**
   * Writes the live state as a new snapshot with a fresh journal and drops the old journals.
   * Order, so that a crash anywhere leaves a state that reopens completely:
   * 1. create journal G+1 and switch writes to it at the instant the image is taken;
   * 2. write the image to `snapshot.wmdb.tmp` and sync it (a leftover `.tmp` is ignored);
   * 3. rename it over `snapshot.wmdb` and sync the directory: the commit point;
   * 4. delete journals older than G+1 (leftovers are deleted on open).
   * Before step 3, reopen reads the old snapshot and replays journals G and G+1; after it, the
   * new snapshot and journal G+1. Writes go on throughout.
   */
  compact(): Promise<void> {
    this.assertUsable();
    this.#compacting ??= this.#compact().finally(() => {
      this.#compacting = undefined;
    });
    return this.#compacting;
  }

  async #compact(): Promise<void> {
    const started = performance.now();
    const step = this.#options.onCompactionStep ?? (() => undefined);
    const generation = this.#generation + 1;
    const nextFile = path.join(this.dir, journalFileName(generation));
    const next = await open(nextFile, 'wx');
    await fsyncDirectory(this.dir);
    this.assertUsable();

    // The instant of the image: from here on, every record goes to journal G+1.
    const image = this.#image(generation);
    const switched = this.#writer.switchTo(next);
    this.#generation = generation;
    const previousBytes = await switched;
    this.#retiredBytes += previousBytes;
    await step('journal-rotated');

    const temp = path.join(this.dir, SNAPSHOT_TEMP_FILE);
    const snapshotBytes = await writeSnapshot(temp, image);
    await step('snapshot-written');

    await rename(temp, path.join(this.dir, SNAPSHOT_FILE));
    await fsyncDirectory(this.dir);
    this.#retiredBytes = 0;
    await step('snapshot-installed');

    for (const old of await listJournals(this.dir)) {
      if (old.generation < generation) await unlink(old.path);
    }
    await fsyncDirectory(this.dir);
    this.#logger.info(
      {
        dir: this.dir,
        generation,
        snapshotBytes,
        documents: this.stats().documents,
        ms: Math.round(performance.now() - started),
      },
      'embedded database compacted',
    );
  }

  #image(generation: number): SnapshotImage {
    const collections = [...this.#stores.values()]
      .filter((s) => s.docs.size > 0 || s.indexDefinitions.length > 0)
      .map((s) => ({
        name: s.name,
        indexes: s.indexDefinitions,
        docs: Array.from(s.docs.values(), (d) => d.doc),
      }));
    return { generation, collections };
  }

  /** Waits for pending writes and a running compaction, then releases the directory. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#state = 'closing';
    this.#closing = (async () => {
      await this.#compacting?.catch(() => undefined);
      await this.#writer.close().catch((error: unknown) => {
        this.#logger.error(
          { dir: this.dir, err: error },
          'embedded database: closing the journal failed',
        );
      });
      await this.#lock.release();
      this.#state = 'closed';
    })();
    return this.#closing;
  }
}
