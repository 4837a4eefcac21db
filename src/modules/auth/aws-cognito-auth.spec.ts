import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import { AwsCognitoAuth } from './aws-cognito-auth.js';

function cognitoError(name: string) {
  return Object.assign(new Error(`Cognito says ${name}`), {
    name,
    $metadata: { httpStatusCode: 400 },
  });
}

describe(AwsCognitoAuth.name, () => {
  let client: StrictFake<CognitoIdentityProviderClient>;
  let sut: AwsCognitoAuth;

  beforeEach(() => {
    client = strictFake<CognitoIdentityProviderClient>('cognito client');
    sut = new AwsCognitoAuth(
      client,
      { userPoolId: 'ap-northeast-2_Pool1', clientId: 'client' },
      pino({ level: 'silent' }),
    );
  });

  describe('code requests (forgot-password, resend-code)', () => {
    it.each([
      'UserNotFoundException',
      'UserLambdaValidationException',
      'InvalidParameterException',
      'NotAuthorizedException',
      'LimitExceededException',
    ])('reads %s as sent: it would tell an account’s state', async (name) => {
      client.send.mockRejectedValue(cognitoError(name));

      await expect(sut.forgotPassword('kim@example.com')).resolves.toBeUndefined();
      await expect(sut.resendConfirmationCode('kim@example.com')).resolves.toBeUndefined();
    });

    it('still reports an outage as 503', async () => {
      client.send.mockRejectedValue(cognitoError('InternalErrorException'));

      await expect(sut.resendConfirmationCode('kim@example.com')).rejects.toMatchObject({
        kind: 'unavailable',
      });
    });
  });

  describe('login', () => {
    it('returns the NEW_PASSWORD_REQUIRED challenge with its session instead of tokens', async () => {
      client.send.mockResolvedValue({
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: 'session-1',
        ChallengeParameters: {},
      } as never);

      await expect(sut.login('ops@example.com', 'Temp-passw0rd!')).resolves.toEqual({
        kind: 'new_password_required',
        session: 'session-1',
      });
    });

    it('refuses a challenge the API does not offer with 403 challenge_required', async () => {
      client.send.mockResolvedValue({ ChallengeName: 'SMS_MFA', Session: 's' } as never);

      await expect(sut.login('ops@example.com', 'Temp-passw0rd!')).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'challenge_required',
      });
    });

    it('turns PasswordResetRequiredException into the error the sign-in path checks the old password for', async () => {
      client.send.mockRejectedValue(cognitoError('PasswordResetRequiredException'));

      await expect(sut.login('weak@example.com', 'whatever')).rejects.toMatchObject({
        code: 'password_reset_required',
      });
    });
  });

  describe('exists', () => {
    it('answers false for an unknown user and true for a known one', async () => {
      client.send
        .mockRejectedValueOnce(cognitoError('UserNotFoundException'))
        .mockResolvedValueOnce({ Username: 'u-1', UserAttributes: [] } as never);

      await expect(sut.exists('nobody@example.com')).resolves.toBe(false);
      await expect(sut.exists('kim@example.com')).resolves.toBe(true);
    });
  });
});
