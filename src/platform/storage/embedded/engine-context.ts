import type { Catalog } from './catalog.js';
import type { CollectionTables } from './collection-tables.js';
import type { SqliteStore } from './sqlite-store.js';

/** What a collection of the embedded engine works through: one connection and its catalog. */
export interface EngineContext {
  readonly store: SqliteStore;
  readonly catalog: Catalog;
  readonly tables: CollectionTables;
  readonly dbName: string;
}
