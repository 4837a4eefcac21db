import type { Database, Document } from '../../../platform/storage/database.js';
import { collectionGroupOf } from '../source/firestore-source.js';
import type { MigrationStateRepository } from './migration-state.repository.js';
import { STAGES, type StageDefinition, type StageName } from './stages.js';

const BATCH = 500;
const DAY_MS = 86_400_000;

export interface CleanupReport {
  dryRun: boolean;
  stages: {
    stage: StageName;
    /**
     * `cleaned` (or, in a dry run, would be); `retained`: verified, but its retention has not
     * passed; `refused`: not verified clean; `done`: cleaned before.
     */
    outcome: 'cleaned' | 'retained' | 'refused' | 'done';
    reason?: string;
    /** Target documents that lost (or, dry, would lose) copies, or were removed (archives). */
    documents: number;
    /** Source copies dropped. */
    copies: number;
  }[];
}

type LegacyHolder = Document & {
  _id: unknown;
  _legacy?: { sources?: Record<string, { path: string }> };
};

/**
 * `migrate cleanup`: once a stage verified clean and its retention
 * (MIGRATION_LEGACY_RETENTION_DAYS, from its verification) has passed, drops the stage's source
 * copies from `_legacy` in batches (`_legacy` itself goes with its last copy), or removes an
 * archive's documents, and marks the stage `cleaned`. A stage that is not verified is refused.
 * Idempotent: a stopped cleanup run again goes on, and a cleaned stage is left alone.
 */
export class MigrationCleanup {
  constructor(
    private readonly deps: {
      db: Database;
      state: MigrationStateRepository;
      retentionDays: number;
    },
  ) {}

  async cleanup(
    options: { dryRun?: boolean; stages?: readonly StageName[]; now?: Date } = {},
  ): Promise<CleanupReport> {
    const now = options.now ?? new Date();
    const dryRun = options.dryRun ?? false;
    const states = await this.deps.state.stageStates(STAGES.map((s) => s.name));
    const report: CleanupReport = { dryRun, stages: [] };
    for (const stage of STAGES) {
      if (options.stages && !options.stages.includes(stage.name)) continue;
      const current = states.get(stage.name)!;
      const row = { stage: stage.name, documents: 0, copies: 0 };
      if (current.status === 'cleaned') {
        report.stages.push({ ...row, outcome: 'done' });
        continue;
      }
      if (current.status !== 'verified' || !current.verifiedAt) {
        report.stages.push({
          ...row,
          outcome: 'refused',
          reason: `${current.status}, not verified clean: run migrate verify`,
        });
        continue;
      }
      const until = new Date(current.verifiedAt.getTime() + this.deps.retentionDays * DAY_MS);
      if (until > now) {
        report.stages.push({
          ...row,
          outcome: 'retained',
          reason: `the originals are kept until ${until.toISOString()}`,
        });
        continue;
      }
      const dropped = await this.dropCopies(stage, dryRun);
      if (!dryRun) await this.deps.state.setStatus(stage.name, 'cleaned', now);
      report.stages.push({ ...row, ...dropped, outcome: 'cleaned' });
    }
    return report;
  }

  private async dropCopies(stage: StageDefinition, dryRun: boolean) {
    const groups = new Set(stage.collectionGroups);
    const ofStage = (doc: LegacyHolder) =>
      Object.entries(doc._legacy?.sources ?? {}).filter(([, c]) =>
        groups.has(collectionGroupOf(c.path)),
      );
    let documents = 0;
    let copies = 0;
    for (const name of stage.targets) {
      const collection = this.deps.db.collection<LegacyHolder>(name);
      // By `_id`: a document keeps the copies of other stages (a worker profile holds the user's
      // and its subcollections'), so it may still match the filter after its page.
      let after: unknown;
      for (;;) {
        const filter: Document = { _legacy: { $exists: true } };
        if (after !== undefined) filter._id = { $gt: after };
        const page = await collection
          .find(filter as never, { projection: { '_legacy.sources': 1 } })
          .sort({ _id: 1 })
          .limit(BATCH)
          .toArray();
        for (const doc of page) {
          const mine = ofStage(doc);
          if (mine.length === 0) continue;
          documents += 1;
          copies += mine.length;
          if (dryRun) continue;
          const rest = Object.keys(doc._legacy?.sources ?? {}).length - mine.length;
          if (stage.archive) {
            await collection.deleteOne({ _id: doc._id } as never);
          } else if (rest === 0) {
            await collection.updateOne({ _id: doc._id } as never, { $unset: { _legacy: '' } });
          } else {
            await collection.updateOne({ _id: doc._id } as never, {
              $unset: Object.fromEntries(mine.map(([key]) => [`_legacy.sources.${key}`, ''])),
            });
          }
        }
        if (page.length < BATCH) break;
        after = page.at(-1)?._id;
      }
    }
    return { documents, copies };
  }
}
