import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  fingerprintHashParameters,
  verifyFirebasePassword,
  type FirebaseHashParameters,
} from './firebase-scrypt.js';
import type { LegacyUser, LegacyUsersRepository } from './legacy-users.repository.js';

export interface LegacyPasswordCheck {
  /** The legacy record of the email, if there is one (whatever the outcome). */
  user: LegacyUser | undefined;
  /** The password is the user's Firebase password, and the user is not disabled. */
  valid: boolean;
  /** False when no parameters are configured or they are not those of the import. */
  ready: boolean;
}

/**
 * Checks a password against an imported Firebase user's scrypt hash. Shared by the migration
 * trigger (a sign-in Cognito does not know yet) and the API (a migrated account that must reset
 * its password: Cognito no longer checks its password, so we do). Every check costs one Firebase
 * scrypt, whether or not the email has a record, a hash or an enabled user: the time an answer
 * takes does not tell an unknown email from a known one.
 */
export class LegacyPasswords {
  private parametersChecked: Promise<boolean> | undefined;
  private decoy: { passwordHash: string; salt: string } | undefined;

  constructor(
    private readonly users: LegacyUsersRepository,
    private readonly hashParameters: FirebaseHashParameters | undefined,
    private readonly logger: Logger,
  ) {}

  async check(email: string, password: string): Promise<LegacyPasswordCheck> {
    const user = await this.users.getByEmail(email);
    const ready = await this.parametersMatchImport();
    const stored = ready && user && !user.disabled ? user.password : undefined;
    if (!stored || !this.hashParameters) {
      await this.spendVerification(password);
      return { user, valid: false, ready };
    }
    const valid = await verifyFirebasePassword(
      password,
      { passwordHash: stored.hash, salt: stored.salt },
      this.hashParameters,
    );
    return { user, valid, ready };
  }

  /** Once per process: the configured parameters are the ones the users were imported with. */
  private parametersMatchImport(): Promise<boolean> {
    this.parametersChecked ??= (async () => {
      if (!this.hashParameters) {
        this.logger.warn('no Firebase hash parameters configured (LEGACY_AUTH_HASH_CONFIG)');
        return false;
      }
      const recorded = await this.users.getHashParametersFingerprint();
      if (recorded !== undefined && recorded !== fingerprintHashParameters(this.hashParameters)) {
        this.logger.error('the configured Firebase hash parameters are not the ones of the import');
        return false;
      }
      return true;
    })().catch((error: unknown) => {
      this.parametersChecked = undefined; // a database outage must not stick
      throw error;
    });
    return this.parametersChecked;
  }

  /** The cost of a real check, on a random hash no password matches. */
  private async spendVerification(password: string): Promise<void> {
    if (!this.hashParameters) return;
    this.decoy ??= {
      passwordHash: randomBytes(this.hashParameters.signerKey.length).toString('base64'),
      salt: randomBytes(12).toString('base64'),
    };
    await verifyFirebasePassword(password, this.decoy, this.hashParameters);
  }
}
