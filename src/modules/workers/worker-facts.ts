/**
 * What eligibility needs to know of a worker: the owning module's read model, which the eligibility
 * engine (src/modules/eligibility/engine) reads. Here rather than in the engine so the module that
 * produces the facts does not import eligibility (eligibility imports it: one direction).
 */

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
