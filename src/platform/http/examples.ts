/**
 * Values for the OpenAPI document's examples: made when the document is built, so a date in an
 * example is always in the future of the moment a reader tries it.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const KST_MS = 9 * 60 * 60 * 1000;

/** `YYYY-MM-DDTHH:MM:00+09:00`, `days` KST days from now at the KST wall time `hhmm`. */
export function futureKst(days: number, hhmm: string): string {
  const kstDay = new Date(Date.now() + KST_MS + days * DAY_MS).toISOString().slice(0, 10);
  return `${kstDay}T${hhmm}:00+09:00`;
}

/** A KST calendar day `days` from now, `YYYY-MM-DD`. */
export function futureKstDay(days: number): string {
  return new Date(Date.now() + KST_MS + days * DAY_MS).toISOString().slice(0, 10);
}
