import type { Logger } from 'pino';
import { DomainError } from '../../platform/errors/domain.error.js';
import { maskEmail } from '../../platform/masking/masking.js';
import { meetsPasswordPolicy } from '../../platform/auth/password-policy.js';
import type { FirebaseHashParameters } from './firebase-scrypt.js';
import { LegacyPasswords } from './legacy-passwords.js';
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

type UserMigrationTriggerSource = 'UserMigration_Authentication' | 'UserMigration_ForgotPassword';

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

type PreSignUpTriggerSource =
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
const FIREBASE_UID_ATTRIBUTE = 'custom:firebase_uid';

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
function refusal(user: LegacyUser | undefined, ready: boolean, valid: boolean): string {
  if (!user) return 'unknown_user';
  if (user.disabled) return 'disabled';
  if (!user.password) return 'no_password_hash';
  if (!ready) return 'not_configured';
  return valid ? 'no_role' : 'wrong_password';
}

class UnsupportedTriggerError extends Error {
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
  const passwords = new LegacyPasswords(users, hashParameters, logger);

  const attributesOf = (user: LegacyUser, emailVerified: boolean): Record<string, string> => ({
    email: user.email,
    email_verified: emailVerified ? 'true' : 'false',
    [FIREBASE_UID_ATTRIBUTE]: user.uid,
  });

  const authenticate = async (event: UserMigrationEvent): Promise<UserMigrationEvent> => {
    const password = event.request.password ?? '';
    const { user, valid, ready } = await passwords.check(event.userName, password);
    // Without its role the account could use no route; the first sign-in gives it the group the
    // record names (the API, after this trigger), so a record without one is not migrated.
    if (!user || !valid || !user.role) {
      logger.info(
        {
          trigger: event.triggerSource,
          firebaseUid: user?.uid,
          outcome: refusal(user, ready, valid),
          user: user ? undefined : maskEmail(event.userName),
        },
        'legacy sign-in refused',
      );
      throw new LegacyLoginRefusedError();
    }
    await users.markMigrated(user.uid, now());
    // Cognito does not apply the pool's policy to a migrated password (developer guide): a weak
    // one lands RESET_REQUIRED, and the API sends the owner a reset code at once.
    const finalUserStatus = meetsPasswordPolicy(password) ? 'CONFIRMED' : 'RESET_REQUIRED';
    logger.info(
      { trigger: event.triggerSource, firebaseUid: user.uid, finalUserStatus },
      'legacy user migrated',
    );
    return {
      ...event,
      response: {
        // RESET_REQUIRED needs a verified address, or Cognito has nowhere to send the reset code
        // (ForgotPassword refuses); the code itself then proves the address is the owner's
        // before any password is set.
        userAttributes: attributesOf(user, user.emailVerified || finalUserStatus !== 'CONFIRMED'),
        finalUserStatus,
        messageAction: 'SUPPRESS',
      },
    };
  };

  const forgotPassword = async (event: UserMigrationEvent): Promise<UserMigrationEvent> => {
    const user = await users.getByEmail(event.userName);
    if (!user || user.disabled || !user.role) {
      logger.info(
        {
          trigger: event.triggerSource,
          firebaseUid: user?.uid,
          outcome: !user ? 'unknown_user' : user.disabled ? 'disabled' : 'no_role',
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
