import type { Logger } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { SessionRevocations } from '../../platform/auth/session-revocations.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import type { LegacyAccounts } from '../legacy-auth/legacy-accounts.port.js';
import type { LegacyDataMigration } from '../legacy-auth/legacy-data.port.js';
import type { MembersService } from '../members/members.service.js';
import {
  InvalidCredentialsError,
  InvalidSessionError,
  LoginThrottledError,
  NewPasswordRequiredError,
  PasswordResetRequiredError,
  TooManyCodeRequestsError,
} from './auth.errors.js';
import { AuthService, roleFrom } from './auth.service.js';
import type { CognitoAuth, SignedIn } from './cognito-auth.port.js';
import type { LoginThrottle } from './login-throttle.js';

const SUB = '0b6c4f7e-2f0a-4c1e-9d55-7b1f0d9e3a21';
const EMAIL = 'kim.worker@example.com';
const PASSWORD = 'Shift-Work1';
const IP = '203.0.113.7';
const principal: Principal = {
  sub: SUB,
  username: SUB,
  groups: ['worker'],
  tokenId: 'jti-1',
  expiresAt: 2_000_000_000,
};

const signedIn: SignedIn = {
  kind: 'signed_in',
  tokens: { accessToken: 'access', idToken: 'id', refreshToken: 'refresh', expiresIn: 3600 },
  identity: { id: SUB, username: SUB, groups: ['worker'], email: EMAIL, phone: '+821012345678' },
};

describe(AuthService.name, () => {
  let sut: AuthService;
  let cognito: StrictFake<CognitoAuth>;
  let members: StrictFake<MembersService>;
  let throttle: StrictFake<LoginThrottle>;
  let revocations: StrictFake<SessionRevocations>;
  let logger: StrictFake<Logger>;
  let legacy: StrictFake<LegacyAccounts>;

  beforeEach(() => {
    cognito = strictFake<CognitoAuth>('cognito');
    members = strictFake<MembersService>('members');
    throttle = strictFake<LoginThrottle>('throttle');
    revocations = strictFake<SessionRevocations>('revocations');
    logger = strictFake<Logger>('logger');
    legacy = strictFake<LegacyAccounts>('legacy');
    sut = new AuthService(cognito, members, throttle, revocations, logger, legacy);
    // No one is blocked unless a test says so.
    members.isBlocked.mockResolvedValue(false);
  });

  describe('a member staff blocked', () => {
    it('gets a wrong password’s 401 at sign-in, whatever cognito-local allowed, and the session it made is ended', async () => {
      throttle.check.mockResolvedValue();
      throttle.reset.mockResolvedValue();
      cognito.login.mockResolvedValue(signedIn);
      cognito.globalSignOut.mockResolvedValue();
      members.isBlocked.mockResolvedValue(true);

      await expect(sut.login({ email: EMAIL, password: PASSWORD }, IP)).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );

      expect(members.isBlocked).toHaveBeenCalledWith(SUB);
      expect(cognito.globalSignOut).toHaveBeenCalledWith('access');
      expect(members.ensureProfile).not.toHaveBeenCalled();
    });

    it('gets 401 invalid_refresh_token on refresh, and the new session is ended', async () => {
      cognito.refresh.mockResolvedValue({ tokens: signedIn.tokens, userId: SUB });
      cognito.globalSignOut.mockResolvedValue();
      members.isBlocked.mockResolvedValue(true);

      await expect(sut.refresh({ refreshToken: 'refresh' })).rejects.toMatchObject({
        code: 'invalid_refresh_token',
      });
      expect(cognito.globalSignOut).toHaveBeenCalledWith('access');
    });

    it('is refused even when ending the session fails (the block stands)', async () => {
      cognito.refresh.mockResolvedValue({ tokens: signedIn.tokens, userId: SUB });
      cognito.globalSignOut.mockRejectedValue(new Error('cognito down'));
      logger.warn.mockReturnValue(undefined);
      members.isBlocked.mockResolvedValue(true);

      await expect(sut.refresh({ refreshToken: 'refresh' })).rejects.toMatchObject({
        code: 'invalid_refresh_token',
      });
    });
  });

  describe('signUp', () => {
    it('adds the role group by the new user’s sub, not by the email alias', async () => {
      cognito.signUp.mockResolvedValue({ userSub: SUB });
      cognito.addToGroup.mockResolvedValue();

      const result = await sut.signUp({
        email: EMAIL,
        password: PASSWORD,
        phone: '+821012345678',
        role: 'business',
      });

      expect(cognito.addToGroup).toHaveBeenCalledWith(SUB, 'business');
      expect(result).toEqual({
        userId: SUB,
        confirmationRequired: true,
        delivery: { medium: 'EMAIL', destination: 'ki***@example.com' },
      });
    });

    it('removes the user again when the role group cannot be added, and fails', async () => {
      const failure = new DomainError('unavailable', 'identity_provider_unavailable', 'down');
      cognito.signUp.mockResolvedValue({ userSub: SUB });
      cognito.addToGroup.mockRejectedValue(failure);
      cognito.deleteUser.mockResolvedValue();

      await expect(
        sut.signUp({ email: EMAIL, password: PASSWORD, phone: '+821012345678', role: 'worker' }),
      ).rejects.toBe(failure);
      expect(cognito.deleteUser).toHaveBeenCalledWith(SUB);
    });
  });

  describe('confirm', () => {
    it('creates the profile keyed by the sub, with the role from the user’s groups', async () => {
      cognito.confirmSignUp.mockResolvedValue();
      cognito.getUser.mockResolvedValue({
        username: SUB,
        sub: SUB,
        email: EMAIL,
        phone: '+821012345678',
        firebaseUid: undefined,
      });
      cognito.groupsOf.mockResolvedValue(['worker']);
      members.ensureProfile.mockResolvedValue();

      await sut.confirm({ email: EMAIL, code: '123456' });

      expect(cognito.groupsOf).toHaveBeenCalledWith(SUB);
      expect(members.ensureProfile).toHaveBeenCalledWith({
        id: SUB,
        username: SUB,
        role: 'worker',
        email: EMAIL,
        phone: '+821012345678',
      });
    });

    it('keys the profile by the username when the user has no sub (migrated on cognito-local)', async () => {
      cognito.confirmSignUp.mockResolvedValue();
      cognito.getUser.mockResolvedValue({
        username: 'legacy-uuid',
        sub: undefined,
        email: EMAIL,
        phone: undefined,
        firebaseUid: 'fb-1',
      });
      cognito.groupsOf.mockResolvedValue(['worker']);
      members.ensureProfile.mockResolvedValue();

      await sut.confirm({ email: EMAIL, code: '123456' });

      expect(members.ensureProfile).toHaveBeenCalledWith(
        expect.objectContaining({ id: 'legacy-uuid' }),
      );
    });
  });

  describe('login', () => {
    it('checks the throttle, signs in, clears the username count and ensures the profile', async () => {
      throttle.check.mockResolvedValue();
      throttle.reset.mockResolvedValue();
      cognito.login.mockResolvedValue(signedIn);
      members.ensureProfile.mockResolvedValue();

      const result = await sut.login({ email: EMAIL, password: PASSWORD }, IP);

      expect(throttle.check).toHaveBeenCalledWith(EMAIL, IP);
      expect(throttle.reset).toHaveBeenCalledWith(EMAIL);
      expect(members.ensureProfile).toHaveBeenCalledWith({
        id: SUB,
        username: SUB,
        role: 'worker',
        email: EMAIL,
        phone: '+821012345678',
      });
      expect(result).toEqual({
        tokenType: 'Bearer',
        accessToken: 'access',
        idToken: 'id',
        refreshToken: 'refresh',
        expiresIn: 3600,
      });
    });

    it('counts a failure for wrong credentials and rethrows the same 401', async () => {
      throttle.check.mockResolvedValue();
      throttle.recordFailure.mockResolvedValue();
      cognito.login.mockRejectedValue(new InvalidCredentialsError());
      cognito.exists.mockResolvedValue(false);

      await expect(sut.login({ email: EMAIL, password: 'nope' }, IP)).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      expect(throttle.recordFailure).toHaveBeenCalledWith(EMAIL, IP);
    });

    it('pays the Firebase check after a wrong password for an account Cognito holds (for an unknown email the trigger paid it)', async () => {
      throttle.check.mockResolvedValue();
      throttle.recordFailure.mockResolvedValue();
      cognito.login.mockRejectedValue(new InvalidCredentialsError());
      cognito.exists.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      legacy.passwordMatches.mockResolvedValue(false);

      await expect(sut.login({ email: EMAIL, password: 'nope' }, IP)).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      await expect(
        sut.login({ email: 'unknown@example.com', password: 'nope' }, IP),
      ).rejects.toBeInstanceOf(InvalidCredentialsError);

      expect(legacy.passwordMatches).toHaveBeenCalledTimes(1);
      expect(legacy.passwordMatches).toHaveBeenCalledWith(EMAIL, 'nope');
    });

    describe('an account that must reset its password (RESET_REQUIRED)', () => {
      beforeEach(() => {
        throttle.check.mockResolvedValue();
        cognito.login.mockRejectedValue(new PasswordResetRequiredError());
      });

      it('tells the owner of the old password 403 password_reset_required and sends a reset code at once', async () => {
        legacy.passwordMatches.mockResolvedValue(true);
        throttle.countCodeRequest.mockResolvedValue();
        cognito.forgotPassword.mockResolvedValue();

        const refusal = sut.login({ email: EMAIL, password: 'abc123' }, IP);

        await expect(refusal).rejects.toMatchObject({
          kind: 'forbidden',
          code: 'password_reset_required',
          extensions: { delivery: { medium: 'EMAIL', destination: 'ki***@example.com' } },
        });
        expect(legacy.passwordMatches).toHaveBeenCalledWith(EMAIL, 'abc123');
        expect(cognito.forgotPassword).toHaveBeenCalledWith(EMAIL);
      });

      it('answers anyone else the same 401 as an unknown email, counts the failure and sends nothing', async () => {
        legacy.passwordMatches.mockResolvedValue(false);
        throttle.recordFailure.mockResolvedValue();

        await expect(sut.login({ email: EMAIL, password: 'guess' }, IP)).rejects.toBeInstanceOf(
          InvalidCredentialsError,
        );
        expect(throttle.recordFailure).toHaveBeenCalledWith(EMAIL, IP);
        expect(cognito.forgotPassword).not.toHaveBeenCalled();
      });

      it('still tells the owner when codes were asked for too often, without sending another', async () => {
        legacy.passwordMatches.mockResolvedValue(true);
        throttle.countCodeRequest.mockRejectedValue(new TooManyCodeRequestsError(60));

        await expect(sut.login({ email: EMAIL, password: 'abc123' }, IP)).rejects.toMatchObject({
          code: 'password_reset_required',
        });
        expect(cognito.forgotPassword).not.toHaveBeenCalled();
      });
    });

    describe('the first sign-in of an account the Firebase migration created (no group yet)', () => {
      const migrated: SignedIn = {
        kind: 'signed_in',
        tokens: { accessToken: 'no-role', idToken: 'id', refreshToken: 'r1', expiresIn: 3600 },
        identity: {
          id: 'legacy-uuid',
          username: 'legacy-uuid',
          groups: [],
          email: EMAIL,
          phone: undefined,
        },
      };
      const withRole: SignedIn = {
        ...migrated,
        tokens: { ...migrated.tokens, accessToken: 'with-role', refreshToken: 'r2' },
        identity: { ...migrated.identity, groups: ['business'] },
      };

      beforeEach(() => {
        throttle.check.mockResolvedValue();
        throttle.reset.mockResolvedValue();
      });

      it('gives it the role of its legacy record and its member record, then signs in again for tokens that carry the role', async () => {
        cognito.login.mockResolvedValueOnce(migrated).mockResolvedValueOnce(withRole);
        cognito.getUser.mockResolvedValue({
          username: 'legacy-uuid',
          sub: undefined,
          email: EMAIL,
          phone: undefined,
          firebaseUid: 'fb-1',
        });
        legacy.profileOf.mockResolvedValue({
          firebaseUid: 'fb-1',
          role: 'business',
          email: EMAIL,
          phone: '+821055556666',
        });
        cognito.addToGroup.mockResolvedValue();
        members.ensureProfile.mockResolvedValue();
        // The link the first sign-in makes is what the second sign-in's member lookup finds.
        const links = new Map<string, string>();
        legacy.linkCognitoUser.mockImplementation((uid: string, cognitoId: string) => {
          links.set(cognitoId, uid);
          return Promise.resolve();
        });
        logger.info.mockReturnValue();
        const withLinks = new AuthService(
          cognito,
          members,
          throttle,
          revocations,
          logger,
          legacy,
          undefined,
          {
            memberIdOf: (cognitoId) => Promise.resolve(links.get(cognitoId)),
          },
        );

        const result = await withLinks.login({ email: EMAIL, password: PASSWORD }, IP);

        expect(cognito.addToGroup).toHaveBeenCalledWith('legacy-uuid', 'business');
        // The member keeps its Firebase uid as its id, at the first sign-in and every one after.
        expect(members.ensureProfile.mock.calls.map(([profile]) => profile.id)).toEqual([
          'fb-1',
          'fb-1',
        ]);
        expect(members.ensureProfile).toHaveBeenCalledWith({
          id: 'fb-1',
          username: 'legacy-uuid',
          role: 'business',
          email: EMAIL,
          phone: '+821055556666',
        });
        expect(legacy.linkCognitoUser).toHaveBeenCalledWith('fb-1', 'legacy-uuid');
        expect(cognito.login).toHaveBeenCalledTimes(2);
        expect(result).toMatchObject({ accessToken: 'with-role', refreshToken: 'r2' });
      });

      it('brings the member’s data from the old app (the data step) once it is linked, before answering', async () => {
        cognito.login.mockResolvedValueOnce(migrated).mockResolvedValueOnce(withRole);
        cognito.getUser.mockResolvedValue({
          username: 'legacy-uuid',
          sub: undefined,
          email: EMAIL,
          phone: undefined,
          firebaseUid: 'fb-1',
        });
        legacy.profileOf.mockResolvedValue({
          firebaseUid: 'fb-1',
          role: 'worker',
          email: EMAIL,
          phone: undefined,
        });
        cognito.addToGroup.mockResolvedValue();
        members.ensureProfile.mockResolvedValue();
        const order: string[] = [];
        legacy.linkCognitoUser.mockImplementation(() => {
          order.push('link');
          return Promise.resolve();
        });
        logger.info.mockReturnValue();
        const data = strictFake<LegacyDataMigration>('legacy data');
        data.migrateOnFirstSignIn.mockImplementation((uid: string) => {
          order.push(`data ${uid}`);
          return Promise.resolve();
        });
        const withData = new AuthService(
          cognito,
          members,
          throttle,
          revocations,
          logger,
          legacy,
          undefined,
          undefined,
          data,
        );

        await withData.login({ email: EMAIL, password: PASSWORD }, IP);

        expect(order).toEqual(['link', 'data fb-1']);
      });

      it('leaves an account without a group that did not come from Firebase as it is', async () => {
        cognito.login.mockResolvedValue(migrated);
        cognito.getUser.mockResolvedValue({
          username: 'legacy-uuid',
          sub: 'legacy-uuid',
          email: EMAIL,
          phone: undefined,
          firebaseUid: undefined,
        });
        logger.warn.mockReturnValue();

        const result = await sut.login({ email: EMAIL, password: PASSWORD }, IP);

        expect(result.accessToken).toBe('no-role');
        expect(cognito.addToGroup).not.toHaveBeenCalled();
        expect(cognito.login).toHaveBeenCalledTimes(1);
      });
    });

    it('does not count other failures (Cognito down) against the user', async () => {
      throttle.check.mockResolvedValue();
      cognito.login.mockRejectedValue(
        new DomainError('unavailable', 'identity_provider_unavailable', 'down'),
      );

      await expect(sut.login({ email: EMAIL, password: PASSWORD }, IP)).rejects.toMatchObject({
        code: 'identity_provider_unavailable',
      });
      expect(throttle.recordFailure).not.toHaveBeenCalled();
    });

    it('answers a temporary password with 403 new_password_required and the session, and no tokens', async () => {
      throttle.check.mockResolvedValue();
      throttle.reset.mockResolvedValue();
      cognito.login.mockResolvedValue({ kind: 'new_password_required', session: 'session-1' });

      const refusal = sut.login({ email: EMAIL, password: PASSWORD }, IP);

      await expect(refusal).rejects.toBeInstanceOf(NewPasswordRequiredError);
      await expect(refusal).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'new_password_required',
        extensions: { session: 'session-1' },
      });
      expect(members.ensureProfile).not.toHaveBeenCalled();
    });

    it('refuses a throttled login without asking Cognito', async () => {
      throttle.check.mockRejectedValue(new LoginThrottledError(120));

      await expect(sut.login({ email: EMAIL, password: PASSWORD }, IP)).rejects.toMatchObject({
        kind: 'rate_limited',
        retryAfterSeconds: 120,
      });
      expect(cognito.login).not.toHaveBeenCalled();
    });
  });

  describe('completeNewPassword', () => {
    it('sets the new password with the session and signs in, ensuring the profile', async () => {
      throttle.check.mockResolvedValue();
      cognito.completeNewPassword.mockResolvedValue(signedIn);
      members.ensureProfile.mockResolvedValue();

      const result = await sut.completeNewPassword(
        { email: EMAIL, session: 'session-1', newPassword: 'Mine-passw0rd!' },
        IP,
      );

      expect(cognito.completeNewPassword).toHaveBeenCalledWith(
        EMAIL,
        'session-1',
        'Mine-passw0rd!',
      );
      expect(result.accessToken).toBe('access');
      expect(members.ensureProfile).toHaveBeenCalledWith(expect.objectContaining({ id: SUB }));
    });

    it('counts a refused session as a failed sign-in', async () => {
      throttle.check.mockResolvedValue();
      throttle.recordFailure.mockResolvedValue();
      cognito.completeNewPassword.mockRejectedValue(new InvalidSessionError());

      await expect(
        sut.completeNewPassword(
          { email: EMAIL, session: 'stale', newPassword: 'Mine-passw0rd!' },
          IP,
        ),
      ).rejects.toMatchObject({ code: 'invalid_session' });
      expect(throttle.recordFailure).toHaveBeenCalledWith(EMAIL, IP);
    });
  });

  describe('code requests', () => {
    it('counts a resend-code request, then asks Cognito for a new sign-up code', async () => {
      throttle.countCodeRequest.mockResolvedValue();
      cognito.resendConfirmationCode.mockResolvedValue();

      await expect(sut.resendCode({ email: EMAIL }, IP)).resolves.toEqual({ status: 'accepted' });

      expect(throttle.countCodeRequest).toHaveBeenCalledWith(EMAIL, IP);
      expect(cognito.resendConfirmationCode).toHaveBeenCalledWith(EMAIL);
    });

    it('refuses a throttled resend-code or forgot-password without asking Cognito', async () => {
      throttle.countCodeRequest.mockRejectedValue(new TooManyCodeRequestsError(60));

      await expect(sut.resendCode({ email: EMAIL }, IP)).rejects.toMatchObject({
        code: 'too_many_code_requests',
        retryAfterSeconds: 60,
      });
      await expect(sut.forgotPassword({ email: EMAIL }, IP)).rejects.toMatchObject({
        code: 'too_many_code_requests',
      });
      expect(cognito.resendConfirmationCode).not.toHaveBeenCalled();
      expect(cognito.forgotPassword).not.toHaveBeenCalled();
    });
  });

  describe('logout', () => {
    it('signs out globally and revokes every token of the member', async () => {
      cognito.globalSignOut.mockResolvedValue();
      revocations.revokeAllFor.mockResolvedValue();

      await sut.logout(principal, 'access');

      expect(cognito.globalSignOut).toHaveBeenCalledWith('access');
      expect(revocations.revokeAllFor).toHaveBeenCalledWith(SUB);
    });

    it('still revokes the tokens for this API when Cognito’s sign-out fails', async () => {
      cognito.globalSignOut.mockRejectedValue(
        new DomainError('unavailable', 'identity_provider_unavailable', 'down'),
      );
      revocations.revokeAllFor.mockResolvedValue();

      await expect(sut.logout(principal, 'access')).rejects.toMatchObject({ kind: 'unavailable' });
      expect(revocations.revokeAllFor).toHaveBeenCalledWith(SUB);
    });
  });

  describe('deleteAccount', () => {
    it('revokes the tokens, removes the Cognito user by username and marks the profile withdrawn', async () => {
      const at = new Date('2026-03-01T00:00:00Z');
      revocations.revokeAllFor.mockResolvedValue();
      cognito.deleteUser.mockResolvedValue();
      members.withdraw.mockResolvedValue({ email: EMAIL });
      legacy.forget.mockResolvedValue();

      await sut.deleteAccount(principal, at);

      expect(revocations.revokeAllFor).toHaveBeenCalledWith(SUB, at);
      expect(cognito.deleteUser).toHaveBeenCalledWith(SUB);
      expect(members.withdraw).toHaveBeenCalledWith(SUB, at);
    });

    it('forgets the legacy (Firebase) record, so the old password cannot bring the account back', async () => {
      revocations.revokeAllFor.mockResolvedValue();
      cognito.deleteUser.mockResolvedValue();
      members.withdraw.mockResolvedValue({ email: EMAIL });
      legacy.forget.mockResolvedValue();

      await sut.deleteAccount(principal);

      expect(legacy.forget).toHaveBeenCalledWith(EMAIL);
    });
  });
});

describe(roleFrom.name, () => {
  it('picks the most privileged known role and ignores other groups', () => {
    expect(roleFrom(['worker'])).toBe('worker');
    expect(roleFrom(['worker', 'operator', 'staff'])).toBe('operator');
    expect(roleFrom(['staff'])).toBeUndefined();
  });
});
