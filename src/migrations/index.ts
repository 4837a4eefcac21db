import type { SchemaMigration } from '../platform/schema/schema-migration.js';
import { migration as createIdempotencyKeys } from './1795531200000-CreateIdempotencyKeys.js';
import { migration as createSessionRevocations } from './1795537200000-CreateSessionRevocations.js';
import { migration as createLoginAttempts } from './1795540800000-CreateLoginAttempts.js';
import { migration as createLegacyAuthUsers } from './1795544460000-CreateLegacyAuthUsers.js';
import { migration as createPrivacyAccessRecords } from './1795551600000-CreatePrivacyAccessRecords.js';
import { migration as createPrivacyRetentionIndexes } from './1795555200000-CreatePrivacyRetentionIndexes.js';
import { migration as createBusinesses } from './1795600000000-CreateBusinesses.js';
import { migration as createShiftIndexes } from './1795600300000-CreateShiftIndexes.js';
import { migration as createWorkers } from './1795600100000-CreateWorkers.js';
import { migration as createOutboxIndexes } from './1795600200000-CreateOutboxIndexes.js';
import { migration as createAssignments } from './1795600400000-CreateAssignments.js';
import { migration as createBusinessOutboxIndexes } from './1796482800000-CreateBusinessOutboxIndexes.js';
import { migration as linkLegacyUsersToCognito } from './1796490000000-LinkLegacyUsersToCognito.js';
import { migration as createMigrationState } from './1796493600000-CreateMigrationState.js';
import { migration as createWorkerIdentityStateIndex } from './1796486400000-CreateWorkerIdentityStateIndex.js';
import { migration as indexMigrationIssuesByPath } from './1796497200000-IndexMigrationIssuesByPath.js';
import { migration as createAlertState } from './1796500800000-CreateAlertState.js';
import { migration as createAuditEvents } from './1796504400000-CreateAuditEvents.js';
import { migration as createStatisticsIndexes } from './1796508000000-CreateStatisticsIndexes.js';
import { migration as createFiles } from './1796511600000-CreateFiles.js';
import { migration as indexApplicationsByOrigin } from './1796515200000-IndexApplicationsByOrigin.js';
import { migration as indexAssignmentOutcomes } from './1796518800000-IndexAssignmentOutcomes.js';
import { migration as indexSignUpsByRole } from './1796522400000-IndexSignUpsByRole.js';
import { migration as indexShiftActivity } from './1796526000000-IndexShiftActivity.js';
import { migration as indexWorkerReviewQueues } from './1796529600000-IndexWorkerReviewQueues.js';
import { migration as indexBusinessReviewQueue } from './1796533200000-IndexBusinessReviewQueue.js';
import { migration as indexAlertEventsByTime } from './1796536800000-IndexAlertEventsByTime.js';

/** Every schema migration, in any order (the migrator sorts by id). A test checks none is missing. */
export const MIGRATIONS: readonly SchemaMigration[] = [
  createIdempotencyKeys,
  createSessionRevocations,
  createLoginAttempts,
  createLegacyAuthUsers,
  createPrivacyAccessRecords,
  createPrivacyRetentionIndexes,
  createWorkers,
  createOutboxIndexes,
  createShiftIndexes,
  createBusinesses,
  createAssignments,
  createBusinessOutboxIndexes,
  linkLegacyUsersToCognito,
  createMigrationState,
  createWorkerIdentityStateIndex,
  indexMigrationIssuesByPath,
  createAlertState,
  createAuditEvents,
  createStatisticsIndexes,
  createFiles,
  indexApplicationsByOrigin,
  indexAssignmentOutcomes,
  indexSignUpsByRole,
  indexShiftActivity,
  indexWorkerReviewQueues,
  indexBusinessReviewQueue,
  indexAlertEventsByTime,
];
