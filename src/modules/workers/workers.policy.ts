import { definePersonalData } from '../../privacy/personal-data/policy.js';

/**
 * The personal data of a worker profile (`workers`). The CI (연계정보) is held only as its blind
 * index (`ciLookup`, unique): it exists to stop one person holding two worker accounts, an
 * equality question the lookup answers alone. The ciphertext is never written (nothing reads a CI
 * back: a provider re-check brings a fresh one), so a leak of the database and the data keys
 * still yields no CI; only the lookup's key could be used to test a guessed CI.
 */
export const WORKER_PERSONAL_DATA = definePersonalData({
  collection: 'workers',
  description: 'Worker profiles (legal name, birth date, phone, identity check, payout account)',
  fields: {
    legalName: {
      description: 'Legal name (실명), from identity verification or as the worker gave it',
      storage: 'encrypted',
      masking: 'name',
    },
    birthDate: {
      description: 'Birth date YYYY-MM-DD (age rules of shifts)',
      storage: 'encrypted',
      masking: 'birthDate',
    },
    phone: {
      description: "Worker's mobile phone number",
      storage: 'encrypted',
      masking: 'phone',
      blindIndex: 'phone',
    },
    ci: {
      description: 'CI (연계정보) from identity verification: stored only as its blind index',
      storage: 'encrypted',
      masking: 'hidden',
      blindIndex: 'ci',
    },
    identitySessionSecret: {
      description:
        'Key material of a provider identity verification in progress (NICE: what derives its ' +
        'AES and HMAC keys); removed when the verification is confirmed',
      storage: 'encrypted',
      masking: 'hidden',
    },
    accountNumber: {
      description: 'Payout bank account number',
      storage: 'encrypted',
      masking: 'bankAccount',
      blindIndex: 'bankAccount',
    },
    accountHolderName: {
      description: 'Payout account holder name (예금주), as given or as the bank answered',
      storage: 'encrypted',
      masking: 'name',
    },
  },
  notes: {
    statusReason: { description: 'Why an operator suspended or reactivated the worker' },
    'identity.evidence': {
      description:
        'What an operator checked to verify the identity by hand, or the provider reference',
    },
    'identity.revokeReason': { description: 'Why the identity verification was revoked' },
    'bankAccount.holderMismatchOverride.reason': {
      description:
        "Why an operator accepted a holder name the system found different from the worker's",
    },
    'history[].evidence': {
      description: 'What each verification or status decision was made on (staff notes)',
    },
  },
  retention: { class: 'member-account', from: 'withdrawnAt', method: 'anonymize' },
  revealableBy: ['operator', 'admin'],
});

export type WorkerPersonalField = keyof typeof WORKER_PERSONAL_DATA.fields;
