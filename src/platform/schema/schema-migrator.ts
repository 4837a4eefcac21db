import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { MIGRATION_ID, type SchemaMigration } from './schema-migration.js';

interface AppliedMigration {
  _id: string;
  appliedAt: Date;
  ms: number;
}

const COLLECTION = 'schema_migrations';

function ordered(migrations: readonly SchemaMigration[]): SchemaMigration[] {
  for (const m of migrations) {
    if (!MIGRATION_ID.test(m.id))
      throw new Error(`Migration id ${m.id} is not <epochMillis>-<Name>`);
  }
  return [...migrations].sort((a, b) => a.id.localeCompare(b.id));
}

/** Applies schema migrations as their own step, before the service starts, never in a request. */
export class SchemaMigrator {
  constructor(
    private readonly db: Database,
    private readonly migrations: readonly SchemaMigration[],
  ) {}

  private get applied() {
    return this.db.collection<AppliedMigration>(COLLECTION);
  }

  async pending(): Promise<string[]> {
    const done = new Set((await this.applied.find({}).toArray()).map((m) => m._id));
    return ordered(this.migrations)
      .map((m) => m.id)
      .filter((id) => !done.has(id));
  }

  /** Runs what is pending, oldest first; returns the ids it applied. */
  async migrate(logger: Logger): Promise<string[]> {
    const pending = new Set(await this.pending());
    const applied: string[] = [];
    for (const migration of ordered(this.migrations)) {
      if (!pending.has(migration.id)) continue;
      const started = performance.now();
      logger.info({ migration: migration.id }, 'applying schema migration');
      await migration.up(this.db);
      const ms = Math.round(performance.now() - started);
      // Recorded after `up` succeeds; a concurrent migrator recording it too is harmless.
      await this.applied.updateOne(
        { _id: migration.id },
        { $setOnInsert: { appliedAt: new Date(), ms } },
        { upsert: true },
      );
      applied.push(migration.id);
    }
    return applied;
  }
}
