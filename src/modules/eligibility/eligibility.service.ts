import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import type { Schedule } from './worker-schedules.port.js';
import { BusinessesService } from '../businesses/businesses.service.js';
import { type Shift, ShiftSlots } from '../shifts/shift-slots.service.js';
import { WorkersService } from '../workers/workers.service.js';
import { evaluateEligibility } from './engine/evaluate.js';
import { InjectWorkerSchedules, type WorkerSchedules } from './worker-schedules.port.js';
import { HOUR_MS, kstWeekStartMs, WEEK_MS } from '../../platform/time/kst.js';
import type {
  BusinessFacts,
  EligibilityPolicy,
  ScheduleEntry,
  ShiftFacts,
  Verdict,
  WorkerFacts,
} from './engine/types.js';

/** A verdict and what it was made on, so a write can commit against exactly that. */
export interface Evaluation {
  verdict: Verdict;
  shift: Shift;
  schedule: Schedule;
}

interface Candidate {
  workerId: string;
  rank: number;
  /** Hours already held in the shift's KST week (less ranks higher). */
  weekHours: number;
  noShows: number;
}

export interface CandidateList {
  shiftId: string;
  ruleSetVersion: string;
  evaluatedAt: Date;
  eligible: Candidate[];
  ineligible: { workerId: string; failures: Verdict['failures'] }[];
  /** Ids that name no worker profile. */
  unknown: string[];
}

/**
 * Gathers the facts the engine needs (worker, business, shift, the worker's schedule) and asks
 * it. The engine itself is pure; everything it is told comes from here.
 */
@Injectable()
export class EligibilityService {
  private readonly policy: EligibilityPolicy;

  constructor(
    private readonly workers: WorkersService,
    private readonly businesses: BusinessesService,
    private readonly shifts: ShiftSlots,
    @InjectWorkerSchedules() private readonly schedules: WorkerSchedules,
    @InjectConfig() config: AppConfig,
  ) {
    this.policy = config.eligibility;
  }

  async requireShift(shiftId: string): Promise<Shift> {
    const shift = await this.shifts.getById(shiftId);
    if (!shift) throw new NotFoundError('The shift', 'shift_not_found');
    return shift;
  }

  private async requireBusiness(businessId: string): Promise<BusinessFacts> {
    const business = await this.businesses.eligibilityFacts(businessId);
    if (!business) throw new NotFoundError('The business', 'business_not_found');
    return business;
  }

  /**
   * The verdict for one worker on one shift, now. `holding` names an assignment of this worker
   * on this shift that already holds a slot and time (accepting a proposal): it is left out of
   * the schedule and its slot out of the shift's count, so it is not held against itself.
   */
  async evaluate(
    shiftOrId: string | Shift,
    workerId: string,
    options: { holding?: string; now?: Date } = {},
  ): Promise<Evaluation> {
    const shift = typeof shiftOrId === 'string' ? await this.requireShift(shiftOrId) : shiftOrId;
    const [facts, business, schedule] = await Promise.all([
      this.workers.eligibilityFacts([workerId]),
      this.requireBusiness(shift.businessId),
      this.schedules.get(workerId),
    ]);
    const worker = facts.get(workerId);
    if (!worker) throw new NotFoundError('The worker', 'worker_not_found');
    const verdict = this.decide(worker, shift, business, schedule, options);
    return { verdict, shift, schedule };
  }

  private decide(
    worker: WorkerFacts,
    shift: Shift,
    business: BusinessFacts,
    schedule: Schedule,
    options: { holding?: string; now?: Date },
  ): Verdict {
    const facts: ShiftFacts = this.shifts.toFacts(shift);
    const entries: ScheduleEntry[] = options.holding
      ? schedule.entries.filter((e) => e.assignmentId !== options.holding)
      : schedule.entries;
    const shiftFacts =
      options.holding && entries.length !== schedule.entries.length
        ? { ...facts, filled: Math.max(0, facts.filled - 1) }
        : facts;
    return evaluateEligibility(
      worker,
      shiftFacts,
      { now: options.now ?? new Date(), business, schedule: entries },
      this.policy,
    );
  }

  /**
   * Up to 1,000 workers for one shift: the eligible ones ranked (fewest no-shows, then fewest
   * hours already held in the shift's week, then id), the others with every reason.
   */
  async candidates(shiftId: string, workerIds: readonly string[]): Promise<CandidateList> {
    const shift = await this.requireShift(shiftId);
    const ids = [...new Set(workerIds)];
    const [workers, business, schedules] = await Promise.all([
      this.workers.eligibilityFacts(ids),
      this.requireBusiness(shift.businessId),
      this.schedules.getMany(ids),
    ]);
    const now = new Date();
    const weekStart = kstWeekStartMs(shift.startsAt.getTime());
    const weekEnd = weekStart + WEEK_MS;
    const eligible: Omit<Candidate, 'rank'>[] = [];
    const ineligible: CandidateList['ineligible'] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const worker = workers.get(id);
      if (!worker) {
        unknown.push(id);
        continue;
      }
      const schedule = schedules.get(id) ?? { workerId: id, version: 0, entries: [] };
      const verdict = this.decide(worker, shift, business, schedule, { now });
      if (!verdict.eligible) {
        ineligible.push({ workerId: id, failures: verdict.failures });
        continue;
      }
      let weekMs = 0;
      for (const e of schedule.entries) {
        const from = Math.max(e.startsAt.getTime(), weekStart);
        const to = Math.min(e.endsAt.getTime(), weekEnd);
        if (to > from) weekMs += to - from;
      }
      eligible.push({ workerId: id, weekHours: weekMs / HOUR_MS, noShows: worker.noShows.length });
    }
    eligible.sort(
      (a, b) =>
        a.noShows - b.noShows ||
        a.weekHours - b.weekHours ||
        (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0),
    );
    return {
      shiftId,
      ruleSetVersion: this.policy.ruleSetVersion,
      evaluatedAt: now,
      eligible: eligible.map((c, i) => ({ ...c, rank: i + 1 })),
      ineligible,
      unknown,
    };
  }
}
