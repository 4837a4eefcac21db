import { createHash } from 'node:crypto';
import type { Database } from '../../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../../platform/storage/errors.js';
import type { Partition, Snapshot } from '../source/firestore-source.js';
import type { MigrationIssue, StageName } from './stages.js';

/** The collections of the migration's state (their indexes: migrations/…-CreateMigrationState). */
const MIGRATION_STAGES = 'migration_stages';
const MIGRATION_PARTITIONS = 'migration_partitions';
const MIGRATION_ISSUES = 'migration_issues';
const MIGRATION_RUNS = 'migration_runs';

/**
 * A stage's life: `pending` → `copying` (a pass over its groups at one snapshot, partition by
 * partition) → `copied` → `verified` (source and target compared clean) → `cleaned` (`_legacy`
 * dropped). A later stage starts once the ones it depends on are verified.
 */
export type StageStatus = 'pending' | 'copying' | 'copied' | 'verified' | 'cleaned';

export interface Counts {
  read: number;
  written: number;
  unchanged: number;
  skipped: number;
}

const ZERO: Counts = { read: 0, written: 0, unchanged: 0, skipped: 0 };

/** A snapshot as stored: the read time's seconds as text (int64), nanos as a number. */
interface StoredSnapshot {
  id: string;
  readTime: { seconds: string; nanos: number } | null;
}

export interface StageState {
  _id: StageName;
  status: StageStatus;
  /** Passes started (the first copy is pass 1; a re-copy after a failed verify is pass 2). */
  pass: number;
  snapshot: StoredSnapshot | null;
  /** The snapshot of the last completed pass: documents changed after it are the delta. */
  watermark: StoredSnapshot | null;
  counts: Counts;
  startedAt: Date | null;
  copiedAt: Date | null;
  verifiedAt: Date | null;
  cleanedAt: Date | null;
  /** The last verification's summary (counts of missing, extra and different documents). */
  verification: Record<string, unknown> | null;
}

export interface PartitionState {
  _id: string;
  stage: StageName;
  pass: number;
  collectionGroup: string;
  index: number;
  bounds: Record<string, string>;
  /** Resume after this (the source's cursor of the last document of the last batch written). */
  cursor: string | null;
  done: boolean;
  owner: string | null;
  leaseUntil: Date | null;
  counts: Counts;
}

export interface IssueRecord extends MigrationIssue {
  _id: string;
  stage: StageName;
  runId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface RunRecord {
  _id: string;
  owner: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** Why it stopped: `done` (nothing left it may do), `quota`, `aborted`, `failed`. */
  outcome: 'running' | 'done' | 'quota' | 'aborted' | 'failed';
  counts: Counts;
  stages: StageName[];
  error?: string;
}

function storeSnapshot(snapshot: Snapshot): StoredSnapshot {
  return {
    id: snapshot.id,
    readTime: snapshot.readTime
      ? { seconds: snapshot.readTime.seconds.toString(), nanos: snapshot.readTime.nanos }
      : null,
  };
}

export function loadSnapshot(stored: StoredSnapshot): Snapshot {
  return {
    id: stored.id,
    readTime: stored.readTime
      ? { seconds: BigInt(stored.readTime.seconds), nanos: stored.readTime.nanos }
      : null,
  };
}

const increments = (counts: Partial<Counts>, prefix: string) =>
  Object.fromEntries(Object.entries(counts).map(([k, v]) => [`${prefix}${k}`, v]));

/** The migration's own state: stages, partitions with their leases and cursors, issues, runs. */
export class MigrationStateRepository {
  constructor(private readonly db: Database) {}

  private get stages() {
    return this.db.collection<StageState>(MIGRATION_STAGES);
  }
  private get partitions() {
    return this.db.collection<PartitionState>(MIGRATION_PARTITIONS);
  }
  private get issues() {
    return this.db.collection<IssueRecord>(MIGRATION_ISSUES);
  }
  private get runs() {
    return this.db.collection<RunRecord>(MIGRATION_RUNS);
  }

  /** Every stage's state; a stage never started reads as pending. */
  async stageStates(names: readonly StageName[]): Promise<Map<StageName, StageState>> {
    const found = await this.stages.find({ _id: { $in: [...names] } }).toArray();
    const byName = new Map(found.map((s) => [s._id, s]));
    return new Map(
      names.map((name) => [
        name,
        byName.get(name) ?? {
          _id: name,
          status: 'pending',
          pass: 0,
          snapshot: null,
          watermark: null,
          counts: { ...ZERO },
          startedAt: null,
          copiedAt: null,
          verifiedAt: null,
          cleanedAt: null,
          verification: null,
        },
      ]),
    );
  }

  /**
   * Starts a pass of `stage` at `snapshot` over `partitions`: once, even when two tasks try at
   * the same time (the stage document's pass number is the guard). Answers the pass number in
   * force afterwards.
   */
  async startPass(
    stage: StageName,
    expectedPass: number,
    snapshot: Snapshot,
    partitions: readonly Partition[],
    now: Date,
  ): Promise<number> {
    const pass = expectedPass + 1;
    // Partitions first (idempotent by id), then the stage: a crash in between leaves unused
    // partition documents of a pass that never started, which the next attempt reuses.
    for (const p of partitions) {
      const doc: PartitionState = {
        _id: `${stage}:${pass}:${p.collectionGroup}:${p.index}`,
        stage,
        pass,
        collectionGroup: p.collectionGroup,
        index: p.index,
        bounds: p.bounds,
        cursor: null,
        done: false,
        owner: null,
        leaseUntil: null,
        counts: { ...ZERO },
      };
      try {
        await this.partitions.insertOne(doc);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    const fields = {
      status: 'copying' as const,
      pass,
      snapshot: storeSnapshot(snapshot),
      startedAt: now,
      copiedAt: null,
      counts: { ...ZERO },
    };
    if (expectedPass === 0) {
      try {
        await this.stages.insertOne({
          _id: stage,
          ...fields,
          watermark: null,
          verifiedAt: null,
          cleanedAt: null,
          verification: null,
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    } else {
      await this.stages.updateOne({ _id: stage, pass: expectedPass }, { $set: fields });
    }
    const current = await this.stages.findOne({ _id: stage });
    return current?.pass ?? pass;
  }

  /** Takes a partition of the pass nobody holds (or whose holder's lease ran out). */
  async claim(
    stage: StageName,
    pass: number,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<PartitionState | null> {
    return this.partitions.findOneAndUpdate(
      {
        stage,
        pass,
        done: false,
        $or: [{ owner: null }, { owner }, { leaseUntil: { $lt: now } }],
      },
      { $set: { owner, leaseUntil: new Date(now.getTime() + leaseMs) } },
      { sort: { collectionGroup: 1, index: 1 }, returnDocument: 'after' },
    );
  }

  /**
   * Records a written batch: the cursor moves, the counts grow, the lease is renewed. False when
   * the lease was lost (another task took the partition): the caller stops at once.
   */
  async checkpoint(
    partition: PartitionState,
    owner: string,
    cursor: string,
    counts: Counts,
    now: Date,
    leaseMs: number,
  ): Promise<boolean> {
    const updated = await this.partitions.updateOne(
      { _id: partition._id, owner },
      {
        $set: { cursor, leaseUntil: new Date(now.getTime() + leaseMs) },
        $inc: increments(counts, 'counts.'),
      },
    );
    if (updated.matchedCount === 0) return false;
    await this.stages.updateOne({ _id: partition.stage }, { $inc: increments(counts, 'counts.') });
    return true;
  }

  async finish(partition: PartitionState, owner: string): Promise<boolean> {
    const updated = await this.partitions.updateOne(
      { _id: partition._id, owner },
      { $set: { done: true, owner: null, leaseUntil: null } },
    );
    return updated.matchedCount > 0;
  }

  async release(partition: PartitionState, owner: string): Promise<void> {
    await this.partitions.updateOne(
      { _id: partition._id, owner },
      { $set: { owner: null, leaseUntil: null } },
    );
  }

  async partitionsOf(stage: StageName, pass: number): Promise<PartitionState[]> {
    return this.partitions.find({ stage, pass }).sort({ collectionGroup: 1, index: 1 }).toArray();
  }

  /** The pass is complete when every partition is done: the stage is copied, at its snapshot. */
  async completePass(stage: StageName, pass: number, now: Date): Promise<boolean> {
    const left = await this.partitions.countDocuments({ stage, pass, done: false });
    if (left > 0) return false;
    const current = await this.stages.findOne({ _id: stage, pass, status: 'copying' });
    if (!current) return false;
    await this.stages.updateOne(
      { _id: stage, pass, status: 'copying' },
      { $set: { status: 'copied', copiedAt: now, watermark: current.snapshot } },
    );
    return true;
  }

  async setStatus(
    stage: StageName,
    status: Exclude<StageStatus, 'pending' | 'copying'>,
    now: Date,
    verification?: Record<string, unknown>,
  ): Promise<void> {
    const at =
      status === 'verified' ? { verifiedAt: now } : status === 'cleaned' ? { cleanedAt: now } : {};
    await this.stages.updateOne(
      { _id: stage },
      { $set: { status, ...at, ...(verification ? { verification } : {}) } },
    );
  }

  /** Issues, once per (stage, path, code, detail): a repeat moves its `lastSeenAt`. */
  async report(stage: StageName, runId: string, issues: readonly MigrationIssue[], now: Date) {
    for (const issue of issues) {
      const _id = createHash('sha256')
        .update(`${stage}\n${issue.path}\n${issue.code}\n${issue.detail}`)
        .digest('hex');
      await this.issues.updateOne(
        { _id },
        {
          $set: { lastSeenAt: now, runId },
          $setOnInsert: {
            stage,
            path: issue.path,
            code: issue.code,
            detail: issue.detail,
            firstSeenAt: now,
          },
        },
        { upsert: true },
      );
    }
  }

  async issuesOf(stage?: StageName, limit = 100): Promise<IssueRecord[]> {
    return this.issues
      .find(stage ? { stage } : {})
      .sort({ lastSeenAt: -1 })
      .limit(limit)
      .toArray();
  }

  /** Which of these source paths have an issue in this stage (reported, so not lost). */
  async reportedPaths(stage: StageName, paths: readonly string[]): Promise<Set<string>> {
    if (paths.length === 0) return new Set();
    const found = await this.issues
      .find({ path: { $in: [...paths] }, stage })
      .project<{ path: string }>({ path: 1 })
      .toArray();
    return new Set(found.map((i) => i.path));
  }

  /** The issues of one source document, every stage. */
  async issuesAt(path: string): Promise<IssueRecord[]> {
    return this.issues.find({ path }).toArray();
  }

  async countIssues(stage: StageName): Promise<number> {
    return this.issues.countDocuments({ stage });
  }

  async startRun(run: RunRecord): Promise<void> {
    await this.runs.insertOne(run);
  }

  async finishRun(
    id: string,
    patch: Pick<RunRecord, 'outcome' | 'counts' | 'stages' | 'error'>,
    now: Date,
  ) {
    await this.runs.updateOne({ _id: id }, { $set: { ...patch, finishedAt: now } });
  }

  async lastRuns(limit = 5): Promise<RunRecord[]> {
    return this.runs.find({}).sort({ startedAt: -1 }).limit(limit).toArray();
  }
}
