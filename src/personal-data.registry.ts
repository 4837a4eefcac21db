import { ASSIGNMENT_PERSONAL_DATA } from './modules/assignments/assignments.policy.js';
import { BUSINESS_PERSONAL_DATA } from './modules/businesses/businesses.policy.js';
import { MEMBER_PERSONAL_DATA } from './modules/members/members.policy.js';
import { WORKER_PERSONAL_DATA } from './modules/workers/workers.policy.js';
import type { PersonalDataPolicy } from './privacy/personal-data/policy.js';

/**
 * Every document type that holds personal data. Key rotation re-encrypts, retention destroys,
 * and docs/personal-data.md is checked against, exactly this list: a module that stores personal
 * data adds its policy here.
 */
export const PERSONAL_DATA_POLICIES: readonly PersonalDataPolicy[] = [
  MEMBER_PERSONAL_DATA,
  WORKER_PERSONAL_DATA,
  BUSINESS_PERSONAL_DATA,
  ASSIGNMENT_PERSONAL_DATA,
];
