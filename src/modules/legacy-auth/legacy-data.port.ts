/**
 * The first sign-in's data step: a migrated account's data brought from the old app at once, so
 * the member finds their profile, shifts and history on the first screen. The Firestore
 * migration provides it while it exists (a global provider under this token); without it (the
 * migration deleted, or not in this process) sign-in goes on without the step. It never throws:
 * sign-in does not depend on it, and the daily batch brings whatever it did not.
 */
export interface LegacyDataMigration {
  migrateOnFirstSignIn(firebaseUid: string): Promise<void>;
}

export const LEGACY_DATA_MIGRATION = Symbol('LEGACY_DATA_MIGRATION');
