import { EJSON } from 'bson';
import { Query } from 'mingo';
import { EmbeddedServerError } from '../errors.js';
import { MINGO_OPTIONS } from './documents.js';
import { sameIndex, type IndexDefinition } from './index-keys.js';
import type { Direction } from './key-encoding.js';
import type { SqliteStore } from './sqlite-store.js';

/** Version of the file layout below; a file of another version is refused. */
const FORMAT_VERSION = 1;

export interface IndexMeta {
  readonly def: IndexDefinition;
  /** The SQLite table of its entries: (key, rid), unique on key for a unique index. */
  readonly table: string;
  readonly directions: Direction[];
  readonly partial: Query | undefined;
  /** Some document had an array on an indexed path (so bounds on one field cannot intersect). */
  multikey: boolean;
}

export interface CollectionMeta {
  readonly name: string;
  /** The SQLite table of its documents: (rid, id key, BSON, checksum). */
  readonly table: string;
  readonly indexes: IndexMeta[];
}

/**
 * Which collections and indexes exist, and the SQLite tables that hold them. Every process keeps
 * a copy and compares a version number stored in the file at the start of each transaction, so
 * an index another process created is maintained (and used) here from its next operation on.
 */
export class Catalog {
  readonly #store: SqliteStore;
  #version = -1;
  /** The version was compared since the last sign of an outside change. */
  #checked = false;
  #collections = new Map<string, CollectionMeta>();

  constructor(store: SqliteStore) {
    this.#store = store;
  }

  /** Creates the catalog tables in a new file; refuses a file of another format. */
  ensureSchema(): void {
    this.#store.exec(`
      CREATE TABLE IF NOT EXISTS wm_meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS wm_collections (
        name TEXT PRIMARY KEY, tag INTEGER NOT NULL UNIQUE) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS wm_indexes (
        collection TEXT NOT NULL, name TEXT NOT NULL, tag INTEGER NOT NULL UNIQUE,
        definition TEXT NOT NULL, multikey INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (collection, name)) WITHOUT ROWID;
      INSERT OR IGNORE INTO wm_meta (key, value) VALUES
        ('format', ${FORMAT_VERSION}), ('catalog', 0), ('next_tag', 1);
    `);
    const format = this.meta('format');
    if (format !== FORMAT_VERSION) {
      throw new EmbeddedServerError(
        2,
        'UnsupportedFormat',
        `${this.#store.file} has layout version ${String(format)}; this build reads version ${FORMAT_VERSION}`,
      );
    }
  }

  meta(key: string): unknown {
    return this.#store.prepare('SELECT value FROM wm_meta WHERE key = ?').get(key)?.value;
  }

  setMeta(key: string, value: string | number): void {
    this.#store
      .prepare(
        'INSERT INTO wm_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  /**
   * In a transaction: reloads the catalog after `invalidate()` (another process committed, or a
   * rollback undid a change made here) if its version in the file moved.
   */
  refresh(): void {
    if (this.#checked) return;
    this.#checked = true;
    const version = this.meta('catalog') as number;
    if (version === this.#version) return;
    const collections = new Map<string, CollectionMeta>();
    for (const row of this.#store.prepare('SELECT name, tag FROM wm_collections').all()) {
      collections.set(row.name as string, {
        name: row.name as string,
        table: `c${row.tag as number}`,
        indexes: [],
      });
    }
    const indexRows = this.#store
      .prepare('SELECT collection, tag, definition, multikey FROM wm_indexes ORDER BY tag')
      .all();
    for (const row of indexRows) {
      collections.get(row.collection as string)?.indexes.push(
        indexMeta(
          // Relaxed: directions come back as the numbers 1 and -1, not Int32 wrappers.
          EJSON.parse(row.definition as string, { relaxed: true }) as IndexDefinition,
          `x${row.tag as number}`,
          row.multikey === 1,
        ),
      );
    }
    this.#collections = collections;
    this.#version = version;
  }

  /** The file may have changed: the next `refresh()` compares versions. */
  invalidate(): void {
    this.#checked = false;
  }

  /** A change made here was rolled back: the next `refresh()` reloads. */
  discard(): void {
    this.#checked = false;
    this.#version = -1;
  }

  get(name: string): CollectionMeta | undefined {
    return this.#collections.get(name);
  }

  all(): CollectionMeta[] {
    return [...this.#collections.values()];
  }

  #bump(): void {
    this.#store.prepare("UPDATE wm_meta SET value = value + 1 WHERE key = 'catalog'").run();
    this.#version = this.meta('catalog') as number;
  }

  #nextTag(): number {
    const tag = this.meta('next_tag') as number;
    this.setMeta('next_tag', tag + 1);
    return tag;
  }

  /** The collection, created (table and catalog row) if it does not exist. In a write. */
  ensureCollection(name: string): CollectionMeta {
    const existing = this.#collections.get(name);
    if (existing) return existing;
    const tag = this.#nextTag();
    const table = `c${tag}`;
    this.#store.exec(
      `CREATE TABLE ${table} (rid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, doc BLOB NOT NULL, sum INTEGER NOT NULL)`,
    );
    this.#store.prepare('INSERT INTO wm_collections (name, tag) VALUES (?, ?)').run(name, tag);
    const meta: CollectionMeta = { name, table, indexes: [] };
    this.#collections.set(name, meta);
    this.#bump();
    return meta;
  }

  /**
   * Adds an index's catalog row and (empty) table; the caller fills it. Undefined when an
   * identical index exists; the server's errors for a conflicting one.
   */
  addIndex(collection: CollectionMeta, def: IndexDefinition): IndexMeta | undefined {
    const existing = collection.indexes.find(
      (i) => i.def.name === def.name || JSON.stringify(i.def.key) === JSON.stringify(def.key),
    );
    if (existing) {
      if (sameIndex(existing.def, def)) return undefined;
      throw existing.def.name === def.name
        ? new EmbeddedServerError(
            86,
            'IndexKeySpecsConflict',
            `An existing index has the same name as the requested index: ${def.name}`,
          )
        : new EmbeddedServerError(
            85,
            'IndexOptionsConflict',
            `Index already exists with a different name: ${existing.def.name}`,
          );
    }
    const tag = this.#nextTag();
    const table = `x${tag}`;
    this.#store.exec(
      def.unique
        ? `CREATE TABLE ${table} (key BLOB PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID`
        : `CREATE TABLE ${table} (key BLOB NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID`,
    );
    this.#store
      .prepare('INSERT INTO wm_indexes (collection, name, tag, definition) VALUES (?, ?, ?, ?)')
      .run(collection.name, def.name, tag, EJSON.stringify(def, { relaxed: false }));
    const meta = indexMeta(def, table, false);
    collection.indexes.push(meta);
    this.#bump();
    return meta;
  }

  /** Drops an index's table and catalog row, if it exists. In a write. */
  dropIndex(collection: CollectionMeta, name: string): void {
    const at = collection.indexes.findIndex((i) => i.def.name === name);
    if (at === -1) return;
    const [index] = collection.indexes.splice(at, 1);
    this.#store.exec(`DROP TABLE ${index!.table}`);
    this.#store
      .prepare('DELETE FROM wm_indexes WHERE collection = ? AND name = ?')
      .run(collection.name, name);
    this.#bump();
  }

  /** Records that an index holds array values; planners in every process then know it. */
  markMultikey(collection: CollectionMeta, index: IndexMeta): void {
    if (index.multikey) return;
    this.#store
      .prepare('UPDATE wm_indexes SET multikey = 1 WHERE collection = ? AND name = ?')
      .run(collection.name, index.def.name);
    index.multikey = true;
    this.#bump();
  }
}

function indexMeta(def: IndexDefinition, table: string, multikey: boolean): IndexMeta {
  return {
    def,
    table,
    directions: def.key.map(([, direction]) => direction),
    partial: def.partialFilterExpression
      ? new Query(def.partialFilterExpression, MINGO_OPTIONS)
      : undefined,
    multikey,
  };
}
