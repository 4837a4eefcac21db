import { describe, expect, it } from 'vitest';
import { toDomainError, type CognitoOperation } from './cognito-errors.js';

function cognitoError(name: string, message = 'Cognito says so') {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

function mapped(name: string, operation: CognitoOperation, message?: string) {
  const error = toDomainError(cognitoError(name, message), operation);
  return { kind: error.kind, code: error.code };
}

describe(toDomainError.name, () => {
  it.each(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException'])(
    'turns %s on login into the one 401 invalid_credentials',
    (name) => {
      expect(mapped(name, 'login')).toEqual({ kind: 'unauthorized', code: 'invalid_credentials' });
    },
  );

  it('gives every login failure the same message, never Cognito’s', () => {
    const messages = [
      'NotAuthorizedException',
      'UserNotFoundException',
      'InvalidPasswordException',
    ].map((name) => toDomainError(cognitoError(name, `about ${name}`), 'login').message);
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).not.toContain('about');
  });

  it.each<CognitoOperation>(['signUp', 'confirmForgotPassword'])(
    'turns InvalidPasswordException on %s into 400 weak_password naming the policy',
    (operation) => {
      const error = toDomainError(cognitoError('InvalidPasswordException'), operation);
      expect({ kind: error.kind, code: error.code }).toEqual({
        kind: 'invalid',
        code: 'weak_password',
      });
      expect(error.message).toContain('at least 8 characters');
    },
  );

  it('tells a wrong current password from a weak new one on change-password', () => {
    expect(mapped('InvalidPasswordException', 'changePassword', 'Invalid password')).toEqual({
      kind: 'invalid',
      code: 'wrong_password',
    });
    expect(
      mapped('InvalidPasswordException', 'changePassword', 'Password does not conform to policy'),
    ).toEqual({ kind: 'invalid', code: 'weak_password' });
    expect(mapped('NotAuthorizedException', 'changePassword')).toEqual({
      kind: 'invalid',
      code: 'wrong_password',
    });
  });

  it.each([
    ['UsernameExistsException', 'signUp', 'conflict', 'account_exists'],
    // The pre-sign-up trigger guarding a not-yet-migrated Firebase account.
    ['UserLambdaValidationException', 'signUp', 'conflict', 'account_exists'],
    ['UserLambdaValidationException', 'login', 'unauthorized', 'invalid_credentials'],
    ['CodeMismatchException', 'confirmSignUp', 'invalid', 'invalid_code'],
    ['ExpiredCodeException', 'confirmForgotPassword', 'invalid', 'expired_code'],
    ['UserNotFoundException', 'confirmSignUp', 'invalid', 'invalid_code'],
    ['LimitExceededException', 'forgotPassword', 'rate_limited', 'too_many_requests'],
    ['TooManyRequestsException', 'login', 'rate_limited', 'too_many_requests'],
    ['UserNotConfirmedException', 'login', 'forbidden', 'not_confirmed'],
    ['NotAuthorizedException', 'refresh', 'unauthorized', 'invalid_refresh_token'],
    ['NotAuthorizedException', 'confirmSignUp', 'conflict', 'already_confirmed'],
    ['InternalErrorException', 'login', 'unavailable', 'identity_provider_unavailable'],
  ] as const)('turns %s on %s into %s %s', (name, operation, kind, code) => {
    expect(mapped(name, operation)).toEqual({ kind, code });
  });

  it('gives a Retry-After for Cognito’s throttling', () => {
    expect(toDomainError(cognitoError('LimitExceededException'), 'signUp').retryAfterSeconds).toBe(
      30,
    );
  });

  it.each(['NotAuthorizedException', 'UserNotFoundException'])(
    'turns %s on completeNewPassword into 401 invalid_session (over, used or another account’s: one answer)',
    (name) => {
      expect(mapped(name, 'completeNewPassword')).toEqual({
        kind: 'unauthorized',
        code: 'invalid_session',
      });
    },
  );

  it('turns InvalidPasswordException on completeNewPassword into 400 weak_password', () => {
    expect(mapped('InvalidPasswordException', 'completeNewPassword')).toEqual({
      kind: 'invalid',
      code: 'weak_password',
    });
  });
});
