import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1795531200000-CreateIdempotencyKeys',
  async up(db) {
    // DocumentDB and MongoDB expire records by themselves through the TTL index; the embedded
    // engine keeps them, and the idempotency hook treats expired records as absent either way.
    await db
      .collection('idempotency_keys')
      .createIndex({ expiresAt: 1 }, { name: 'expires_at_ttl', expireAfterSeconds: 0 });
  },
};
