/**
 * 사업자등록번호: ten digits `NNN-NN-NNNNN` (office code, kind of business, serial, check digit).
 * The last digit checks the first nine with the National Tax Service's weights. The check only
 * catches typos; whether the number is registered is the NTS's answer (`BusinessRegistry`).
 */
const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

/** The check digit the first nine digits call for. */
export function businessNumberCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(digits[i]) * (WEIGHTS[i] ?? 0);
  // The ninth digit counts a second time, as floor(d9 × 5 / 10): the NTS rule, not a typo.
  sum += Math.floor((Number(digits[8]) * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

/**
 * The ten digits of a business number written `123-45-67890` or `1234567890` (spaces around
 * the hyphens tolerated), or undefined when it is not one: wrong shape or check digit.
 */
export function parseBusinessNumber(input: string): string | undefined {
  const match = /^\s*(\d{3})\s*-?\s*(\d{2})\s*-?\s*(\d{5})\s*$/.exec(input);
  if (!match) return undefined;
  const digits = `${match[1] ?? ''}${match[2] ?? ''}${match[3] ?? ''}`;
  return businessNumberCheckDigit(digits) === Number(digits[9]) ? digits : undefined;
}

/** `1248100998` → `124-81-00998`. */
export function formatBusinessNumber(digits: string): string {
  return `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
}
