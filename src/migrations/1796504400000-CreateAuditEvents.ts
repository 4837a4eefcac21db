import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796504400000-CreateAuditEvents',
  async up(db) {
    // Who changed what (platform/audit/audit-log.ts): kept AUDIT_RETENTION_DAYS, then removed.
    const events = db.collection('audit_events');
    await events.createIndex({ expiresAt: 1 }, { name: 'expires_at_ttl', expireAfterSeconds: 0 });
    // A subject's history and an action's, newest first (reviews, the operator console).
    await events.createIndex(
      { 'subject.type': 1, 'subject.id': 1, at: -1, _id: -1 },
      { name: 'subject_at' },
    );
    await events.createIndex({ action: 1, at: -1, _id: -1 }, { name: 'action_at' });
  },
};
