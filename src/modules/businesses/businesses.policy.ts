import { definePersonalData } from '../../privacy/personal-data/policy.js';

/**
 * The personal data of a business (`businesses`). A sole proprietor's registration number
 * identifies a person as much as the business, so it is encrypted, with a blind index
 * (`businessNumberLookup`, unique: one number, one business) for the duplicate check and
 * operators' searches. The representative's name is a person's name.
 *
 * Retention: the `member-account` class (the account of the members who run the business),
 * running from `closedAt`, set when the NTS or an operator reports the business closed (폐업)
 * and removed if it is found trading again. Anonymized, not deleted: the business's id, status
 * and history stay for the shifts and assignments that name it.
 */
export const BUSINESS_PERSONAL_DATA = definePersonalData({
  collection: 'businesses',
  description: 'Businesses (registration number, representative) and their staff and block list',
  fields: {
    businessNumber: {
      description: '사업자등록번호 (10 digits); unique through its blind index',
      storage: 'encrypted',
      masking: 'businessNumber',
      blindIndex: 'businessNumber',
    },
    representativeName: {
      description: 'Representative (대표자) name, as on the registration certificate',
      storage: 'encrypted',
      masking: 'name',
    },
  },
  notes: {
    'verification.evidence': { description: 'What an operator checked to verify the business' },
    'history[].evidence': { description: 'What each verification decision was made on' },
    'history[].reason': { description: "An operator's reason for a verification decision" },
    'blockedWorkers[].reason': {
      description:
        "Why the business blocked a worker (the business's staff wrote it, about the worker)",
    },
  },
  retention: { class: 'member-account', from: 'closedAt', method: 'anonymize' },
  revealableBy: ['operator', 'admin'],
});

export type BusinessPersonalField = keyof typeof BUSINESS_PERSONAL_DATA.fields;
