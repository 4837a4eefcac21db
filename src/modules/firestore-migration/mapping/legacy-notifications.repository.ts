import type { Database } from '../../../platform/storage/database.js';
import { parseId } from '../../../platform/storage/ids.js';
import { importFromLegacy, type LegacyCopy } from '../../../platform/storage/legacy-copy.js';

/** The old app's in-app notifications, kept for the retention of `_legacy` and removed at cleanup. */
export const LEGACY_NOTIFICATIONS = 'legacy_notifications';

interface LegacyNotification {
  memberId: string;
  type?: string;
  read: boolean;
  sentAt?: Date;
}

/**
 * `legacy_notifications`: owned by the migration module and removed with it (our model keeps no
 * inbox). What an operator may need to find one, beside its encrypted source copy.
 */
export class LegacyNotificationsRepository {
  constructor(private readonly db: Database) {}

  importLegacy(id: string, notification: LegacyNotification, copy: LegacyCopy, now: Date) {
    return importFromLegacy(
      this.db.collection(LEGACY_NOTIFICATIONS),
      parseId(id),
      copy,
      { $set: { ...notification }, $setOnInsert: { createdAt: now } },
      now,
    );
  }
}
