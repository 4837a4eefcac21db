import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796490000000-LinkLegacyUsersToCognito',
  async up(db) {
    const users = db.collection('legacy_auth_users');
    // The link a first sign-in made was stored as `memberId` (the Cognito user's id) before the
    // member id became the Firebase uid; it is the same value under its right name.
    await users.updateMany({ memberId: { $exists: true } }, { $rename: { memberId: 'cognitoId' } });
    // Every verified token of a migrated member is resolved through this link (once per
    // Cognito user: the verifier caches the answer). One Cognito user links one Firebase user.
    await users.createIndex(
      { cognitoId: 1 },
      { name: 'cognitoId_unique', unique: true, sparse: true },
    );
  },
};
