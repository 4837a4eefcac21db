/*
 * The API's own schemas of the operators' decisions, not copies: the verification forms validate
 * with what the API validates with. The *.schemas.ts files stay browser-safe (zod and a few plain
 * modules only; eslint.config.js checks it).
 */
export {
  BUSINESS_REVEALABLE,
  BusinessRevealRequest,
  BusinessSearch,
  VerificationDecision as BusinessDecision,
} from '../../../src/modules/businesses/businesses.schemas.js';
export {
  BankAccountDecision,
  IdentityDecision,
  QualificationDecision,
  WORKER_REVEALABLE,
  WorkerRevealRequest,
} from '../../../src/modules/workers/workers.schemas.js';
export {
  BlockRequest,
  MemberSearch,
  RevealRequest,
} from '../../../src/modules/members/members.schemas.js';
export { StatusDecision } from '../../../src/modules/workers/workers.schemas.js';
export { MigrateUserByEmail } from '../../../src/modules/firestore-migration/migration.schemas.js';
