import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796500800000-CreateAlertState',
  async up(db) {
    // The alert pipeline (platform/alerts/alert-store.ts): event ids seen, faults' state, and the
    // global budget per minute, each kept only as long as it matters.
    for (const name of ['alert_events', 'alert_fingerprints', 'alert_minutes']) {
      await db
        .collection(name)
        .createIndex({ expiresAt: 1 }, { name: 'expires_at_ttl', expireAfterSeconds: 0 });
    }
    // The flush: faults with pending events whose last notice is older than the window.
    await db
      .collection('alert_fingerprints')
      .createIndex({ pending: 1, noticeAt: 1 }, { name: 'pending_noticeAt' });
  },
};
