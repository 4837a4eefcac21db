import type { Database } from '../storage/database.js';

/**
 * One step of the database schema (collections, indexes, backfills), in a file named
 * `<epochMillis>-<Name>.ts` under src/migrations. `up` must be safe to run again: a migrator that
 * dies halfway is simply run again.
 */
export interface SchemaMigration {
  /** The file's name without extension: `<epochMillis>-<Name>`. */
  id: string;
  up(db: Database): Promise<void>;
}

export const MIGRATION_ID = /^\d{13}-[A-Z][A-Za-z0-9]+$/;
