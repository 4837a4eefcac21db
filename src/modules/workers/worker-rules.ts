/** Pure rules of worker profiles: names compared for the payout account, birth dates checked. */
import { kstDayKey } from '../../platform/time/kst.js';
import type { BankAccountState } from './workers.repository.js';

/**
 * A name as banks and identity providers are compared on: Unicode NFKC (full-width Latin and
 * compatibility jamo fold to their plain forms), no whitespace, no `.`, `-`, `·` or `,`, Latin
 * upper-cased. `홍 길동` = `홍길동`, `Hong Gil-dong` = `HONGGILDONG`.
 */
export function normalizeName(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[\s.\-·・,]/gu, '')
    .toUpperCase();
}

/**
 * Whether the account holder's name is the worker's legal name: equal after
 * {@link normalizeName}, nothing looser. A bank that shortens long names (some do) gives no match;
 * an operator then decides on evidence (the manual bank-account verification), rather than the
 * code guessing that a prefix is the same person.
 */
export function holderMatches(
  holderName: string | undefined,
  legalName: string | undefined,
): boolean {
  if (!holderName || !legalName) return false;
  const holder = normalizeName(holderName);
  return holder.length > 0 && holder === normalizeName(legalName);
}

/** The oldest age a birth date may give (older is a typo, not a worker). */
const MAX_PLAUSIBLE_AGE = 120;

/**
 * Why `value` cannot be a worker's birth date, or undefined when it can: a real calendar date,
 * not after today (KST), at most {@link MAX_PLAUSIBLE_AGE} years ago.
 */
export function birthDateProblem(value: string, now: Date): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return 'Expected a date as YYYY-MM-DD.';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return 'Not a calendar date.';
  }
  const today = kstDayKey(now);
  if (value > today) return 'A birth date cannot be in the future.';
  const oldest = `${Number(today.slice(0, 4)) - MAX_PLAUSIBLE_AGE}${today.slice(4)}`;
  if (value < oldest)
    return `A birth date more than ${MAX_PLAUSIBLE_AGE} years ago is not plausible.`;
  return undefined;
}

/**
 * The payout account after the legal name changed to `legalName`: a verified account's holder
 * match was made (by the bank or an operator) against the old name, so it no longer counts
 * (false, until matched again); an unverified account's self-declared match is recomputed
 * against the holder name given.
 */
export function afterLegalNameChange(
  account: BankAccountState & { holderName: string | undefined },
  legalName: string,
): BankAccountState {
  // A match or an override made against the old name no longer stands.
  const { holderName, holderMismatchOverride: _override, ...state } = account;
  delete (state as { number?: unknown }).number;
  return {
    ...state,
    holderMatchesLegalName:
      account.verifiedAt === undefined ? holderMatches(holderName, legalName) : false,
  };
}
