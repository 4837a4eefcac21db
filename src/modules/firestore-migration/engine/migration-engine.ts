import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { SourceDoc } from '../firestore/value.js';
import type { FirestoreSource, Snapshot } from '../source/firestore-source.js';
import {
  type Counts,
  loadSnapshot,
  type MigrationStateRepository,
  type PartitionState,
  type StageState,
} from './migration-state.repository.js';
import {
  STAGES,
  type StageDefinition,
  type StageName,
  type StageWriters,
  type WriteResult,
} from './stages.js';

export interface EngineOptions {
  /** Partitions asked of the source per collection group (live: getPartitions; files: ignored). */
  partitionsPerGroup: number;
  /** A bulk write holds at most this many documents… */
  batchDocuments: number;
  /** …and about this many bytes of source values (estimated). */
  batchBytes: number;
  /** How long a claimed partition stays ours without a checkpoint. */
  leaseMs: number;
  /** Attempts of a failed bulk write (DocumentDB has no retryable writes: we retry). */
  writeAttempts: number;
}

const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  partitionsPerGroup: 8,
  batchDocuments: 500,
  batchBytes: 4 * 1024 * 1024,
  leaseMs: 5 * 60_000,
  writeAttempts: 4,
};

/** Today's share: the run stops at a batch boundary once either is spent. */
export interface Quota {
  /** Source documents read (each is a billed Firestore read on the live source). */
  documents?: number;
  minutes?: number;
}

export interface RunReport {
  runId: string;
  outcome: 'done' | 'quota' | 'aborted';
  counts: Counts;
  /** Per stage touched: what it read and wrote in this run, and where it stands after. */
  stages: { stage: StageName; counts: Counts; status: StageState['status'] }[];
  /** Stages that could not start because what they depend on is not verified. */
  blocked: { stage: StageName; waitingFor: StageName[] }[];
  /** Stages this build has no writer for yet. */
  unavailable: StageName[];
}

/** Where a stage's copy stands, after each bulk write (for progress bars and logs). */
export interface CopyProgress {
  stage: StageName;
  /** Source documents of this pass read so far (by every task). */
  read: number;
  /** The pass's source documents, as the source counts them. */
  total: number;
}

/** A rough size of a document's values, for batching by bytes (the exact BSON size comes later). */
function estimateBytes(doc: SourceDoc): number {
  return JSON.stringify(doc.fields, (_, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? v.length : v,
  ).length;
}

const sum = (a: Counts, b: Partial<Counts>): Counts => ({
  read: a.read + (b.read ?? 0),
  written: a.written + (b.written ?? 0),
  unchanged: a.unchanged + (b.unchanged ?? 0),
  skipped: a.skipped + (b.skipped ?? 0),
});
const zero = (): Counts => ({ read: 0, written: 0, unchanged: 0, skipped: 0 });

class QuotaSpent extends Error {}
class LeaseLost extends Error {}

/**
 * The staged batch: copies each stage's collection groups from the source into our model through
 * the stage's writer, partition by partition, with a lease per partition (several tasks can share
 * a stage), a checkpoint after every bulk write (a crash resumes after the last batch written;
 * writers are idempotent, so the batch that was in flight is written again harmlessly), and a
 * quota per run so the old app keeps its Firestore budget.
 */
export class MigrationEngine {
  private readonly options: EngineOptions;
  private readonly owner: string;

  constructor(
    private readonly deps: {
      source: FirestoreSource;
      state: MigrationStateRepository;
      writers: StageWriters;
      logger: Logger;
      owner?: string;
      options?: Partial<EngineOptions>;
    },
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...deps.options };
    this.owner = deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  async run(
    options: {
      quota?: Quota;
      signal?: AbortSignal;
      now?: () => Date;
      stages?: readonly StageName[];
      /**
       * Verified stages are copied again when the source moved on since their last pass (a live
       * source's new read time, a new export): a delta pass (default true).
       */
      delta?: boolean;
      onProgress?: (progress: CopyProgress) => void;
    } = {},
  ): Promise<RunReport> {
    const now = options.now ?? (() => new Date());
    const started = now();
    const deadline =
      options.quota?.minutes === undefined
        ? Infinity
        : started.getTime() + options.quota.minutes * 60_000;
    const runId = `${started.toISOString()}-${randomUUID().slice(0, 8)}`;
    const { state, logger } = this.deps;
    const log = logger.child({ component: 'migration', runId });
    await state.startRun({
      _id: runId,
      owner: this.owner,
      startedAt: started,
      finishedAt: null,
      outcome: 'running',
      counts: zero(),
      stages: [],
    });
    let total = zero();
    const perStage = new Map<StageName, Counts>();
    const budget = {
      left: () => (options.quota?.documents ?? Infinity) - total.read,
      spent: () =>
        total.read >= (options.quota?.documents ?? Infinity) || now().getTime() >= deadline,
    };
    const blocked: RunReport['blocked'] = [];
    const unavailable: StageName[] = [];
    let outcome: RunReport['outcome'] = 'done';
    try {
      for (const stage of STAGES) {
        if (options.stages && !options.stages.includes(stage.name)) continue;
        const states = await state.stageStates(STAGES.map((s) => s.name));
        const current = states.get(stage.name)!;
        if (current.status === 'verified' && options.delta !== false) {
          if (!(await this.sourceMovedOn(current))) continue;
        } else if (current.status !== 'pending' && current.status !== 'copying') {
          continue;
        }
        if (!this.deps.writers[stage.name]) {
          unavailable.push(stage.name);
          continue;
        }
        const waitingFor = stage.dependsOn.filter(
          (d) => states.get(d)?.status !== 'verified' && states.get(d)?.status !== 'cleaned',
        );
        if (waitingFor.length > 0) {
          blocked.push({ stage: stage.name, waitingFor });
          continue;
        }
        options.signal?.throwIfAborted();
        const counts = await this.copyStage(stage, current, {
          runId,
          now,
          budget,
          signal: options.signal,
          onProgress: options.onProgress,
          add: (c) => {
            total = sum(total, c);
          },
          log,
        });
        perStage.set(stage.name, counts);
        if (budget.spent()) {
          outcome = 'quota';
          break;
        }
      }
    } catch (error) {
      if (error instanceof QuotaSpent) outcome = 'quota';
      else if (options.signal?.aborted) outcome = 'aborted';
      else {
        await state.finishRun(
          runId,
          {
            outcome: 'failed',
            counts: total,
            stages: [...perStage.keys()],
            error:
              error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : 'failed',
          },
          now(),
        );
        throw error;
      }
    }
    const after = await state.stageStates([...perStage.keys()]);
    await state.finishRun(runId, { outcome, counts: total, stages: [...perStage.keys()] }, now());
    log.info({ outcome, counts: total, blocked }, 'migration run finished');
    return {
      runId,
      outcome,
      counts: total,
      stages: [...perStage].map(([stage, counts]) => ({
        stage,
        counts,
        status: after.get(stage)!.status,
      })),
      blocked,
      unavailable,
    };
  }

  private async copyStage(
    stage: StageDefinition,
    current: StageState,
    run: {
      runId: string;
      now: () => Date;
      budget: { left(): number; spent(): boolean };
      signal: AbortSignal | undefined;
      onProgress: ((progress: CopyProgress) => void) | undefined;
      add(counts: Partial<Counts>): void;
      log: Logger;
    },
  ): Promise<Counts> {
    const { source, state } = this.deps;
    let pass = current.pass;
    let snapshot: Snapshot;
    if (current.status === 'pending' || current.status === 'verified') {
      snapshot = await source.openSnapshot();
      const partitions = [];
      for (const group of stage.collectionGroups) {
        partitions.push(
          ...(await source.partition(snapshot, group, this.options.partitionsPerGroup)),
        );
      }
      pass = await state.startPass(stage.name, current.pass, snapshot, partitions, run.now());
      const fresh = (await state.stageStates([stage.name])).get(stage.name)!;
      snapshot = loadSnapshot(fresh.snapshot!);
      run.log.info(
        {
          stage: stage.name,
          pass,
          partitions: partitions.length,
          delta: current.status === 'verified',
        },
        current.status === 'verified' ? 'stage delta pass started' : 'stage pass started',
      );
    } else {
      snapshot = await this.reopen(loadSnapshot(current.snapshot!));
    }
    let counts = zero();
    const progress = run.onProgress && (await this.progressOf(stage.name, pass, snapshot));
    const report = progress
      ? (read: number) => {
          progress.read += read;
          run.onProgress!({ ...progress });
        }
      : undefined;
    report?.(0);
    for (;;) {
      if (run.budget.spent()) throw new QuotaSpent();
      const partition = await state.claim(
        stage.name,
        pass,
        this.owner,
        run.now(),
        this.options.leaseMs,
      );
      if (!partition) break;
      try {
        const copied = await this.copyPartition(stage, partition, snapshot, { ...run, report });
        counts = sum(counts, copied);
      } catch (error) {
        if (error instanceof LeaseLost) continue;
        await state.release(partition, this.owner);
        throw error;
      }
    }
    if (await state.completePass(stage.name, pass, run.now())) {
      run.log.info({ stage: stage.name, pass }, 'stage copied');
    }
    return counts;
  }

  /** The pass's size (counted by the source: its census for files, an aggregate query live). */
  private async progressOf(stage: StageName, pass: number, snapshot: Snapshot) {
    const partitions = await this.deps.state.partitionsOf(stage, pass);
    let total = 0;
    let read = 0;
    for (const p of partitions) {
      total += await this.deps.source.count(snapshot, p);
      read += p.counts.read;
    }
    return { stage, read, total };
  }

  /**
   * Whether the source is past a verified stage's last pass. A delta pass reads every document
   * again and the writers write only what changed (the marker's canonical hash): the old app
   * leaves `updatedAt` off some of its writes, so a watermark on it would miss changes (the
   * full hash-compare rescan the issue allows where `updatedAt` is not reliable). Deletes are
   * reconciled by `migrate verify` (copies whose source is gone).
   */
  private async sourceMovedOn(current: StageState): Promise<boolean> {
    if (!current.watermark) return false;
    const now = await this.deps.source.openSnapshot();
    return now.id !== current.watermark.id;
  }

  /** The snapshot the pass began at; a file source must still be the same files. */
  private async reopen(stored: Snapshot): Promise<Snapshot> {
    const { source } = this.deps;
    if (stored.readTime) {
      const ms = Number(stored.readTime.seconds) * 1000 + Math.floor(stored.readTime.nanos / 1e6);
      const reopened = await source.openSnapshot(new Date(ms));
      return { ...reopened, readTime: stored.readTime };
    }
    const reopened = await source.openSnapshot();
    if (reopened.id !== stored.id) {
      throw new Error(
        `the source changed since this pass began (snapshot ${stored.id}, now ${reopened.id})`,
      );
    }
    return reopened;
  }

  private async copyPartition(
    stage: StageDefinition,
    partition: PartitionState,
    snapshot: Snapshot,
    run: {
      runId: string;
      now: () => Date;
      budget: { left(): number; spent(): boolean };
      signal: AbortSignal | undefined;
      add(counts: Partial<Counts>): void;
      report: ((read: number) => void) | undefined;
    },
  ): Promise<Counts> {
    const { source, state } = this.deps;
    let counts = zero();
    let batch: SourceDoc[] = [];
    let bytes = 0;
    let lastCursor: string | undefined;
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await this.write(stage.name, batch, run);
      const delta: Counts = {
        read: batch.length,
        written: result.written,
        unchanged: result.unchanged,
        skipped: result.skipped,
      };
      if (result.issues.length) await state.report(stage.name, run.runId, result.issues, run.now());
      const kept = await state.checkpoint(
        partition,
        this.owner,
        lastCursor!,
        delta,
        run.now(),
        this.options.leaseMs,
      );
      if (!kept) throw new LeaseLost();
      counts = sum(counts, delta);
      run.add(delta);
      run.report?.(delta.read);
      batch = [];
      bytes = 0;
    };
    for await (const { doc, cursor } of source.scan(
      snapshot,
      {
        collectionGroup: partition.collectionGroup,
        index: partition.index,
        bounds: partition.bounds,
      },
      partition.cursor === null ? {} : { resumeAfter: partition.cursor },
    )) {
      run.signal?.throwIfAborted();
      batch.push(doc);
      lastCursor = cursor;
      bytes += estimateBytes(doc);
      if (
        batch.length >= this.options.batchDocuments ||
        bytes >= this.options.batchBytes ||
        batch.length >= run.budget.left()
      ) {
        await flush();
        if (run.budget.spent()) {
          await state.release(partition, this.owner);
          throw new QuotaSpent();
        }
      }
    }
    await flush();
    await state.finish(partition, this.owner);
    return counts;
  }

  /** One bulk write, with our own retries (a transient failure writes the same batch again). */
  private async write(
    stage: StageName,
    batch: readonly SourceDoc[],
    run: { runId: string; now: () => Date },
  ): Promise<WriteResult> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.deps.writers[stage]!.write(batch, { runId: run.runId, now: run.now() });
      } catch (error) {
        if (attempt >= this.options.writeAttempts) throw error;
        const backoff = Math.min(100 * 2 ** attempt, 2_000) * (0.5 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }
}
