import {
  HOUR_MS,
  kstDayStart,
  kstDayKey,
  parseDateNumber,
  parseOffsetInstant,
} from '../../../platform/time/kst.js';
import { parseBusinessNumber } from '../../businesses/business-number.js';
import {
  qualificationByKoreanName,
  type QualificationCode,
} from '../../qualifications/qualifications.js';
import { type FsValue, kindOf } from '../firestore/value.js';

/**
 * The coercion rules of the old app's unclear fields (docs/legacy-firestore.md): every shape the
 * old code wrote, read into our type. A rule answers a value (with a `note` when it had to drop
 * something, such as sub-millisecond time, which `_legacy` keeps), `undefined` for a field that is
 * absent, or a problem that names the field's shape, never its value (they are personal data).
 */
export type Coerced<T> =
  { ok: true; value: T | undefined; note?: string } | { ok: false; problem: string };

const ok = <T>(value: T | undefined, note?: string): Coerced<T> =>
  note ? { ok: true, value, note } : { ok: true, value };
const refuse = <T>(problem: string): Coerced<T> => ({ ok: false, problem });
const absent = <T>(): Coerced<T> => ({ ok: true, value: undefined });

function intOf(value: FsValue): bigint | undefined {
  if (value !== null && typeof value === 'object' && 'int' in value) return value.int;
  if (
    value !== null &&
    typeof value === 'object' &&
    'double' in value &&
    Number.isInteger(value.double)
  ) {
    return BigInt(value.double);
  }
  return undefined;
}

function numberOf(value: FsValue): number | undefined {
  if (value !== null && typeof value === 'object' && 'int' in value) return Number(value.int);
  if (value !== null && typeof value === 'object' && 'double' in value) return value.double;
  return undefined;
}

const describe = (value: FsValue) => kindOf(value);

/** `010-1234-5678`, from `"01012345678"`, `"+82 10-1234-5678"` or the number 1012345678. */
export function phone(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  let digits: string;
  const n = intOf(value);
  if (n !== undefined) {
    // Stored as a number, the leading 0 was lost: 1012345678 was 010-1234-5678.
    digits = `0${n.toString()}`;
  } else if (typeof value === 'string') {
    digits = value.replaceAll(/[\s-]/g, '');
    if (digits.startsWith('+82')) digits = `0${digits.slice(3).replace(/^0/, '')}`;
  } else {
    return refuse(`a phone number as ${describe(value)}`);
  }
  if (/^01\d{8,9}$/.test(digits)) {
    return ok(`${digits.slice(0, 3)}-${digits.slice(3, -4)}-${digits.slice(-4)}`);
  }
  if (/^0\d{8,10}$/.test(digits)) {
    // A landline: 02-123-4567, 031-123-4567.
    const area = digits.startsWith('02') ? 2 : 3;
    return ok(`${digits.slice(0, area)}-${digits.slice(area, -4)}-${digits.slice(-4)}`);
  }
  return refuse('a phone number that is not a Korean number');
}

function validDate(y: number, m: number, d: number): string | undefined {
  const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return Number.isNaN(parseDateNumber(text)) ? undefined : text;
}

/** `YYYY-MM-DD`, from `"19880214"`, `"1988-02-14"`, a Timestamp (a KST day) or `{y, m, d}`. */
export function calendarDate(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'string') {
    const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value.trim());
    const date = match && validDate(Number(match[1]), Number(match[2]), Number(match[3]));
    return date ? ok(date) : refuse('a date string that is not a calendar day');
  }
  if (typeof value === 'object' && 'ts' in value) {
    const ms = Number(value.ts.seconds) * 1000;
    return ok(kstDayKey(ms));
  }
  if (typeof value === 'object' && !Array.isArray(value) && 'map' in value) {
    const y = numberOf(value.map.y ?? null);
    const m = numberOf(value.map.m ?? null);
    const d = numberOf(value.map.d ?? null);
    const date = y !== undefined && m !== undefined && d !== undefined && validDate(y, m, d);
    return date ? ok(date) : refuse('a {y, m, d} date that is not a calendar day');
  }
  return refuse(`a date as ${describe(value)}`);
}

/**
 * An instant, from a Timestamp (milliseconds kept; a finer rest noted, `_legacy` keeps it), an
 * ISO string that states its offset, or epoch milliseconds.
 */
export function instant(value: FsValue | undefined): Coerced<Date> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'string') {
    const at = parseOffsetInstant(value.trim());
    return at ? ok(at) : refuse('a time string without an offset, or not a time');
  }
  if (typeof value === 'object' && 'ts' in value) {
    const { seconds, nanos } = value.ts;
    const at = new Date(Number(seconds) * 1000 + Math.floor(nanos / 1_000_000));
    return ok(at, nanos % 1_000_000 === 0 ? undefined : 'sub-millisecond time dropped');
  }
  const ms = numberOf(value);
  if (ms !== undefined && Number.isFinite(ms)) {
    // Epoch seconds by mistake would land in 1970: a millisecond time after 2000 is expected.
    if (Math.abs(ms) < 946_684_800_000) return refuse('a number too small for epoch milliseconds');
    return ok(new Date(Math.trunc(ms)));
  }
  return refuse(`a time as ${describe(value)}`);
}

/**
 * A shift's window from `date` + `startTime` + `endTime` (KST wall clock, an end not after the
 * start being the next day), the oldest posts' way.
 */
export function kstWindow(
  date: FsValue | undefined,
  start: FsValue | undefined,
  end: FsValue | undefined,
): Coerced<{ startsAt: Date; endsAt: Date }> {
  const day = calendarDate(date);
  if (!day.ok || day.value === undefined) return refuse('a window without a day');
  const clock = (v: FsValue | undefined) => {
    const match = typeof v === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v.trim()) : null;
    return match ? Number(match[1]) * HOUR_MS + Number(match[2]) * 60_000 : undefined;
  };
  const from = clock(start);
  const to = clock(end);
  if (from === undefined || to === undefined) return refuse('a window whose times are not HH:MM');
  const midnight = kstDayStart(day.value).getTime();
  const startsAt = new Date(midnight + from);
  const endsAt = new Date(midnight + to + (to <= from ? 24 * HOUR_MS : 0));
  return ok({ startsAt, endsAt });
}

/** Whole won, from `"10,320원"`, `"10320"` or a number. */
export function krw(value: FsValue | undefined): Coerced<number> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'string') {
    const digits = value.replaceAll(/[\s,원₩]|KRW/g, '');
    return /^\d{1,9}$/.test(digits)
      ? ok(Number(digits))
      : refuse('an amount that is not whole won');
  }
  const n = numberOf(value);
  if (n !== undefined && Number.isInteger(n) && n >= 0) return ok(n);
  return refuse(`an amount as ${describe(value)}`);
}

/** A whole count, from a number or a string of digits. */
export function count(value: FsValue | undefined): Coerced<number> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'string' && /^\d{1,6}$/.test(value.trim())) return ok(Number(value.trim()));
  const n = numberOf(value);
  if (n !== undefined && Number.isInteger(n) && n >= 0) return ok(n);
  return refuse(`a count as ${describe(value)}`);
}

/** Hours worked, in quarters, from a number or `"8.5"`. */
export function hours(value: FsValue | undefined): Coerced<number> {
  if (value === undefined || value === null) return absent();
  const n = typeof value === 'string' ? Number(value.trim()) : numberOf(value);
  if (n === undefined || !Number.isFinite(n) || n <= 0 || n > 24) {
    return refuse('hours that are not between 0 and 24');
  }
  const quarters = Math.round(n * 4) / 4;
  return ok(quarters, quarters === n ? undefined : 'hours rounded to a quarter');
}

/** `true`/`false`, from booleans and `"Y"`/`"N"`. */
export function flag(value: FsValue | undefined): Coerced<boolean> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'boolean') return ok(value);
  if (value === 'Y' || value === 'y') return ok(true);
  if (value === 'N' || value === 'n') return ok(false);
  return refuse(`a flag as ${describe(value)}`);
}

const CI = /^[A-Za-z0-9+/]{86}==$/;

/** A CI (연계정보, connecting information): 88 characters of base64, kept as written. */
export function connectingInformation(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  if (typeof value !== 'string' || !CI.test(value)) return refuse('not 88 characters of base64');
  return ok(value);
}

/** Trimmed, NFC text; empty counts as absent. */
export function text(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  if (typeof value !== 'string') return refuse(`text as ${describe(value)}`);
  const trimmed = value.normalize('NFC').trim();
  return ok(trimmed === '' ? undefined : trimmed);
}

/** A closed set from its spellings (Korean and English, any case). */
export function oneOf<T extends string>(
  spellings: Readonly<Record<string, T>>,
  what: string,
): (value: FsValue | undefined) => Coerced<T> {
  const table = new Map(Object.entries(spellings).map(([k, v]) => [k.toLowerCase(), v]));
  return (value) => {
    if (value === undefined || value === null) return absent();
    if (typeof value !== 'string') return refuse(`${what} as ${describe(value)}`);
    const found = table.get(value.trim().toLowerCase());
    return found ? ok(found) : refuse(`${what} spelled in a way the old app never wrote`);
  };
}

export const role = oneOf(
  { worker: 'worker', 알바: 'worker', business: 'business', 사장님: 'business' } as const,
  'a role',
);

export const workerStatus = oneOf(
  {
    active: 'active',
    정상: 'active',
    blocked: 'suspended',
    정지: 'suspended',
    withdrawn: 'withdrawn',
    탈퇴: 'withdrawn',
  } as const,
  'a member status',
);

export const shiftStatus = oneOf(
  {
    모집중: 'open',
    open: 'open',
    마감: 'open',
    closed: 'open',
    취소: 'cancelled',
    cancelled: 'cancelled',
  } as const,
  'a post status',
);

export const applicationState = oneOf(
  {
    지원: 'applied',
    applied: 'applied',
    거절: 'rejected',
    rejected: 'rejected',
    취소: 'withdrawn',
    withdrawn: 'withdrawn',
  } as const,
  'an application status',
);

export const matchState = oneOf(
  {
    제안: 'proposed',
    proposed: 'proposed',
    확정: 'confirmed',
    confirmed: 'confirmed',
    완료: 'completed',
    completed: 'completed',
    취소: 'cancelled',
    cancelled: 'cancelled',
    노쇼: 'no_show',
    no_show: 'no_show',
  } as const,
  'a match status',
);

export const side = oneOf(
  { worker: 'worker', 알바: 'worker', business: 'business', 사장님: 'business' } as const,
  'a side',
);

export const ntsStatus = oneOf(
  {
    계속사업자: 'active',
    '01': 'active',
    active: 'active',
    휴업자: 'suspended',
    '02': 'suspended',
    suspended: 'suspended',
    폐업자: 'closed',
    '03': 'closed',
    closed: 'closed',
  } as const,
  'an NTS status',
);

export const identityProvider = oneOf(
  { nice: 'nice', danal: 'danal' } as const,
  'an identity provider',
);

/** The bank names the old client offered, by their 금융기관 code. */
const BANKS: Readonly<Record<string, string>> = {
  국민: '004',
  국민은행: '004',
  KB국민: '004',
  신한: '088',
  신한은행: '088',
  우리: '020',
  우리은행: '020',
  하나: '081',
  하나은행: '081',
  농협: '011',
  NH농협: '011',
  기업: '003',
  IBK기업: '003',
  SC제일: '023',
  우체국: '071',
  새마을금고: '045',
  신협: '048',
  수협: '007',
  카카오뱅크: '090',
  토스뱅크: '092',
  케이뱅크: '089',
};

/** The 3-digit bank code, from `"088"`, a bank name, or the number 88. */
export function bankCode(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^\d{3}$/.test(trimmed)) return ok(trimmed);
    if (/^\d{4}$/.test(trimmed) && trimmed.startsWith('0')) return ok(trimmed.slice(1));
    const code = BANKS[trimmed.replaceAll(/\s/g, '')];
    return code ? ok(code) : refuse('a bank the old app did not list');
  }
  const n = intOf(value);
  if (n !== undefined && n > 0n && n < 1000n) return ok(n.toString().padStart(3, '0'));
  return refuse(`a bank code as ${describe(value)}`);
}

/**
 * Account digits. A number lost its leading zeros, which cannot be recovered: the account is
 * taken as written and noted, so the holder check (예금주 조회) decides whether it is right.
 */
export function accountNumber(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  if (typeof value === 'string') {
    const digits = value.replaceAll(/[\s-]/g, '');
    return /^\d{6,20}$/.test(digits) ? ok(digits) : refuse('an account number that is not digits');
  }
  const n = intOf(value);
  if (n !== undefined && n > 0n) {
    return ok(n.toString(), 'an account number stored as a number (leading zeros may be lost)');
  }
  return refuse(`an account number as ${describe(value)}`);
}

/** The ten digits of a 사업자등록번호 with a valid check digit. */
export function businessNumber(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  const written = typeof value === 'string' ? value : intOf(value)?.toString().padStart(10, '0');
  if (written === undefined) return refuse(`a business number as ${describe(value)}`);
  const digits = parseBusinessNumber(written);
  return digits ? ok(digits) : refuse('a business number whose check digit does not match');
}

/** A catalogue code from the Korean certificate name the old client offered. */
export function qualification(value: FsValue | undefined): Coerced<QualificationCode> {
  if (value === undefined || value === null) return absent();
  if (typeof value !== 'string') return refuse(`a certificate name as ${describe(value)}`);
  const code = qualificationByKoreanName(value);
  return code ? ok(code) : refuse('a certificate the catalogue does not hold');
}

/** The 10-digit region code of a 시도, from its name (`"서울"`, `"경기도"`) or its 2-digit code. */
const SIDO: Readonly<Record<string, string>> = {
  서울: '11',
  부산: '26',
  대구: '27',
  인천: '28',
  광주: '29',
  대전: '30',
  울산: '31',
  세종: '36',
  경기: '41',
  강원: '51',
  충북: '43',
  충청북: '43',
  충남: '44',
  충청남: '44',
  전북: '52',
  전라북: '52',
  전남: '46',
  전라남: '46',
  경북: '47',
  경상북: '47',
  경남: '48',
  경상남: '48',
  제주: '50',
};

export function regionCode(value: FsValue | undefined): Coerced<string> {
  if (value === undefined || value === null) return absent();
  if (typeof value !== 'string') return refuse(`a region as ${describe(value)}`);
  const trimmed = value.trim();
  if (/^\d{2}$/.test(trimmed)) return ok(`${trimmed}00000000`);
  const stem = trimmed.replace(/(특별자치시|특별자치도|특별시|광역시|도|시)$/, '');
  const code = SIDO[stem];
  return code ? ok(`${code}00000000`) : refuse('a region the old app did not list');
}

/**
 * The id of a document of `collection` that a field refers to, written as the old code did: a
 * DocumentReference, the full path as a string (`users/abc`), or the bare id.
 */
export function refId(collection: string) {
  return (value: FsValue | undefined): Coerced<string> => {
    if (value === undefined || value === null) return absent();
    const written =
      typeof value === 'string'
        ? value.trim()
        : typeof value === 'object' && !Array.isArray(value) && 'ref' in value
          ? value.ref
          : undefined;
    if (written === undefined) return refuse(`a reference as ${describe(value)}`);
    const parts = written.split('/');
    if (parts.length === 1 && /^[A-Za-z0-9_-]{1,128}$/.test(written)) return ok(written);
    if (parts.length === 2 && parts[0] === collection && parts[1]) return ok(parts[1]);
    return refuse(`a reference that is not to ${collection}`);
  };
}
