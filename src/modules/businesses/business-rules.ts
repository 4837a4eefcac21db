import { DomainError } from '../../platform/errors/domain.error.js';
import { kstDayKey } from '../../platform/time/kst.js';
import { parseBusinessNumber } from './business-number.js';

/** Why an opening date (개업일자) is unacceptable, or undefined: a real day, not after today (KST). */
export function openingDateProblem(value: string, now: Date): string | undefined {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return 'The opening date is not a real date.';
  }
  if (value < '1900-01-01') return 'The opening date is before 1900.';
  if (value > kstDayKey(now)) return 'The opening date is in the future.';
  return undefined;
}

export function invalidOpeningDate(problem: string): DomainError {
  return new DomainError('invalid', 'invalid_opening_date', problem, {
    errors: [{ in: 'body', field: 'openingDate', message: problem, code: 'invalid_opening_date' }],
  });
}

/** The ten digits of a valid number; else 400 `invalid_business_number` (the value not echoed). */
export function requireBusinessNumber(input: string): string {
  const digits = parseBusinessNumber(input);
  if (digits) return digits;
  const message = 'The business registration number is not valid (10 digits with a check digit).';
  throw new DomainError('invalid', 'invalid_business_number', message, {
    errors: [{ in: 'body', field: 'businessNumber', message, code: 'invalid_business_number' }],
  });
}
