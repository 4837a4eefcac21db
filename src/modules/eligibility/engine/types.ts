/**
 * The eligibility engine's inputs and output: plain data, no I/O. The modules that own workers,
 * businesses, shifts and assignments map their documents to these; the engine never sees a
 * repository. Times are instants (`Date`, UTC); the engine does the KST calendar itself.
 */

import type { EligibilityPolicy } from '../../../config/eligibility-policy.js';

// Configuration owns the numbers it reads (ARCHITECTURE: config imports nothing above it).
export type { EligibilityPolicy };

export type WorkerStatus = 'active' | 'suspended' | 'withdrawn';

/** What the engine needs to know of a worker. */
export interface WorkerFacts {
  id: string;
  status: WorkerStatus;
  /** `YYYY-MM-DD` (from identity verification); unknown → the age rules fail. */
  birthDate: string | undefined;
  /** The identity verification (본인인증) stands: verified and not revoked. */
  identityVerified: boolean;
  /** The payout account: undefined when none is registered. */
  bankAccount:
    | {
        verified: boolean;
        /** The account holder's name matches the worker's legal name (Popbill or by hand). */
        holderMatchesLegalName: boolean;
        /**
         * The match stands by an operator's explicit override of the system's comparison: the
         * verdict says so (`overrides`).
         */
        holderMismatchOverride?: { by: string; at: Date };
      }
    | undefined;
  /** Qualifications held (e.g. `health-certificate`); `expiresAt` undefined = does not expire. */
  qualifications: readonly { code: string; expiresAt: Date | undefined }[];
  /** When each of the worker's no-shows happened (the shift's start). */
  noShows: readonly Date[];
}

export type NtsStatus = 'active' | 'suspended' | 'closed';

/** What the engine needs to know of the business that posted the shift. */
export interface BusinessFacts {
  id: string;
  /** Registration verified (NTS authenticity check or an operator, on evidence). */
  verified: boolean;
  /** 계속 / 휴업 / 폐업 at the last NTS check; undefined when never checked. */
  ntsStatus: NtsStatus | undefined;
  /** Workers this business does not want. */
  blockedWorkerIds: ReadonlySet<string>;
}

export type ShiftStatus = 'open' | 'cancelled';

/** The shift a worker would be assigned to. */
export interface ShiftFacts {
  id: string;
  businessId: string;
  status: ShiftStatus;
  startsAt: Date;
  endsAt: Date;
  headcount: number;
  /** Slots taken by proposed and confirmed assignments. */
  filled: number;
  /** Minimum age at the shift's start (the engine also applies the legal minimum). */
  minimumAge: number;
  /** Qualification codes that must be held and unexpired at the shift's end. */
  requiredQualifications: readonly string[];
}

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
