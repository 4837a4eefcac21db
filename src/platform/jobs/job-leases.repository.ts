import type { Database } from '../storage/database.js';
import { isDuplicateKeyError } from '../storage/errors.js';

export const JOB_LEASES = 'job_leases';

/** How a run ended. `aborted`: stopped by a shutdown or a lost lease; due again at once. */
export interface JobRunResult {
  status: 'ok' | 'failed' | 'aborted';
  durationMs: number;
  /** What the job reported (counts), on success. */
  summary?: Record<string, unknown>;
  /** The error's name and message, cut to 500 characters, on failure. */
  error?: string;
}

/**
 * One document per named job, `_id` = the name: who runs it now (`owner` until `leaseUntil`),
 * when it is next due, and how its last run went. Taking the lease is a conditional update on
 * this document (free or expired, and due), atomic on both engines, so one task runs a due job.
 */
export interface JobLease {
  _id: string;
  /** `describeSchedule()` of the schedule `nextRunAt` was computed from. */
  schedule: string;
  owner: string | null;
  leaseUntil: Date | null;
  nextRunAt: Date;
  lastRunAt: Date | null;
  lastResult: JobRunResult | null;
}

export interface LeaseClaim {
  name: string;
  owner: string;
  now: Date;
  leaseUntil: Date;
  /** Only when `nextRunAt` has come (the scheduler); a run asked for by hand takes it anyway. */
  onlyIfDue: boolean;
}

/** The scheduler's database access: the `job_leases` collection. */
export class JobLeasesRepository {
  constructor(private readonly db: Database) {}

  private get leases() {
    return this.db.collection<JobLease>(JOB_LEASES);
  }

  async getMany(names: readonly string[]): Promise<JobLease[]> {
    if (names.length === 0) return [];
    return this.leases.find({ _id: { $in: [...names] } }).toArray();
  }

  /** Creates the job's document unless it exists (another task may create it at the same time). */
  async ensure(name: string, schedule: string, nextRunAt: Date): Promise<void> {
    try {
      await this.leases.insertOne({
        _id: name,
        schedule,
        owner: null,
        leaseUntil: null,
        nextRunAt,
        lastRunAt: null,
        lastResult: null,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** A changed schedule takes effect now, not after the next time the old one gave. */
  async reschedule(name: string, schedule: string, nextRunAt: Date): Promise<void> {
    await this.leases.updateOne(
      { _id: name, schedule: { $ne: schedule } },
      { $set: { schedule, nextRunAt } },
    );
  }

  /** Takes the lease when nobody holds it (or the holder's has run out); null otherwise. */
  async claim(claim: LeaseClaim): Promise<JobLease | null> {
    const { name, owner, now, leaseUntil, onlyIfDue } = claim;
    return this.leases.findOneAndUpdate(
      {
        _id: name,
        $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }],
        ...(onlyIfDue ? { nextRunAt: { $lte: now } } : {}),
      },
      { $set: { owner, leaseUntil } },
      { returnDocument: 'after' },
    );
  }

  /** Extends a lease this owner still holds; false when it was lost (expired and taken). */
  async renew(name: string, owner: string, leaseUntil: Date): Promise<boolean> {
    const result = await this.leases.updateOne({ _id: name, owner }, { $set: { leaseUntil } });
    return result.matchedCount > 0;
  }

  /** Records the run and hands the lease back; false when this owner no longer held it. */
  async finish(
    name: string,
    owner: string,
    run: { startedAt: Date; result: JobRunResult; nextRunAt: Date },
  ): Promise<boolean> {
    const result = await this.leases.updateOne(
      { _id: name, owner },
      {
        $set: {
          owner: null,
          leaseUntil: null,
          lastRunAt: run.startedAt,
          lastResult: run.result,
          nextRunAt: run.nextRunAt,
        },
      },
    );
    return result.matchedCount > 0;
  }
}
