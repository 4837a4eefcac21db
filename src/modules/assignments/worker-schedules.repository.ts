import { Injectable } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import { isDuplicateKeyError, ConcurrentModificationError } from '../../platform/storage/errors.js';
import { updateWithVersion } from '../../platform/storage/optimistic.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type {
  Schedule,
  ScheduleEntryRecord as StoredEntry,
} from '../eligibility/worker-schedules.port.js';

/**
 * A worker's schedule: the assignments that hold their time (proposed, confirmed) or count
 * towards their hours and rest (completed, recent). One document per worker, written only with
 * optimistic concurrency on `version`: two assignments of one worker decided at the same time
 * cannot both be written against the same schedule, so the second is decided again against the
 * first (no double booking without a transaction).
 */
interface ScheduleDocument {
  _id: string;
  version: number;
  entries: StoredEntry[];
}

const COLLECTION = 'worker_schedules';
/** Completed entries older than this no longer affect any rule (weeks, days, rest) and go. */
const KEEP_COMPLETED_MS = 14 * 24 * 3_600_000;

@Injectable()
export class WorkerSchedulesRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<ScheduleDocument>(COLLECTION);
  }

  async get(workerId: string): Promise<Schedule> {
    const doc = await this.collection.findOne({ _id: workerId });
    return { workerId, version: doc?.version ?? 0, entries: doc?.entries ?? [] };
  }

  /** Many schedules at once (candidates), by worker id; absent workers have empty ones. */
  async getMany(workerIds: readonly string[]): Promise<Map<string, Schedule>> {
    const docs = await this.collection.find({ _id: { $in: [...workerIds] } }).toArray();
    const found = new Map(docs.map((d) => [d._id, d]));
    return new Map(
      workerIds.map((id) => {
        const doc = found.get(id);
        return [id, { workerId: id, version: doc?.version ?? 0, entries: doc?.entries ?? [] }];
      }),
    );
  }

  /**
   * Writes `entries` as the schedule, provided it is still at `schedule.version`; otherwise
   * throws `ConcurrentModificationError` (the caller decides again on a fresh read).
   */
  async replace(schedule: Schedule, entries: StoredEntry[], now: Date): Promise<void> {
    const kept = entries.filter(
      (e) => e.status !== 'completed' || now.getTime() - e.endsAt.getTime() < KEEP_COMPLETED_MS,
    );
    if (schedule.version === 0) {
      try {
        await this.collection.insertOne({ _id: schedule.workerId, version: 1, entries: kept });
        return;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        throw new ConcurrentModificationError(COLLECTION, 0, undefined);
      }
    }
    const updated = await updateWithVersion(
      this.collection,
      { _id: schedule.workerId },
      schedule.version,
      { $set: { entries: kept } },
    );
    if (!updated) throw new ConcurrentModificationError(COLLECTION, schedule.version, undefined);
  }

  /**
   * A page (by worker id, after `after`) of the schedules holding an entry written in
   * [`from`, `before`): for the orphan repair.
   */
  async withEntriesHeld(
    from: Date,
    before: Date,
    page: { after?: string; limit: number },
  ): Promise<Schedule[]> {
    const docs = await this.collection
      .find({
        entries: { $elemMatch: { heldAt: { $gte: from, $lt: before } } },
        ...(page.after === undefined ? {} : { _id: { $gt: page.after } }),
      })
      .sort({ _id: 1 })
      .limit(page.limit)
      .toArray();
    return docs.map((d) => ({ workerId: d._id, version: d.version, entries: d.entries }));
  }
}

export type { Schedule, StoredEntry as ScheduleEntryRecord };
