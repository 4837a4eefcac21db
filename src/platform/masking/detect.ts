/**
 * The one detector of personal data written into text: log messages and errors (which `scrub`
 * masks) and free-text request fields (which refuse some kinds outright). One set of patterns,
 * so what the logs mask and what free text refuses cannot drift apart.
 *
 * A match must stand alone: it may not touch a letter, digit, `_` or `-` on either side (so
 * pieces of UUIDs, hashes and longer ids are left alone), except that a `%XX` escape before it
 * counts as a separator (`%2B821012345678` in a logged URL). In order of precedence:
 * - emails: `local@domain.tld`, also with `%40` for the `@`;
 * - `+82` (or `%2B82`) phone numbers, mobile or landline, with or without `-`, `.` or spaces, and `(0)`;
 * - resident (주민등록번호: 7th digit 1–4) and foreigner (외국인등록번호: 5–8) registration
 *   numbers: YYMMDD (a real month and day), an optional `-` or space, then seven digits;
 * - card numbers: 4-4-4-4 or 4-6-5 digits with one separator (`-` or space) used throughout;
 * - Korean phone numbers: 01x mobiles and 02/0xx landlines, with `-`, `.`, a space or nothing
 *   between the groups (one separator used throughout);
 * - business registration numbers (사업자등록번호) written 3-2-5 with hyphens;
 * - account-like digit runs: 10 to 16 digits, bare or in `-`-separated groups of at least two
 *   digits. A bare 15–16 digit run that passes the Luhn check is a card.
 *
 * Limits, on purpose: runs of fewer than 10 digits are never taken (numeric ids, ports, dates,
 * durations, prices); numbers glued to letters (`id01012345678`) or written with other
 * separators are not recognised. Names and addresses cannot be told from other words by a
 * pattern; fields meant to hold them are encrypted instead (the personal data policies).
 */

export type PersonalDataKind =
  | 'email'
  | 'phone'
  | 'resident_registration_number'
  | 'foreigner_registration_number'
  | 'card_number'
  | 'business_registration_number'
  | 'bank_account_number';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  /** Where the match starts in the text, and its text. */
  index: number;
  text: string;
}

export interface DetectOptions {
  /**
   * Leave bare 10- and 13-digit runs that read as Unix times between 2015 and 2040 (seconds or
   * milliseconds) alone: logs are full of them. Free text has no reason to hold one, so there an
   * account number that happens to look like a time is still found.
   */
  ignoreEpochTimes?: boolean;
}

const PATTERN = new RegExp(
  [
    '(?<!(?<!%[0-9A-Fa-f])[\\w-])(?:',
    '(?<email>[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})',
    '|(?<intl>(?:\\+|%2[Bb])82[-. ]?(?:\\(0\\))?0?(?:1[016789]|2|[3-6][1-5]|70|80)[-. ]?\\d{3,4}[-. ]?\\d{4})',
    '|(?<rrn>\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])[- ]?[1-8]\\d{6})',
    '|(?<card>\\d{4}([- ])(?:\\d{4}\\5\\d{4}\\5\\d{4}|\\d{6}\\5\\d{5}))',
    '|(?<phone>0(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80)([-. ]?)\\d{3,4}\\7\\d{4})',
    '|(?<business>\\d{3}-\\d{2}-\\d{5})',
    '|(?<run>\\d{2,}(?:-\\d{2,})*)',
    ')(?![\\w-])',
  ].join(''),
  'g',
);

/** Quick rejection: text without a run of 8 digits (allowing separators) or an email marker. */
const CANDIDATE = /@|%40|\d[\d .-]{6,}\d/i;

const EPOCH_SECONDS = [1_420_070_400, 2_208_988_800] as const;

function isLuhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function looksLikeEpoch(run: string): boolean {
  if (run.length !== 10 && run.length !== 13) return false;
  const seconds = run.length === 13 ? Number(run) / 1000 : Number(run);
  return seconds >= EPOCH_SECONDS[0] && seconds < EPOCH_SECONDS[1];
}

function kindOfRun(run: string, options: DetectOptions): PersonalDataKind | undefined {
  const digits = run.replace(/-/g, '');
  if (digits.length < 10 || digits.length > 16) return undefined;
  const bare = digits === run;
  if (bare && options.ignoreEpochTimes && looksLikeEpoch(run)) return undefined;
  if (bare && digits.length >= 15 && isLuhnValid(digits)) return 'card_number';
  return 'bank_account_number';
}

function kindOf(
  groups: Record<string, string | undefined>,
  text: string,
  options: DetectOptions,
): PersonalDataKind | undefined {
  if (groups.email !== undefined) return 'email';
  if (groups.intl !== undefined || groups.phone !== undefined) return 'phone';
  if (groups.rrn !== undefined) {
    const gender = text.replace(/[- ]/, '').charCodeAt(6) - 48;
    return gender <= 4 ? 'resident_registration_number' : 'foreigner_registration_number';
  }
  if (groups.card !== undefined) return 'card_number';
  if (groups.business !== undefined) return 'business_registration_number';
  return kindOfRun(text, options);
}

/** Every piece of personal data the patterns find in `text`, in order. */
export function findPersonalData(text: string, options: DetectOptions = {}): PersonalDataMatch[] {
  if (text.length < 6 || !CANDIDATE.test(text)) return [];
  const found: PersonalDataMatch[] = [];
  for (const match of text.matchAll(PATTERN)) {
    const kind = kindOf(match.groups ?? {}, match[0], options);
    if (kind) found.push({ kind, index: match.index, text: match[0] });
  }
  return found;
}

/** `text` with each match replaced by `replace(match)`; the same string when nothing matched. */
export function replacePersonalData(
  text: string,
  replace: (match: PersonalDataMatch) => string,
  options: DetectOptions = {},
): string {
  const found = findPersonalData(text, options);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const match of found) {
    out += text.slice(at, match.index) + replace(match);
    at = match.index + match.text.length;
  }
  return out + text.slice(at);
}
