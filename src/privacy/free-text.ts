import { text, type TextOptions } from '../platform/http/text.js';
import { findPersonalData, type PersonalDataKind } from '../platform/masking/detect.js';

/** The stable problem code of a free-text field that holds personal data it may not. */
export const PERSONAL_DATA_IN_FREE_TEXT = 'personal_data_in_free_text';

/**
 * What free text may never hold, whoever writes it and whatever the field is for: identifiers
 * that are a person's on their own (and the law requires encrypted wherever they are kept).
 * Phones and emails are allowed: in public text they are a business's own contact.
 */
const REFUSED_IN_FREE_TEXT: ReadonlySet<PersonalDataKind> = new Set([
  'resident_registration_number',
  'foreigner_registration_number',
  'card_number',
  'bank_account_number',
]);

const KIND_NAMES: Record<PersonalDataKind, string> = {
  email: 'an email address',
  phone: 'a phone number',
  resident_registration_number: 'a resident registration number (주민등록번호)',
  foreigner_registration_number: 'a foreigner registration number (외국인등록번호)',
  card_number: 'a card number',
  business_registration_number: 'a business registration number',
  bank_account_number: 'a bank account number',
};

/**
 * `public`: text anyone the record is shown to may read (a shift's description, a business's
 * name); it is stored as written, and masked in logs. `personal`: text written about a person
 * (evidence, a staff member's reason); the repository stores it encrypted as a note of its
 * policy, and staff read it masked unless they reveal it. `purpose`: why a staff member opened
 * personal data (a ticket), kept in the access records with phones and emails masked.
 */
export type FreeTextHolds = 'public' | 'personal' | 'purpose';

/** The OpenAPI extension that marks a free-text field; a test requires it on every one. */
const FREE_TEXT_EXTENSION = 'x-free-text';

/**
 * A free-text request field: `text()` (NFC, no controls, well-formed) that refuses, with 422
 * `personal_data_in_free_text` naming the field and the kind (never the value), an RRN, a
 * foreigner registration number, a card number or a bank account number. Every free-text field
 * of every DTO is built with this, so a new field cannot forget the check.
 */
export function freeText(options: TextOptions & { holds: FreeTextHolds }) {
  return text(options)
    .superRefine((value, ctx) => {
      const kinds = new Set(findPersonalData(value).map((match) => match.kind));
      for (const kind of kinds) {
        if (!REFUSED_IN_FREE_TEXT.has(kind)) continue;
        ctx.addIssue({
          code: 'custom',
          message: `Free text may not hold ${KIND_NAMES[kind]}.`,
          params: { code: PERSONAL_DATA_IN_FREE_TEXT, status: 422, kind },
        });
      }
    })
    .meta({ [FREE_TEXT_EXTENSION]: options.holds });
}

/**
 * What a staff member checked before a manual decision (a ticket, a document), kept with the
 * record as a personal note: it is written about a person or their business.
 */
export const Evidence = freeText({ min: 5, max: 1000, multiline: true, holds: 'personal' }).meta({
  description: 'What was checked; kept encrypted, shown to staff masked',
});

/**
 * Why a staff member opens or exports personal data: stored in the access record (접속기록) and
 * reviewed monthly. The purpose (a ticket), not the person's details: phones and emails in it
 * are masked before it is stored.
 */
export const AccessReason = freeText({ min: 5, max: 500, holds: 'purpose' }).meta({
  description: 'The purpose, e.g. the ticket it serves (at least 5 characters)',
});
