/**
 * What eligibility needs to know of a business: the owning module's read model, which the eligibility
 * engine (src/modules/eligibility/engine) reads. Here rather than in the engine so the module that
 * produces the facts does not import eligibility (eligibility imports it: one direction).
 */

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
