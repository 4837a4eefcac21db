/**
 * Masked forms of personal data for responses and logs (ISMS-P 표시제한): enough for the owner to
 * recognise the value, not enough to use it. One rule per kind of value, used everywhere, so two
 * screens can never be combined to reveal more than either shows.
 *
 * Every function takes any string and never throws: a value that does not have the expected shape
 * comes back as {@link FULLY_MASKED}, never as itself.
 */

/** What a value that cannot be recognised becomes (it says nothing about its length either). */
export const FULLY_MASKED = '***';

/** Two-syllable Korean family names; the rest of a Hangul name is the given name. */
const COMPOUND_FAMILY_NAMES = new Set([
  '남궁',
  '황보',
  '제갈',
  '선우',
  '독고',
  '사공',
  '서문',
  '동방',
  '어금',
  '망절',
  '장곡',
  '공손',
]);

const HANGUL_NAME = /^[가-힣]{2,10}$/;
const LATIN_NAME = /^[A-Za-z][A-Za-z .'-]*$/;

/**
 * Names. Hangul: the family name and the last syllable stay, the syllables between become `*`
 * (홍길동 → 홍*동, 김철수민 → 김**민); a two-syllable family name (남궁, 황보, 제갈, 선우, 독고 …)
 * counts as the family name whenever the name has four or more syllables (남궁민수 → 남궁*수);
 * when nothing lies between, the given name is hidden (김수 → 김*). Latin-script names: the first
 * four letters, never more than half of the letters, stay; other letters become `*` and spaces
 * stay (John Smith → John *****, Anna → An**).
 */
export function maskName(name: string): string {
  const value = name.trim();
  if (HANGUL_NAME.test(value)) {
    const family = value.length >= 4 && COMPOUND_FAMILY_NAMES.has(value.slice(0, 2)) ? 2 : 1;
    const given = value.length - family;
    if (given <= 1) return `${value.slice(0, family)}*`;
    return `${value.slice(0, family)}${'*'.repeat(given - 1)}${value.slice(-1)}`;
  }
  if (LATIN_NAME.test(value)) {
    const letters = value.replace(/[^A-Za-z]/g, '').length;
    let visible = Math.max(1, Math.min(4, Math.floor(letters / 2)));
    let out = '';
    for (const char of value) {
      if (/[A-Za-z]/.test(char) && visible > 0) {
        out += char;
        visible -= 1;
      } else {
        out += /[A-Za-z]/.test(char) ? '*' : char;
      }
    }
    return out;
  }
  return FULLY_MASKED;
}

/**
 * `abcdef@example.com` → `ab***@example.com` (one visible character when the local part is short).
 * `%40` counts as the `@` (addresses inside URLs); the output always has a plain `@`.
 */
export function maskEmail(email: string): string {
  const match = /^(.+?)(?:@|%40)([^@\s]+)$/i.exec(email.trim());
  const local = match?.[1];
  const domain = match?.[2];
  if (!local || !domain || local.includes('@')) return FULLY_MASKED;
  const visible = local.length > 2 ? 2 : 1;
  return `${local.slice(0, visible)}***@${domain}`;
}

const MOBILE_OR_AREA_3 = /^0(?:1[016789]|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70|80)\d{7,8}$/;
const SEOUL = /^02\d{7,8}$/;

/**
 * Phone numbers in national form, the middle group hidden digit for digit and the last four
 * shown: `+821012345678` or `010-1234-5678` → `010-****-5678`, `011-123-5678` → `011-***-5678`,
 * `02-123-4567` → `02-***-4567`, `031-1234-5678` → `031-****-5678`. Prefixes: 02 (Seoul), the
 * three-digit area codes 031–064, mobiles 010/011/016–019, 070 and 080. Any other number of five
 * or more digits keeps only its last four (`***-0123`); anything shorter is hidden entirely.
 */
export function maskPhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  const national = /^\+\s*82/.test(trimmed) ? `0${digits.slice(2).replace(/^0/, '')}` : digits;
  const prefixLength = SEOUL.test(national) ? 2 : MOBILE_OR_AREA_3.test(national) ? 3 : 0;
  if (prefixLength > 0) {
    const middle = national.length - prefixLength - 4;
    return `${national.slice(0, prefixLength)}-${'*'.repeat(middle)}-${national.slice(-4)}`;
  }
  return digits.length > 4 ? `***-${digits.slice(-4)}` : FULLY_MASKED;
}

const REGISTRATION_NUMBER = /^(\d{6})\s*-?\s*([1-8])\d{6}$/;

/**
 * Resident (주민등록번호) and foreigner (외국인등록번호) registration numbers: the birth date and
 * the gender/century digit stay, the six digits after it go: `9001011234567` or
 * `900101-1234567` → `900101-1******`. The seventh digit must be 1–8 (5–8 for foreigners).
 */
export function maskRegistrationNumber(value: string): string {
  const match = REGISTRATION_NUMBER.exec(value.trim());
  if (!match) return FULLY_MASKED;
  return `${match[1] ?? ''}-${match[2] ?? ''}******`;
}

/** Replaces every digit before the last `keep` digits with `*`, keeping separators in place. */
function hideDigitsBefore(value: string, keep: number): string {
  let remaining = value.replace(/\D/g, '').length;
  let out = '';
  for (const char of value) {
    if (char >= '0' && char <= '9') {
      out += remaining > keep ? '*' : char;
      remaining -= 1;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * Bank account numbers: only the last four digits stay, separators stay in place
 * (`110-123-456789` → `***-***-**6789`). Accepted: digits with `-` or spaces, 8 to 20 digits.
 */
export function maskAccountNumber(value: string): string {
  const trimmed = value.trim();
  if (!/^\d[\d -]*\d$/.test(trimmed)) return FULLY_MASKED;
  const digits = trimmed.replace(/\D/g, '').length;
  if (digits < 8 || digits > 20) return FULLY_MASKED;
  return hideDigitsBefore(trimmed, 4);
}

/**
 * Card numbers (15 or 16 digits): digits 7 to 12 hidden, the card-industry norm, separators kept
 * (`1234-5678-9012-3456` → `1234-56**-****-3456`).
 */
export function maskCardNumber(value: string): string {
  const trimmed = value.trim();
  if (!/^\d[\d -]*\d$/.test(trimmed)) return FULLY_MASKED;
  const digits = trimmed.replace(/\D/g, '').length;
  if (digits !== 15 && digits !== 16) return FULLY_MASKED;
  let index = 0;
  let out = '';
  for (const char of trimmed) {
    if (char >= '0' && char <= '9') {
      index += 1;
      out += index >= 7 && index <= 12 ? '*' : char;
    } else {
      out += char;
    }
  }
  return out;
}

/**
 * Business registration numbers (사업자등록번호, 3-2-5 digits): the office code and the type
 * code stay, the five-digit serial and check digit go: `1234567890` → `123-45-*****`. A sole
 * proprietor's number identifies a person, so it is masked like other personal data.
 */
export function maskBusinessNumber(value: string): string {
  const match = /^(\d{3})\s*-?\s*(\d{2})\s*-?\s*\d{5}$/.exec(value.trim());
  if (!match) return FULLY_MASKED;
  return `${match[1] ?? ''}-${match[2] ?? ''}-*****`;
}

/** A road name: 테헤란로, 세종대로, 봉은사로86길, 중앙로123번길. */
const ROAD = /^[가-힣][가-힣0-9·.]*(?:로|길)$/;
/** The lowest administrative unit of a lot-number address: 역삼동, 역삼1동, 양평읍, 양근리, 종로1가. */
const LOT_AREA = /^[가-힣][가-힣0-9·.]*(?:동|읍|면|리|가)$/;

/**
 * Addresses keep their area and hide the rest. Road-name addresses (도로명주소) keep everything
 * up to and including the road name: `서울특별시 강남구 테헤란로 123, 4층` → `서울특별시 강남구
 * 테헤란로 ***`. Lot-number addresses (지번주소) keep everything up to the last 동/읍/면/리/가
 * word before the first word that starts with a digit or 산+digit: `서울특별시 강남구 역삼동
 * 123-45` → `서울특별시 강남구 역삼동 ***`. The first word (the province or city) never counts as
 * the road or area. Anything else is hidden entirely.
 */
export function maskAddress(address: string): string {
  const words = address.trim().split(/\s+/);
  const firstNumber = words.findIndex((word) => /^(?:산\s*)?\d/.test(word));
  const head = firstNumber === -1 ? words : words.slice(0, firstNumber);
  const road = head.findIndex((word, i) => i > 0 && ROAD.test(word.replace(/,$/, '')));
  let keep = road;
  if (keep === -1) {
    for (let i = head.length - 1; i > 0; i--) {
      if (LOT_AREA.test(head[i]?.replace(/,$/, '') ?? '')) {
        keep = i;
        break;
      }
    }
  }
  if (keep === -1) return FULLY_MASKED;
  return `${words
    .slice(0, keep + 1)
    .join(' ')
    .replace(/,$/, '')} ***`;
}
