import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796511600000-CreateFiles',
  async up(db) {
    // Uploaded files (modules/files): the cleanup's pending uploads by age, a member's files.
    const files = db.collection('files');
    await files.createIndex({ status: 1, createdAt: 1 }, { name: 'status_createdAt' });
    await files.createIndex({ ownerId: 1, createdAt: -1 }, { name: 'ownerId_createdAt' });
  },
};
