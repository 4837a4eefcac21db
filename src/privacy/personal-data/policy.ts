import type { Role } from '../../platform/auth/principal.js';
import type { BlindIndexKind } from '../crypto/blind-index.js';
import {
  FULLY_MASKED,
  maskAccountNumber,
  maskAddress,
  maskBusinessNumber,
  maskCardNumber,
  maskEmail,
  maskName,
  maskPhone,
  maskRegistrationNumber,
} from '../../platform/masking/masking.js';

/** Birth dates keep the year: `1990-01-01` → `1990-**-**`. */
function maskBirthDate(value: string): string {
  const match = /^(\d{4})-\d{2}-\d{2}$/.exec(value.trim());
  return match ? `${match[1] ?? ''}-**-**` : FULLY_MASKED;
}

/** How a field is shown when it is not revealed: one rule per kind, used everywhere. */
export const MASKINGS = {
  name: maskName,
  email: maskEmail,
  phone: maskPhone,
  registrationNumber: maskRegistrationNumber,
  bankAccount: maskAccountNumber,
  card: maskCardNumber,
  businessNumber: maskBusinessNumber,
  address: maskAddress,
  birthDate: maskBirthDate,
  /** Values no one needs to recognise (CI, tokens): nothing of them is shown. */
  hidden: (_value: string) => FULLY_MASKED,
  /**
   * Free text about a person (evidence, a staff member's reason): no part of it can be shown
   * safely (a name may be anywhere in it), so only that there is one, and how long it is.
   */
  note: (value: string) => `${FULLY_MASKED} (${[...value].length}자)`,
} as const satisfies Record<string, (value: string) => string>;
type Masking = keyof typeof MASKINGS;

/**
 * Retention classes: how long personal data is kept once its purpose ends. The periods come from
 * configuration (`AppConfig['privacy']`), the rules from the law each class names.
 */
export const RETENTION_CLASSES = {
  'member-account': {
    description:
      "A member's account and profile: kept while the member is active; destroyed " +
      'WITHDRAWN_MEMBER_RETENTION_DAYS after withdrawal (개인정보 보호법 제21조).',
  },
  'work-record': {
    description:
      'Who worked which shift, when, and why an assignment ended: kept as employment records ' +
      '(근로기준법 제42조: 3 years) from the end of the shift, then WORK_RECORD_RETENTION_DAYS ' +
      'after it the personal notes are removed.',
  },
} as const;
export type RetentionClass = keyof typeof RETENTION_CLASSES;

interface PersonalField {
  /** What the value is, in words (docs/personal-data.md is checked against it). */
  description: string;
  /**
   * `encrypted`: stored only as field ciphertext (AES/ARIA-256-GCM, bound to the record).
   * `plain`: stored as is (not a field the standard requires encrypted) but masked on the way out
   * like every other personal field.
   */
  storage: 'encrypted' | 'plain';
  /** How the value is masked in responses. */
  masking: Masking;
  /** A blind index for equality lookups, stored as `<field>Lookup`. Encrypted fields only. */
  blindIndex?: BlindIndexKind;
}

/**
 * Free text written about a person (evidence of a manual verification, a staff member's reason)
 * wherever it sits in the document, named by a path: `statusReason`, `identity.evidence`,
 * `history[].evidence` (`[]`: each element of an array). Always encrypted (bound to the
 * collection, the path and the document), shown masked, revealed only through the audited path.
 */
interface PersonalNote {
  /** What the text is, in words (docs/personal-data.md is checked against it). */
  description: string;
}

export interface PersonalDataPolicy<F extends string = string, N extends string = string> {
  /** The collection whose documents hold the fields. */
  collection: string;
  /** The document type, in words. */
  description: string;
  fields: Readonly<Record<F, PersonalField>>;
  /** Free text about a person, by path; see {@link PersonalNote}. */
  notes?: Readonly<Record<N, PersonalNote>>;
  retention: {
    class: RetentionClass;
    /**
     * The date field from which the retention period runs (e.g. `withdrawnAt`); documents
     * without it are in use and are kept.
     */
    from: string;
    /**
     * `anonymize`: the personal fields and their lookups are removed, the record (ids, dates,
     * status) stays for the records other laws require. `delete`: the document goes.
     */
    method: 'anonymize' | 'delete';
  };
  /** Who may see the fields raw through the audited reveal path. The owner sees them masked. */
  revealableBy: readonly Role[];
}

/** A note path: `a`, `a.b`, `a[].b`, … (letters, digits and `_`; `[]` after an array). */
const NOTE_PATH = /^[A-Za-z_]\w*(\[\])?(\.[A-Za-z_]\w*(\[\])?)*$/;

/** Declares a document type's personal data; the field names become the codec's type. */
export function definePersonalData<const F extends string, const N extends string = never>(
  policy: PersonalDataPolicy<F, N>,
): PersonalDataPolicy<F, N> {
  for (const path of Object.keys(policy.notes ?? {})) {
    if (!NOTE_PATH.test(path) || path.endsWith('[]')) {
      throw new Error(`${policy.collection}: ${path} is not a note path (a.b, a[].b)`);
    }
    if (path.split(/[.[]/, 1)[0]! in policy.fields) {
      throw new Error(`${policy.collection}.${path}: a note may not sit inside a personal field`);
    }
  }
  for (const [name, field] of Object.entries<PersonalField>(policy.fields)) {
    if (field.blindIndex && field.storage !== 'encrypted') {
      throw new Error(`${policy.collection}.${name}: a blind index is only for encrypted fields`);
    }
  }
  return policy;
}

/** The stored name of a field's blind index. */
export const lookupField = (field: string): string => `${field}Lookup`;
