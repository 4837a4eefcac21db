import { DomainError } from '../../platform/errors/domain.error.js';
import { PASSWORD_POLICY_TEXT } from '../../platform/auth/password-policy.js';

/** Unknown user and wrong password alike: nothing tells whether the account exists. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('unauthorized', 'invalid_credentials', 'The email or password is not correct.');
  }
}

export class WeakPasswordError extends DomainError {
  constructor() {
    super(
      'invalid',
      'weak_password',
      `The password does not meet the policy: ${PASSWORD_POLICY_TEXT}`,
    );
  }
}

export class NotConfirmedError extends DomainError {
  constructor() {
    super('forbidden', 'not_confirmed', 'Confirm the account with the code sent by email first.');
  }
}

export class LoginThrottledError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      'rate_limited',
      'too_many_failed_logins',
      'Too many failed logins; try again later.',
      {},
      retryAfterSeconds,
    );
  }
}

/**
 * Too many code requests (resend-code, forgot-password) for one address or from one client.
 * Counted for every request, whatever the account's state, so it tells nothing about the account.
 */
export class TooManyCodeRequestsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      'rate_limited',
      'too_many_code_requests',
      'Too many codes asked for; try again later.',
      {},
      retryAfterSeconds,
    );
  }
}

/**
 * The temporary password was right: the account must choose its own password before any token
 * is issued (staff accounts' first sign-in). The session goes with the answer.
 */
export class NewPasswordRequiredError extends DomainError {
  constructor(session: string) {
    super(
      'forbidden',
      'new_password_required',
      'Choose a new password: POST /auth/complete-new-password with the email, this session ' +
        'and the new password, within 3 minutes.',
      { session },
    );
  }
}

/** A challenge's session that is over, already used or not this account's: sign in again. */
export class InvalidSessionError extends DomainError {
  constructor() {
    super(
      'unauthorized',
      'invalid_session',
      'The sign-in step has expired or does not belong to this account; sign in again.',
    );
  }
}

/**
 * The account must set a new password before it signs in (a Firebase password below the pool's
 * policy lands RESET_REQUIRED). Said only to whoever proved the old password; a code to set a new
 * one has gone to the account's email.
 */
export class PasswordResetRequiredError extends DomainError {
  constructor(destination?: string) {
    super(
      'forbidden',
      'password_reset_required',
      'The password must be reset: a code has been sent by email; set a new password with ' +
        'POST /auth/confirm-forgot-password.',
      destination ? { delivery: { medium: 'EMAIL', destination } } : {},
    );
  }
}
