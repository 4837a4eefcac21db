import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796522400000-IndexSignUpsByRole',
  async up(db) {
    // The monthly statistics' sign-ups by role (MembersRepository.signUpsByRole): this index
    // bounds the month and holds the role, so the embedded engine groups the month's members
    // from its keys alone, reading none of them. It replaces `createdAt`, a prefix of it.
    const members = db.collection('members');
    await members.createIndex({ createdAt: 1, role: 1 }, { name: 'createdAt_role' });
    await members.dropIndex('createdAt');
  },
};
