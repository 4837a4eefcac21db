/**
 * What the rest of the app may ask of the legacy (Firebase) accounts. Withdrawal uses it: the
 * migration trigger would otherwise recreate a deleted account from the old password.
 */
export interface LegacyAccounts {
  /** Drops the legacy record of this email, if there is one. */
  forget(email: string): Promise<void>;
}

export const LEGACY_ACCOUNTS = Symbol('LEGACY_ACCOUNTS');
