import type { LegacyRole } from './legacy-users.repository.js';

/**
 * What the rest of the app may ask of the legacy (Firebase) accounts: the sign-in path, for a
 * migrated account's first sign-in and for accounts that must reset their password; withdrawal,
 * or the migration trigger would recreate a deleted account from the old password.
 */
export interface LegacyAccounts {
  /** Drops the legacy record of this email, if there is one. */
  forget(email: string): Promise<void>;
  /**
   * Whether `password` is the Firebase password of this email's legacy record (an enabled one).
   * Costs one Firebase scrypt whatever the answer, as the migration trigger's own check does.
   */
  passwordMatches(email: string, password: string): Promise<boolean>;
  /**
   * The Firebase uid of the account holding this email (any case), enabled or not: which user of
   * the old app an admin means when they migrate one by email.
   */
  uidOfEmail(email: string): Promise<string | undefined>;
  /** What a migrated account's first sign-in needs of its record, by Firebase uid. */
  profileOf(firebaseUid: string): Promise<LegacyProfile | undefined>;
  /**
   * Links the Cognito user the migration trigger made to the Firebase user: from then on the
   * Cognito user's tokens act as the member whose id is the Firebase uid (platform/auth/member-ids.ts).
   */
  linkCognitoUser(firebaseUid: string, cognitoId: string): Promise<void>;
}

interface LegacyProfile {
  firebaseUid: string;
  role: LegacyRole;
  email: string;
  phone: string | undefined;
}

export const LEGACY_ACCOUNTS = Symbol('LEGACY_ACCOUNTS');
