import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError } from '../../platform/errors/domain.error.js';
import { maskEmail } from '../../privacy/masking.js';
import { meetsPasswordPolicy } from '../auth/password-policy.js';
import {
  fingerprintHashParameters,
  verifyFirebasePassword,
  type FirebaseHashParameters,
} from './firebase-scrypt.js';
import type { LegacyUser, LegacyUsersRepository } from './legacy-users.repository.js';

/**
 * Cognito's Lambda trigger events, as much of them as these triggers read and write (the
 * shapes of the Cognito developer guide's "Migrate user" and "Pre sign-up" pages).
 */
interface CognitoTriggerCommon {
  version: string;
  region: string;
  userPoolId: string;
  /** As typed at sign-in for a migration; the new user's username (a uuid) for a sign-up. */
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string | null };
}

export type UserMigrationTriggerSource =
  'UserMigration_Authentication' | 'UserMigration_ForgotPassword';

export interface UserMigrationEvent extends CognitoTriggerCommon {
  triggerSource: UserMigrationTriggerSource;
  request: {
    /** Present for sign-in only. The plaintext password: never log this event. */
    password?: string;
    validationData?: Record<string, string> | null;
    clientMetadata?: Record<string, string> | null;
  };
  response: {
    userAttributes?: Record<string, string>;
    finalUserStatus?: 'CONFIRMED' | 'RESET_REQUIRED';
    messageAction?: 'SUPPRESS' | 'RESEND';
    desiredDeliveryMediums?: Array<'EMAIL' | 'SMS'>;
    forceAliasCreation?: boolean;
    enableSMSMFA?: boolean;
  };
}

export type PreSignUpTriggerSource =
  'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser' | 'PreSignUp_ExternalProvider';

export interface PreSignUpEvent extends CognitoTriggerCommon {
  triggerSource: PreSignUpTriggerSource;
  request: {
    userAttributes: Record<string, string>;
    validationData?: Record<string, string> | null;
    clientMetadata?: Record<string, string> | null;
  };
  response: { autoConfirmUser?: boolean; autoVerifyEmail?: boolean; autoVerifyPhone?: boolean };
}

export type LegacyAuthTriggerEvent = UserMigrationEvent | PreSignUpEvent;

/** The attribute that carries the Firebase uid; the pool must define it (immutable string). */
export const FIREBASE_UID_ATTRIBUTE = 'custom:firebase_uid';

/**
 * The one answer to every failed migration, whatever the cause (unknown email, wrong password,
 * no hash, disabled): the caller cannot tell which. Cognito turns a thrown error into
 * NotAuthorizedException (with PreventUserExistenceErrors, which the pool must enable).
 */
export class LegacyLoginRefusedError extends DomainError {
  constructor() {
    super('unauthorized', 'invalid_credentials', 'Incorrect username or password.');
  }
}

/** A sign-up for an email whose Firebase account has not moved to Cognito yet. */
export class LegacyEmailReservedError extends DomainError {
  constructor() {
    super(
      'conflict',
      'account_exists',
      'An account with this email exists: sign in with its password, or reset the password.',
    );
  }
}

/** Why a sign-in was refused, for the log only (the caller always reads the same error). */
function refusal(user: LegacyUser | undefined, ready: boolean): string {
  if (!user) return 'unknown_user';
  if (user.disabled) return 'disabled';
  if (!user.password) return 'no_password_hash';
  return ready ? 'wrong_password' : 'not_configured';
}

export class UnsupportedTriggerError extends Error {
  constructor(readonly triggerSource: string) {
    super(`this function does not handle the ${triggerSource} trigger`);
    this.name = 'UnsupportedTriggerError';
  }
}

export interface LegacyAuthTriggersOptions {
  users: LegacyUsersRepository;
  /** Undefined: no Firebase project configured; every migration is refused (sign-ups checked). */
  hashParameters: FirebaseHashParameters | undefined;
  logger: Logger;
  now?: () => Date;
}

export interface LegacyAuthTriggers {
  userMigrationHandler(event: UserMigrationEvent): Promise<UserMigrationEvent>;
  preSignUpHandler(event: PreSignUpEvent): Promise<PreSignUpEvent>;
  /** Dispatches on `triggerSource`: what one Lambda function wired to both triggers runs. */
  handle(event: LegacyAuthTriggerEvent): Promise<LegacyAuthTriggerEvent>;
}

/** Shared by the Lambda entry point (lambda.ts) and the local stack's Lambda endpoint. */
export function createLegacyAuthTriggers(options: LegacyAuthTriggersOptions): LegacyAuthTriggers {
  const { users, hashParameters } = options;
  const logger = options.logger.child({ component: 'legacy-auth' });
  const now = options.now ?? (() => new Date());
  let parametersChecked: Promise<boolean> | undefined;

  /** Once per container: the configured parameters are the ones the users were imported with. */
  const parametersMatchImport = (): Promise<boolean> => {
    parametersChecked ??= (async () => {
      if (!hashParameters) {
        logger.warn('no Firebase hash parameters configured (LEGACY_AUTH_HASH_CONFIG)');
        return false;
      }
      const recorded = await users.getHashParametersFingerprint();
      if (recorded !== undefined && recorded !== fingerprintHashParameters(hashParameters)) {
        logger.error('the configured Firebase hash parameters are not the ones of the import');
        return false;
      }
      return true;
    })().catch((error: unknown) => {
      parametersChecked = undefined; // a database outage must not stick
      throw error;
    });
    return parametersChecked;
  };

  // An unknown email costs the same scrypt as a wrong password, so timing does not tell them
  // apart either.
  let decoy: { hash: string; salt: string } | undefined;
  const spendVerification = async (password: string): Promise<false> => {
    if (!hashParameters) return false;
    decoy ??= {
      hash: randomBytes(hashParameters.signerKey.length).toString('base64'),
      salt: randomBytes(12).toString('base64'),
    };
    await verifyFirebasePassword(
      password,
      { passwordHash: decoy.hash, salt: decoy.salt },
      hashParameters,
    );
    return false;
  };

  const attributesOf = (user: LegacyUser, emailVerified: boolean): Record<string, string> => ({
    email: user.email,
    email_verified: emailVerified ? 'true' : 'false',
    [FIREBASE_UID_ATTRIBUTE]: user.uid,
  });

  const authenticate = async (event: UserMigrationEvent): Promise<UserMigrationEvent> => {
    const password = event.request.password ?? '';
    const user = await users.getByEmail(event.userName);
    const ready = await parametersMatchImport();
    const stored = ready && user && !user.disabled ? user.password : undefined;
    const valid =
      stored && hashParameters
        ? await verifyFirebasePassword(
            password,
            { passwordHash: stored.hash, salt: stored.salt },
            hashParameters,
          )
        : await spendVerification(password);
    if (!user || !valid) {
      logger.info(
        {
          trigger: event.triggerSource,
          firebaseUid: user?.uid,
          outcome: refusal(user, ready),
          user: user ? undefined : maskEmail(event.userName),
        },
        'legacy sign-in refused',
      );
      throw new LegacyLoginRefusedError();
    }
    await users.markMigrated(user.uid, now());
    // Cognito does not apply the pool's policy to a migrated password (developer guide): a weak
    // one is accepted once, then must be replaced through forgot-password.
    const finalUserStatus = meetsPasswordPolicy(password) ? 'CONFIRMED' : 'RESET_REQUIRED';
    logger.info(
      { trigger: event.triggerSource, firebaseUid: user.uid, finalUserStatus },
      'legacy user migrated',
    );
    return {
      ...event,
      response: {
        userAttributes: attributesOf(user, user.emailVerified),
        finalUserStatus,
        messageAction: 'SUPPRESS',
      },
    };
  };

  const forgotPassword = async (event: UserMigrationEvent): Promise<UserMigrationEvent> => {
    const user = await users.getByEmail(event.userName);
    if (!user || user.disabled) {
      logger.info(
        {
          trigger: event.triggerSource,
          firebaseUid: user?.uid,
          outcome: user ? 'disabled' : 'unknown_user',
          user: user ? undefined : maskEmail(event.userName),
        },
        'legacy password reset refused',
      );
      throw new LegacyLoginRefusedError();
    }
    await users.markMigrated(user.uid, now());
    logger.info({ trigger: event.triggerSource, firebaseUid: user.uid }, 'legacy user migrated');
    return {
      ...event,
      response: {
        // Verified, or Cognito has nowhere to send the reset code (developer guide); the code
        // itself proves the address is the user's before any password is set.
        userAttributes: attributesOf(user, true),
        // No password came with this trigger: the user sets one with the code.
        finalUserStatus: 'RESET_REQUIRED',
        messageAction: 'SUPPRESS',
      },
    };
  };

  const userMigrationHandler = async (event: UserMigrationEvent): Promise<UserMigrationEvent> => {
    switch (event.triggerSource) {
      case 'UserMigration_Authentication':
        return authenticate(event);
      case 'UserMigration_ForgotPassword':
        return forgotPassword(event);
      default:
        throw new UnsupportedTriggerError(
          String((event as { triggerSource: unknown }).triggerSource),
        );
    }
  };

  const preSignUpHandler = async (event: PreSignUpEvent): Promise<PreSignUpEvent> => {
    const email = event.request.userAttributes.email;
    const legacy = email ? await users.getByEmail(email) : undefined;
    // Pre-registration hijack (amplify-js#5081): whoever signs up first with a legacy user's
    // email would own it, and the real user's sign-in would never reach the migration trigger.
    if (legacy && !legacy.migratedAt) {
      logger.info(
        { trigger: event.triggerSource, firebaseUid: legacy.uid },
        'sign-up refused: the email belongs to a legacy user not yet migrated',
      );
      throw new LegacyEmailReservedError();
    }
    return {
      ...event,
      response: {
        autoConfirmUser: false,
        autoVerifyEmail: false,
        autoVerifyPhone: false,
        ...event.response,
      },
    };
  };

  return {
    userMigrationHandler,
    preSignUpHandler,
    handle(event) {
      if (event.triggerSource.startsWith('UserMigration_')) {
        return userMigrationHandler(event as UserMigrationEvent);
      }
      if (event.triggerSource.startsWith('PreSignUp_')) {
        return preSignUpHandler(event as PreSignUpEvent);
      }
      return Promise.reject(new UnsupportedTriggerError(event.triggerSource));
    },
  };
}
