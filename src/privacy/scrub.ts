import {
  maskAccountNumber,
  maskCardNumber,
  maskEmail,
  maskPhone,
  maskRegistrationNumber,
} from './masking.js';

/**
 * Personal data patterns in free text (log messages, error messages and stacks), each replaced by
 * its masked form. A match must stand alone: it may not touch a letter, digit, `_` or `-` on
 * either side (so pieces of UUIDs, hashes and longer ids are left alone), except that a `%XX`
 * escape before it counts as a separator (`%2B821012345678` in a logged URL).
 *
 * In order of precedence:
 * - emails: `local@domain.tld`, also with `%40` for the `@`;
 * - `+82` (or `%2B82`) phone numbers, mobile or landline, with or without `-`, `.` or spaces, and `(0)`;
 * - resident/foreigner registration numbers: YYMMDD (a real month and day), optional `-`, a digit
 *   1–8, six digits;
 * - card numbers: 4-4-4-4 or 4-6-5 digits with one separator (`-` or space) used throughout;
 * - Korean phone numbers: 01x mobiles and 02/0xx landlines, with `-`, `.`, a space or nothing
 *   between the groups (one separator used throughout);
 * - account-like digit runs: 10 to 16 digits, bare or in `-`-separated groups of at least two
 *   digits. A bare 15–16 digit run that passes the Luhn check is masked as a card.
 *
 * Limits, on purpose: runs of fewer than 10 digits are never touched (numeric ids, ports, dates,
 * durations); bare 10- and 13-digit runs that read as Unix times between 2015 and 2040 (seconds or
 * milliseconds) are left alone, and so are account numbers that happen to look like one; numbers
 * glued to letters (`id01012345678`) or written with other separators are not recognised; numbers
 * split across a log template and its arguments are not seen.
 */
const PATTERN = new RegExp(
  [
    '(?<!(?<!%[0-9A-Fa-f])[\\w-])(?:',
    '(?<email>[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})',
    '|(?<intl>(?:\\+|%2[Bb])82[-. ]?(?:\\(0\\))?0?(?:1[016789]|2|[3-6][1-5]|70|80)[-. ]?\\d{3,4}[-. ]?\\d{4})',
    '|(?<rrn>\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])-?[1-8]\\d{6})',
    '|(?<card>\\d{4}([- ])(?:\\d{4}\\5\\d{4}\\5\\d{4}|\\d{6}\\5\\d{5}))',
    '|(?<phone>0(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80)([-. ]?)\\d{3,4}\\7\\d{4})',
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

function maskRun(run: string): string {
  const digits = run.replace(/-/g, '');
  if (digits.length < 10 || digits.length > 16) return run;
  if (digits === run && looksLikeEpoch(run)) return run;
  if (digits === run && digits.length >= 15 && isLuhnValid(digits)) return maskCardNumber(run);
  return maskAccountNumber(run);
}

function replace(match: string, ...args: unknown[]): string {
  const groups = args[args.length - 1] as Record<string, string | undefined>;
  if (groups.email !== undefined) return maskEmail(match);
  if (groups.intl !== undefined) return maskPhone(match.replace(/^%2B/i, '+'));
  if (groups.phone !== undefined) return maskPhone(match);
  if (groups.rrn !== undefined) return maskRegistrationNumber(match);
  if (groups.card !== undefined) return maskCardNumber(match);
  return maskRun(match);
}

/** `text` with every personal data pattern masked; the same string when nothing matched. */
export function scrub(text: string): string {
  if (text.length < 6 || !CANDIDATE.test(text)) return text;
  const scrubbed = text.replace(PATTERN, replace);
  return scrubbed === text ? text : scrubbed;
}
