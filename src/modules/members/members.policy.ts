import { definePersonalData } from '../../privacy/personal-data/policy.js';

/** The personal data of a member's profile (`members`). */
export const MEMBER_PERSONAL_DATA = definePersonalData({
  collection: 'members',
  description: 'Member profiles (workers, business staff, operators, admins), keyed by Cognito sub',
  fields: {
    email: {
      description: 'Sign-in email address (a copy of the Cognito attribute)',
      storage: 'encrypted',
      masking: 'email',
      blindIndex: 'email',
    },
    phone: {
      description: 'Mobile phone number given at sign-up',
      storage: 'encrypted',
      masking: 'phone',
      blindIndex: 'phone',
    },
  },
  retention: { class: 'member-account', from: 'withdrawnAt', method: 'anonymize' },
  revealableBy: ['operator', 'admin'],
});
