import type { SchemaMigration } from '../platform/schema/schema-migration.js';

export const migration: SchemaMigration = {
  id: '1796486400000-CreateWorkerIdentityStateIndex',
  async up(db) {
    // The providers' callback finds the worker's identity session by its state's hash. Sparse:
    // only workers with a verification in progress have one.
    await db
      .collection('workers')
      .createIndex(
        { 'identitySession.stateHash': 1 },
        { name: 'identitySession_stateHash', sparse: true },
      );
  },
};
