import { DomainError, ServiceUnavailableError } from '../../platform/errors/domain.error.js';
import {
  InvalidCredentialsError,
  InvalidSessionError,
  NotConfirmedError,
  PasswordResetRequiredError,
  WeakPasswordError,
} from './auth.errors.js';

/** The Cognito calls whose failures mean different things to the caller. */
export type CognitoOperation =
  | 'signUp'
  | 'confirmSignUp'
  | 'login'
  | 'completeNewPassword'
  | 'refresh'
  | 'signOut'
  | 'forgotPassword'
  | 'resendCode'
  | 'confirmForgotPassword'
  | 'changePassword'
  | 'admin';

/** How long a client should wait after Cognito's own throttling (it gives no figure). */
const COGNITO_RETRY_AFTER_SECONDS = 30;

const invalidCode = () =>
  new DomainError('invalid', 'invalid_code', 'The code is not correct for this account.');

/**
 * The one translation of Cognito's exceptions into domain errors. Messages are ours, never
 * Cognito's (which can echo what the caller sent), and never say whether an account exists,
 * except where sign-up must (409).
 */
export function toDomainError(error: unknown, operation: CognitoOperation): DomainError {
  if (error instanceof DomainError) return error;
  const name = (error as { name?: string } | undefined)?.name ?? 'Error';
  const message = (error as { message?: string } | undefined)?.message ?? '';
  if (operation === 'completeNewPassword') {
    // Any refusal of the challenge's answer but a weak password: the session is over, used, or
    // not this email's. The same answer for each, so it tells nothing about the account.
    if (name === 'InvalidPasswordException') return new WeakPasswordError();
    if (name === 'NotAuthorizedException' || name === 'UserNotFoundException')
      return new InvalidSessionError();
  }
  switch (name) {
    case 'NotAuthorizedException':
      if (operation === 'refresh')
        return new DomainError('unauthorized', 'invalid_refresh_token', 'Sign in again.');
      if (operation === 'changePassword') return wrongPassword();
      if (operation === 'signOut')
        return new DomainError('unauthorized', 'token_revoked', 'The session has already ended.');
      if (operation === 'confirmSignUp')
        // Cognito's answer for confirming an account that is already confirmed.
        return new DomainError(
          'conflict',
          'already_confirmed',
          'The account is already confirmed.',
        );
      return new InvalidCredentialsError();
    case 'UserNotFoundException':
      if (operation === 'confirmSignUp' || operation === 'confirmForgotPassword')
        return invalidCode();
      if (operation === 'admin')
        return new DomainError('not_found', 'user_not_found', 'No such user.');
      return new InvalidCredentialsError();
    case 'InvalidPasswordException':
      // cognito-local answers a wrong password this way where Cognito says NotAuthorized
      // (standins.md §1); on login both must read the same.
      if (operation === 'login') return new InvalidCredentialsError();
      if (operation === 'changePassword' && !/conform|policy/i.test(message))
        return wrongPassword();
      return new WeakPasswordError();
    case 'UsernameExistsException':
    case 'AliasExistsException':
      return new DomainError('conflict', 'account_exists', 'An account with this email exists.');
    case 'UserLambdaValidationException':
      // A trigger refused: on sign-up, the pre-sign-up check guarding a legacy (Firebase)
      // account not yet migrated — for the caller, an existing account like any other.
      if (operation === 'signUp') {
        return new DomainError(
          'conflict',
          'account_exists',
          'An account with this email exists; sign in or reset the password.',
        );
      }
      return new InvalidCredentialsError();
    case 'CodeMismatchException':
      return invalidCode();
    case 'ExpiredCodeException':
      return new DomainError('invalid', 'expired_code', 'The code has expired; ask for a new one.');
    case 'LimitExceededException':
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
      return new DomainError(
        'rate_limited',
        'too_many_requests',
        'Too many attempts; try again later.',
        {},
        COGNITO_RETRY_AFTER_SECONDS,
      );
    case 'UserNotConfirmedException':
      return new NotConfirmedError();
    case 'PasswordResetRequiredException':
      // Cognito answers it whatever the password: the sign-in path (AuthService) tells the
      // owner only, after checking the old password itself.
      return new PasswordResetRequiredError();
    case 'InvalidParameterException':
      return new DomainError(
        'invalid',
        'invalid_parameter',
        'The identity provider refused a value.',
      );
    default:
      return new ServiceUnavailableError(
        'identity_provider_unavailable',
        'The identity provider did not answer; try again shortly.',
      );
  }
}

function wrongPassword(): DomainError {
  return new DomainError('invalid', 'wrong_password', 'The current password is not correct.');
}
