import { crc32 } from 'node:zlib';
import { BSON } from 'bson';
import { LRUCache } from 'lru-cache';
import type { Document } from '../database.js';
import { DuplicateKeyError } from '../errors.js';
import type { Catalog, CollectionMeta, IndexMeta } from './catalog.js';
import {
  ID_INDEX_NAME,
  indexEntries,
  keyPatternOf,
  keyValueOf,
  type IndexEntry,
} from './index-keys.js';
import { encodeComponent } from './key-encoding.js';
import { ESTIMATE_CAP, type Plan } from './planner.js';
import { isConstraintError, type SqliteStore } from './sqlite-store.js';

/** Index entries read per statement by a covered read. */
const KEY_PAGE = 2000;

/** A document read from its table: its row id (what index entries point at) and its value. */
export interface StoredDocument {
  rid: number;
  doc: Document;
}

export interface ScanCounters {
  keysExamined: number;
  docsExamined: number;
}

/**
 * The rows behind a collection: its documents table and one entries table per index, kept in
 * step by every write. Runs inside the store's transactions; never starts one.
 */
/** How many documents of one index scan go into the cache (see `scan`). */
const REMEMBERED_PER_SCAN = 64;

export class CollectionTables {
  readonly #store: SqliteStore;
  readonly #catalog: Catalog;
  readonly #dbName: string;
  /**
   * Decoded documents by table and row id, bounded by their BSON size. Never handed out (callers
   * get copies). Correct across processes because the store clears it whenever another
   * connection has committed (`PRAGMA data_version`) or a transaction rolls back, and this
   * connection's own writes update it.
   */
  readonly #cache: LRUCache<string, Document> | undefined;

  constructor(store: SqliteStore, catalog: Catalog, dbName: string, cacheBytes: number) {
    this.#store = store;
    this.#catalog = catalog;
    this.#dbName = dbName;
    this.#cache = cacheBytes > 0 ? new LRUCache({ maxSize: cacheBytes }) : undefined;
  }

  clearCache(): void {
    this.#cache?.clear();
  }

  #remember(collection: CollectionMeta, rid: number, doc: Document, bytes: number): void {
    this.#cache?.set(`${collection.table}:${rid}`, doc, { size: Math.max(1, bytes) });
  }

  #cached(collection: CollectionMeta, rid: number): Document | undefined {
    return this.#cache?.get(`${collection.table}:${rid}`);
  }

  /** Decodes a stored BSON document after checking its checksum (a flipped bit is refused). */
  decode(collection: CollectionMeta, rid: number, bytes: Uint8Array, sum: number): Document {
    if (crc32(bytes) !== sum) {
      throw this.#store.corruption(
        `document rid ${rid} of collection ${collection.name} fails its checksum`,
      );
    }
    try {
      return BSON.deserialize(bytes);
    } catch (error) {
      throw this.#store.corruption(
        `document rid ${rid} of collection ${collection.name} is not valid BSON (${(error as Error).message})`,
      );
    }
  }

  count(collection: CollectionMeta): number {
    return this.#store.prepare(`SELECT count(*) AS n FROM ${collection.table}`).get()!.n as number;
  }

  /**
   * Every document, in natural (insertion) order. A scan uses cached documents but does not
   * fill the cache (it would push out what is read often).
   */
  *all(collection: CollectionMeta): Generator<StoredDocument> {
    const rows = this.#store.prepare(
      `SELECT rid, sum, doc FROM ${collection.table} ORDER BY rid -- rows as arrays`,
    );
    // Arrays, not objects: a scan reads every row, and naming each row's columns shows.
    rows.setReturnArrays(true);
    const cache = this.#cache && this.#cache.size > 0 ? this.#cache : undefined;
    for (const row of rows.iterate() as Iterable<unknown[]>) {
      const rid = row[0] as number;
      yield {
        rid,
        doc:
          cache?.get(`${collection.table}:${rid}`) ??
          this.decode(collection, rid, row[2] as Uint8Array, row[1] as number),
      };
    }
  }

  /**
   * The documents a plan's intervals reach, in key order (or reversed), each once: the index
   * gives row ids, the documents come from the cache or their table.
   */
  *scan(collection: CollectionMeta, plan: Plan, counters: ScanCounters): Generator<StoredDocument> {
    if (plan.stage === 'COLLSCAN') {
      for (const stored of this.all(collection)) {
        counters.docsExamined++;
        yield stored;
      }
      return;
    }
    const seen = plan.dedupe ? new Set<number>() : undefined;
    const order = plan.reverse ? 'DESC' : 'ASC';
    // Index entry and document in one statement, stepped once per row: reading row ids and then
    // each document by its own statement cost a statement per document (a month's statistics
    // over 200k assignments spent 14% of its time there). The trailing comments keep these
    // statements apart from others of the same text in the store's cache (arrays, not objects).
    const table = collection.table;
    const sql = plan.index
      ? {
          point: `SELECT d.rid, d.sum, d.doc FROM ${plan.index.table} AS i CROSS JOIN ${table} AS d ON d.rid = i.rid WHERE i.key = ? ORDER BY i.rid ${order} -- scan`,
          range: `SELECT d.rid, d.sum, d.doc FROM ${plan.index.table} AS i CROSS JOIN ${table} AS d ON d.rid = i.rid WHERE i.key >= ? AND i.key < ? ORDER BY i.key ${order}, i.rid ${order} -- scan`,
        }
      : {
          point: `SELECT rid, sum, doc FROM ${table} WHERE id = ? -- scan`,
          range: `SELECT rid, sum, doc FROM ${table} WHERE id >= ? AND id < ? ORDER BY id ${order} -- scan`,
        };
    const intervals = plan.reverse ? [...plan.intervals].reverse() : plan.intervals;
    // The first documents of a scan are remembered (a point query's few), not a long range's
    // (it would push out what is read often), as a collection scan does not.
    let remembered = 0;
    for (const interval of intervals) {
      // A point interval holds exactly one value's keys only on a single-field index.
      const exact = interval.point && (plan.index?.def.key.length ?? 1) === 1;
      if (exact && plan.unique) {
        // At most one document: index entry and document in one statement.
        const found = this.#unique(collection, plan, interval.lo);
        counters.keysExamined += found ? 1 : 0;
        if (!found || seen?.has(found.rid)) continue;
        seen?.add(found.rid);
        counters.docsExamined++;
        yield found;
        continue;
      }
      const statement = this.#store.prepare(exact ? sql.point : sql.range);
      statement.setReturnArrays(true);
      const rows = (
        exact ? statement.iterate(interval.lo) : statement.iterate(interval.lo, interval.hi)
      ) as Iterable<unknown[]>;
      for (const row of rows) {
        const rid = row[0] as number;
        counters.keysExamined++;
        if (seen) {
          if (seen.has(rid)) continue;
          seen.add(rid);
        }
        let doc = this.#cached(collection, rid);
        if (!doc) {
          const bytes = row[2] as Uint8Array;
          doc = this.decode(collection, rid, bytes, row[1] as number);
          if (remembered++ < REMEMBERED_PER_SCAN)
            this.#remember(collection, rid, doc, bytes.length);
        }
        counters.docsExamined++;
        yield { rid, doc };
      }
    }
  }

  /** The one document a unique key (or `_id`) names, if any. */
  #unique(collection: CollectionMeta, plan: Plan, key: Buffer): StoredDocument | undefined {
    const row = this.#store
      .prepare(
        plan.index
          ? `SELECT d.rid AS rid, d.doc AS doc, d.sum AS sum FROM ${plan.index.table} AS i CROSS JOIN ${collection.table} AS d ON d.rid = i.rid WHERE i.key = ?`
          : `SELECT rid, doc, sum FROM ${collection.table} WHERE id = ?`,
      )
      .get(key);
    if (!row) return undefined;
    const rid = row.rid as number;
    const cached = this.#cached(collection, rid);
    if (cached) return { rid, doc: cached };
    const bytes = row.doc as Uint8Array;
    const doc = this.decode(collection, rid, bytes, row.sum as number);
    this.#remember(collection, rid, doc, bytes.length);
    return { rid, doc };
  }

  /**
   * The entries in a plan's intervals, counted by SQLite without reading a document: the count
   * of a filter the bounds answer exactly (on an index without arrays, so one entry per document).
   */
  countKeys(collection: CollectionMeta, plan: Plan): number {
    const [table, column] = plan.index ? [plan.index.table, 'key'] : [collection.table, 'id'];
    const statement = this.#store.prepare(
      `SELECT count(*) AS n FROM ${table} WHERE ${column} >= ? AND ${column} < ?`,
    );
    let total = 0;
    for (const interval of plan.intervals) {
      total += statement.get(interval.lo, interval.hi)!.n as number;
    }
    return total;
  }

  /**
   * The index keys in a plan's intervals, in key order, for a read the keys alone answer (its
   * caller checks that the index never held an array: then each document has one key). Each
   * key is a fresh copy.
   */
  *keys(plan: Plan): Generator<Uint8Array> {
    const table = plan.index?.table;
    if (!table) throw new Error('a covered read needs an index');
    // Pages of KEY_PAGE entries, each after the last (key, rid) read: stepping one statement
    // over a million keys cost twice as much (a row at a time through the iterator).
    const first = this.#store.prepare(
      `SELECT key, rid FROM ${table} WHERE key >= ? AND key < ? ORDER BY key, rid LIMIT ${KEY_PAGE} -- covered`,
    );
    const next = this.#store.prepare(
      `SELECT key, rid FROM ${table} WHERE (key, rid) > (?, ?) AND key < ? ORDER BY key, rid LIMIT ${KEY_PAGE} -- covered`,
    );
    first.setReturnArrays(true);
    next.setReturnArrays(true);
    for (const interval of plan.intervals) {
      let page = first.all(interval.lo, interval.hi) as unknown as [Uint8Array, number][];
      for (;;) {
        for (const row of page) yield row[0];
        if (page.length < KEY_PAGE) break;
        const [key, rid] = page[page.length - 1]!;
        page = next.all(key, rid, interval.hi) as unknown as [Uint8Array, number][];
      }
    }
  }

  /** Keys in a plan's intervals, counted up to a cap: how the planner breaks ties. */
  estimate(plan: Plan): number {
    const table = plan.index?.table;
    if (!table) return 0;
    const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE key >= ? AND key < ? LIMIT ${ESTIMATE_CAP})`;
    let total = 0;
    for (const interval of plan.intervals) {
      total += this.#store.prepare(sql).get(interval.lo, interval.hi)!.n as number;
      if (total >= ESTIMATE_CAP) break;
    }
    return total;
  }

  // ── writes (inside a write transaction) ───────────────────────────────────────────────────

  /** Stores a new (normalized) document and its index entries; returns its row id. */
  insert(collection: CollectionMeta, doc: Document, bytes: Uint8Array): number {
    let rid: number;
    try {
      rid = Number(
        this.#store
          .prepare(`INSERT INTO ${collection.table} (id, doc, sum) VALUES (?, ?, ?)`)
          .run(encodeComponent(doc._id), bytes, crc32(bytes)).lastInsertRowid,
      );
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      throw new DuplicateKeyError({
        dbName: this.#dbName,
        collectionName: collection.name,
        indexName: ID_INDEX_NAME,
        keyPattern: { _id: 1 },
        keyValue: { _id: doc._id },
      });
    }
    for (const index of collection.indexes) {
      for (const entry of this.#entries(collection, index, doc))
        this.#addEntry(collection, index, entry, rid);
    }
    this.#remember(collection, rid, doc, bytes.length);
    return rid;
  }

  /** Replaces a document in place (same row, same `_id`), moving only the keys that changed. */
  replace(
    collection: CollectionMeta,
    rid: number,
    before: Document,
    after: Document,
    bytes: Uint8Array,
  ): void {
    for (const index of collection.indexes) {
      const old = new Map(
        this.#entries(collection, index, before).map((e) => [e.key.toString('latin1'), e]),
      );
      const added: IndexEntry[] = [];
      for (const entry of this.#entries(collection, index, after)) {
        if (!old.delete(entry.key.toString('latin1'))) added.push(entry);
      }
      for (const entry of old.values()) this.#removeEntry(index, entry, rid);
      for (const entry of added) this.#addEntry(collection, index, entry, rid);
    }
    this.#store
      .prepare(`UPDATE ${collection.table} SET doc = ?, sum = ? WHERE rid = ?`)
      .run(bytes, crc32(bytes), rid);
    this.#remember(collection, rid, after, bytes.length);
  }

  remove(collection: CollectionMeta, rid: number, doc: Document): void {
    for (const index of collection.indexes) {
      for (const entry of this.#entries(collection, index, doc))
        this.#removeEntry(index, entry, rid);
    }
    this.#store.prepare(`DELETE FROM ${collection.table} WHERE rid = ?`).run(rid);
    this.#cache?.delete(`${collection.table}:${rid}`);
  }

  /** Every document and every index entry of a collection, at once. */
  truncate(collection: CollectionMeta): number {
    const { changes } = this.#store.prepare(`DELETE FROM ${collection.table}`).run();
    for (const index of collection.indexes) this.#store.prepare(`DELETE FROM ${index.table}`).run();
    this.#cache?.clear();
    return Number(changes);
  }

  /** Fills a new index from the existing documents (a duplicate fails the whole creation). */
  build(collection: CollectionMeta, index: IndexMeta): void {
    for (const { rid, doc } of this.all(collection)) {
      for (const entry of this.#entries(collection, index, doc))
        this.#addEntry(collection, index, entry, rid);
    }
  }

  #entries(collection: CollectionMeta, index: IndexMeta, doc: Document): IndexEntry[] {
    const result = indexEntries(index.def, doc, index.partial);
    if (!result) return [];
    if (result.multikey) this.#catalog.markMultikey(collection, index);
    return result.entries;
  }

  #addEntry(collection: CollectionMeta, index: IndexMeta, entry: IndexEntry, rid: number): void {
    try {
      this.#store
        .prepare(`INSERT INTO ${index.table} (key, rid) VALUES (?, ?)`)
        .run(entry.key, rid);
    } catch (error) {
      if (!isConstraintError(error) || !index.def.unique) throw error;
      throw new DuplicateKeyError({
        dbName: this.#dbName,
        collectionName: collection.name,
        indexName: index.def.name,
        keyPattern: keyPatternOf(index.def),
        keyValue: keyValueOf(index.def, entry.values),
      });
    }
  }

  #removeEntry(index: IndexMeta, entry: IndexEntry, rid: number): void {
    this.#store.prepare(`DELETE FROM ${index.table} WHERE key = ? AND rid = ?`).run(entry.key, rid);
  }
}
