import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Database } from '../../platform/storage/database.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import { kstDayKey } from '../../platform/time/kst.js';
import type { Verdict } from '../eligibility/engine/types.js';
import { NotEligibleError } from './assignments.errors.js';

/** One counter per KST day and failing rule: no worker, shift or reason in it. */
interface RefusalCounter {
  _id: string;
  /** `YYYY-MM-DD`, KST. */
  day: string;
  rule: string;
  count: number;
}

const COLLECTION = 'eligibility_refusals';

/**
 * How often each eligibility rule refused an assignment (apply, propose, accept), counted per
 * KST day for the monthly statistics. A refusal is a 422 that writes nothing else, so these
 * counters are its only trace.
 */
@Injectable()
export class EligibilityRefusalsRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<RefusalCounter>(COLLECTION);
  }

  /** Counts each failing rule of `verdict` once, on the KST day of `at`. */
  async record(verdict: Verdict, at: Date): Promise<void> {
    const day = kstDayKey(at);
    const rules = [...new Set(verdict.failures.map((failure) => failure.code))];
    if (rules.length === 0) return;
    await this.collection.bulkWrite(
      rules.map((rule) => ({
        updateOne: {
          filter: { _id: `${day}:${rule}` },
          update: { $inc: { count: 1 }, $setOnInsert: { day, rule } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Refusals by rule over the KST days `[fromDay, toDay)` (`YYYY-MM-DD`; index `day`). */
  async byRule(fromDay: string, toDay: string): Promise<{ rule: string; count: number }[]> {
    const rows = await this.collection
      .aggregate<{ _id: string; count: number }>([
        { $match: { day: { $gte: fromDay, $lt: toDay } } },
        { $group: { _id: '$rule', count: { $sum: '$count' } } },
      ])
      .toArray();
    return rows.map((row) => ({ rule: row._id, count: row.count }));
  }
}

/**
 * The 422 for a refused worker, counted first; a counter that cannot be written is logged and the
 * answer is the same (the refusal is what the caller must get).
 */
export async function notEligible(
  refusals: EligibilityRefusalsRepository,
  verdict: Verdict,
  at: Date,
  log: Pick<Logger, 'warn'>,
): Promise<NotEligibleError> {
  try {
    await refusals.record(verdict, at);
  } catch (error) {
    log.warn({ err: error }, 'could not count an eligibility refusal');
  }
  return new NotEligibleError(verdict);
}
