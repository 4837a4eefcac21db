import { type Counts, MigrationStateRepository } from './migration-state.repository.js';
import { STAGE_NAMES } from './stages.js';

export interface MigrationStatus {
  enabled: boolean;
  stages: {
    stage: string;
    status: string;
    counts: Counts;
    partitions: { total: number; done: number };
    issues: number;
    /**
     * How far behind the old app the stage's copy is, in seconds: since the read time of its last
     * complete pass (a live source); null for a file source (its own snapshot) or before a pass.
     */
    lagSeconds: number | null;
  }[];
  /** The latest issues: where and what, never a value. */
  issues: { stage: string; path: string; code: string; detail: string }[];
  runs: {
    runId: string;
    startedAt: Date;
    finishedAt: Date | null;
    outcome: string;
    counts: Counts;
  }[];
}

/** Where the migration stands: for `migrate status` and `GET /admin/migrations/status`. */
export async function migrationStatus(
  state: MigrationStateRepository,
  enabled: boolean,
  now = new Date(),
): Promise<MigrationStatus> {
  const stages = await state.stageStates(STAGE_NAMES);
  const rows: MigrationStatus['stages'] = [];
  for (const name of STAGE_NAMES) {
    const stage = stages.get(name)!;
    const partitions = stage.pass ? await state.partitionsOf(name, stage.pass) : [];
    rows.push({
      stage: name,
      status: stage.status,
      // The pass's counts are its partitions' (each kept with its checkpoint, in one write);
      // the stage's own running total can trail them by a batch after a crash.
      counts: partitions.length
        ? partitions.reduce(
            (sum, p) => ({
              read: sum.read + p.counts.read,
              written: sum.written + p.counts.written,
              unchanged: sum.unchanged + p.counts.unchanged,
              skipped: sum.skipped + p.counts.skipped,
            }),
            { read: 0, written: 0, unchanged: 0, skipped: 0 },
          )
        : stage.counts,
      partitions: { total: partitions.length, done: partitions.filter((p) => p.done).length },
      issues: await state.countIssues(name),
      lagSeconds: stage.watermark?.readTime
        ? Math.max(0, Math.floor(now.getTime() / 1000) - Number(stage.watermark.readTime.seconds))
        : null,
    });
  }
  const issues = (await state.issuesOf(undefined, 20)).map(({ stage, path, code, detail }) => ({
    stage,
    path,
    code,
    detail,
  }));
  const runs = (await state.lastRuns(5)).map(({ _id, startedAt, finishedAt, outcome, counts }) => ({
    runId: _id,
    startedAt,
    finishedAt,
    outcome,
    counts,
  }));
  return { enabled, stages: rows, issues, runs };
}
