import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795544460000-CreateLegacyAuthUsers',
  async up(db) {
    // The triggers find a legacy user by email, and one address must never name two Firebase
    // users (the import stores emails lower-cased, as the pool compares them).
    await db
      .collection('legacy_auth_users')
      .createIndex({ email: 1 }, { name: 'email_unique', unique: true });
  },
};
