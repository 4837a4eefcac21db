import { DAY_MS, kstDayKey } from '../time/kst.js';

/**
 * Values for the OpenAPI document's examples: made when the document is built, so a date in an
 * example is always in the future of the moment a reader tries it.
 */

/** `YYYY-MM-DDTHH:MM:00+09:00`, `days` KST days from now at the KST wall time `hhmm`. */
export function futureKst(days: number, hhmm: string): string {
  return `${futureKstDay(days)}T${hhmm}:00+09:00`;
}

/** A KST calendar day `days` from now, `YYYY-MM-DD`. */
function futureKstDay(days: number): string {
  return kstDayKey(Date.now() + days * DAY_MS);
}
