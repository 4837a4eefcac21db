import { type PersonalDataKind, replacePersonalData } from './detect.js';
import {
  maskAccountNumber,
  maskBusinessNumber,
  maskCardNumber,
  maskEmail,
  maskPhone,
  maskRegistrationNumber,
} from './masking.js';

const MASK: Record<PersonalDataKind, (text: string) => string> = {
  email: maskEmail,
  phone: (text) => maskPhone(text.replace(/^%2B/i, '+')),
  resident_registration_number: maskRegistrationNumber,
  foreigner_registration_number: maskRegistrationNumber,
  card_number: maskCardNumber,
  business_registration_number: maskBusinessNumber,
  bank_account_number: maskAccountNumber,
};

/**
 * `text` (a log message, an error message or stack) with every piece of personal data the
 * detector finds (`detect.ts`: its patterns and their limits) replaced by its masked form; the
 * same string when nothing matched. Unix times are left alone: logs are full of them.
 */
export function scrub(text: string): string {
  return replacePersonalData(text, (match) => MASK[match.kind](match.text), {
    ignoreEpochTimes: true,
  });
}
