/**
 * What eligibility needs to know of a shift: the owning module's read model, which the eligibility
 * engine (src/modules/eligibility/engine) reads. Here rather than in the engine so the module that
 * produces the facts does not import eligibility (eligibility imports it: one direction).
 */

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
