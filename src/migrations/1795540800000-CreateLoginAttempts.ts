import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795540800000-CreateLoginAttempts',
  async up(db) {
    // A window's counter is useless once the window ends; DocumentDB and MongoDB drop it then.
    await db
      .collection('login_attempts')
      .createIndex({ expiresAt: 1 }, { name: 'expires_at_ttl', expireAfterSeconds: 0 });
  },
};
