/**
 * The eligibility engine's inputs and output: plain data, no I/O. The modules that own workers,
 * businesses, shifts and assignments map their documents to these; the engine never sees a
 * repository. Times are instants (`Date`, UTC); the engine does the KST calendar itself.
 */

import type { EligibilityPolicy } from '../../../config/eligibility-policy.js';

// Configuration owns the numbers it reads (ARCHITECTURE: config imports nothing above it).
export type { EligibilityPolicy };

// The facts are the owning modules' read models, named there (the engine's callers import them
// from there; the engine's own files from here).
import type { BusinessFacts } from '../../businesses/business-facts.js';
import type { ShiftFacts } from '../../shifts/shift-facts.js';
import type { WorkerFacts } from '../../workers/worker-facts.js';

export type { BusinessFacts, ShiftFacts, WorkerFacts };

type ScheduleStatus = 'proposed' | 'confirmed' | 'completed';

/**
 * One of the worker's other assignments that counts: proposed and confirmed ones block the time;
 * completed ones count towards hours and rest. Declined, cancelled and no-show ones are left out
 * by the caller.
 */
export interface ScheduleEntry {
  assignmentId: string;
  shiftId: string;
  startsAt: Date;
  endsAt: Date;
  status: ScheduleStatus;
}

export interface EligibilityContext {
  /** When the verdict is made ("not started" and the no-show window are relative to it). */
  now: Date;
  business: BusinessFacts;
  /** The worker's other assignments (any order). */
  schedule: readonly ScheduleEntry[];
}

/** One failing rule: a stable code, a message in Korean and English, and what failed. */
export interface RuleFailure {
  code: string;
  message: { ko: string; en: string };
  /** The values that failed the rule (ids, hours, dates; never personal data). */
  data: Record<string, unknown>;
}

import type { RuleCode } from './rules.js';

/** A rule that would have failed, but passes because staff overrode it explicitly. */
export interface RuleOverride {
  code: RuleCode;
  data: Record<string, unknown>;
}

export interface Verdict {
  eligible: boolean;
  /** Every failing rule, in a fixed order; empty when eligible. */
  failures: RuleFailure[];
  /** Rules passed by an explicit override (absent when none), so the verdict shows them. */
  overrides?: RuleOverride[];
  ruleSetVersion: string;
  evaluatedAt: Date;
}
