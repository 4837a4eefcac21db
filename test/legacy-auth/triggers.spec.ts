import { baseOptions } from '../../src/platform/logging/logger.js';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseFirebaseExport } from '../../src/modules/legacy-auth/firebase-export.js';
import { fingerprintHashParameters } from '../../src/modules/legacy-auth/firebase-scrypt.js';
import type { FirebaseHashParameters } from '../../src/modules/legacy-auth/firebase-scrypt.js';
import { importLegacyUsers } from '../../src/modules/legacy-auth/import-legacy-users.js';
import {
  createLegacyAuthTriggers,
  LegacyEmailReservedError,
  LegacyLoginRefusedError,
  type PreSignUpEvent,
  type UserMigrationEvent,
} from '../../src/modules/legacy-auth/legacy-auth.triggers.js';
import { LegacyUsersRepository } from '../../src/modules/legacy-auth/legacy-users.repository.js';
import { LogCapture } from '../support/log-capture.js';
import { exportFile, newHashParameters, openTestDatabase, type TestDatabase } from './support.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const PASSWORD = 'Old-passw0rd!';

function migrationEvent(
  userName: string,
  password: string | undefined,
  triggerSource: UserMigrationEvent['triggerSource'] = 'UserMigration_Authentication',
): UserMigrationEvent {
  return {
    version: '1',
    region: 'ap-northeast-2',
    userPoolId: 'ap-northeast-2_AbCdEf123',
    userName,
    triggerSource,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    request: password === undefined ? {} : { password, validationData: null },
    response: {},
  };
}

function signUpEvent(email: string | undefined): PreSignUpEvent {
  return {
    version: '1',
    region: 'ap-northeast-2',
    userPoolId: 'ap-northeast-2_AbCdEf123',
    userName: '5b1c0e0e-4b3c-4c1e-9a65-0d0c5f1b2a11',
    triggerSource: 'PreSignUp_SignUp',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    request: { userAttributes: email ? { email } : {} },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  };
}

describe('legacy-auth triggers', () => {
  let ctx: TestDatabase;
  let params: FirebaseHashParameters;
  let users: LegacyUsersRepository;
  let logs: LogCapture;

  // `sut(undefined)`: no parameters configured (a default argument would hide that case).
  const sut = (...configured: [FirebaseHashParameters | undefined] | []) =>
    createLegacyAuthTriggers({
      users,
      hashParameters: configured.length === 0 ? params : configured[0],
      logger: pino(baseOptions('info', 'legacy-auth'), logs),
      now: () => NOW,
    });

  beforeAll(async () => {
    ctx = await openTestDatabase();
    params = newHashParameters();
    users = new LegacyUsersRepository(ctx.db);
    const file = await exportFile(
      [
        { uid: 'uid-kim', email: 'Kim@Example.com', password: PASSWORD, emailVerified: true },
        {
          uid: 'uid-unv',
          email: 'unverified@example.com',
          password: PASSWORD,
          emailVerified: false,
        },
        { uid: 'uid-weak', email: 'weak@example.com', password: 'abc123' },
        { uid: 'uid-off', email: 'off@example.com', password: PASSWORD, disabled: true },
        { uid: 'uid-goo', email: 'goo@example.com', providers: ['google.com'] },
        { uid: 'uid-reset', email: 'reset@example.com', password: PASSWORD },
        { uid: 'uid-taken', email: 'taken@example.com', password: PASSWORD },
        {
          uid: 'uid-weak-unv',
          email: 'weak.unverified@example.com',
          password: 'abc123',
          emailVerified: false,
        },
      ],
      params,
    );
    await importLegacyUsers(parseFirebaseExport(JSON.stringify(file)), users, NOW);
    // A record stored before the import read the role claim.
    const [older] = (
      await exportFile([{ uid: 'uid-old', email: 'old@example.com', password: PASSWORD }], params)
    ).users;
    await users.upsertMany(
      [
        {
          uid: 'uid-old',
          email: 'old@example.com',
          emailVerified: true,
          password: { hash: String(older?.passwordHash), salt: String(older?.salt) },
          disabled: false,
          providers: ['password'],
          role: undefined,
          phone: undefined,
        },
      ],
      NOW,
    );
    await users.saveHashParametersFingerprint(fingerprintHashParameters(params), NOW);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  beforeEach(() => {
    logs = new LogCapture();
  });

  describe('UserMigration_Authentication', () => {
    it('migrates a user with the old password: attributes, CONFIRMED, no welcome message', async () => {
      const event = migrationEvent('KIM@example.com', PASSWORD);

      const result = await sut().userMigrationHandler(event);

      expect(result.response).toEqual({
        userAttributes: {
          email: 'kim@example.com',
          email_verified: 'true',
          'custom:firebase_uid': 'uid-kim',
        },
        finalUserStatus: 'CONFIRMED',
        messageAction: 'SUPPRESS',
      });
      expect(result.userName).toBe('KIM@example.com');
      expect((await users.getByUid('uid-kim'))?.migratedAt).toEqual(NOW);
    });

    it("carries Firebase's email_verified as it was", async () => {
      const result = await sut().userMigrationHandler(
        migrationEvent('unverified@example.com', PASSWORD),
      );
      expect(result.response.userAttributes?.email_verified).toBe('false');
    });

    it("asks for a new password when the old one is below the pool's policy", async () => {
      const result = await sut().userMigrationHandler(migrationEvent('weak@example.com', 'abc123'));
      expect(result.response.finalUserStatus).toBe('RESET_REQUIRED');
    });

    it('marks the email verified when the password must be reset, so Cognito can send the code', async () => {
      const result = await sut().userMigrationHandler(
        migrationEvent('weak.unverified@example.com', 'abc123'),
      );

      expect(result.response).toMatchObject({
        finalUserStatus: 'RESET_REQUIRED',
        userAttributes: { email_verified: 'true', 'custom:firebase_uid': 'uid-weak-unv' },
      });
    });

    it('refuses a user whose record has no role, even with the right password, with the same error', async () => {
      await expect(
        sut().userMigrationHandler(migrationEvent('old@example.com', PASSWORD)),
      ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
      await expect(
        sut().userMigrationHandler(
          migrationEvent('old@example.com', undefined, 'UserMigration_ForgotPassword'),
        ),
      ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
      expect(logs.lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ firebaseUid: 'uid-old', outcome: 'no_role' }),
        ]),
      );
      expect((await users.getByUid('uid-old'))?.migratedAt).toBeUndefined();
    });

    it('refuses a wrong password and an unknown email with the same error', async () => {
      const wrong = sut().userMigrationHandler(
        migrationEvent('kim@example.com', 'Wrong-passw0rd!'),
      );
      const unknown = sut().userMigrationHandler(migrationEvent('nobody@example.com', PASSWORD));

      const errors = await Promise.allSettled([wrong, unknown]);
      for (const outcome of errors) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(LegacyLoginRefusedError);
        expect(reason.message).toBe('Incorrect username or password.');
      }
    });

    it('refuses a disabled Firebase user even with the right password', async () => {
      await expect(
        sut().userMigrationHandler(migrationEvent('off@example.com', PASSWORD)),
      ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
      expect((await users.getByUid('uid-off'))?.migratedAt).toBeUndefined();
    });

    it('refuses an OAuth-only user (no password to check)', async () => {
      await expect(
        sut().userMigrationHandler(migrationEvent('goo@example.com', PASSWORD)),
      ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
    });

    it('refuses everyone when the hash parameters are missing or not those of the import', async () => {
      await expect(
        sut(undefined).userMigrationHandler(migrationEvent('taken@example.com', PASSWORD)),
      ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
      await expect(
        sut({ ...params, rounds: 7 }).userMigrationHandler(
          migrationEvent('taken@example.com', PASSWORD),
        ),
      ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
      expect(logs.lines.map((l) => l.msg)).toContain(
        'the configured Firebase hash parameters are not the ones of the import',
      );
      expect((await users.getByUid('uid-taken'))?.migratedAt).toBeUndefined();
    });

    it('keeps the first migration date when Cognito asks again', async () => {
      const later = createLegacyAuthTriggers({
        users,
        hashParameters: params,
        logger: pino({ level: 'silent' }),
        now: () => new Date('2027-01-01T00:00:00Z'),
      });
      await later.userMigrationHandler(migrationEvent('kim@example.com', PASSWORD));
      expect((await users.getByUid('uid-kim'))?.migratedAt).toEqual(NOW);
    });

    it('logs ids and masked emails, never the password, hash or address', async () => {
      await sut().userMigrationHandler(migrationEvent('kim@example.com', PASSWORD));
      await sut()
        .userMigrationHandler(migrationEvent('nobody@example.com', 'Wrong-passw0rd!'))
        .catch(() => undefined);

      const text = logs.text();
      expect(logs.lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ msg: 'legacy user migrated', firebaseUid: 'uid-kim' }),
          expect.objectContaining({
            msg: 'legacy sign-in refused',
            outcome: 'unknown_user',
            user: 'no***@example.com',
          }),
        ]),
      );
      for (const secret of [PASSWORD, 'Wrong-passw0rd!', 'kim@example.com', 'nobody@']) {
        expect(text).not.toContain(secret);
      }
      const stored = await users.getByUid('uid-kim');
      expect(text).not.toContain(stored?.password?.hash ?? 'x');
    });
  });

  describe('UserMigration_ForgotPassword', () => {
    it('hands a known user to Cognito for a reset code: verified email, RESET_REQUIRED, no welcome', async () => {
      const result = await sut().userMigrationHandler(
        migrationEvent('Reset@example.com', undefined, 'UserMigration_ForgotPassword'),
      );

      expect(result.response).toEqual({
        userAttributes: {
          email: 'reset@example.com',
          email_verified: 'true',
          'custom:firebase_uid': 'uid-reset',
        },
        finalUserStatus: 'RESET_REQUIRED',
        messageAction: 'SUPPRESS',
      });
      expect((await users.getByUid('uid-reset'))?.migratedAt).toEqual(NOW);
    });

    it('lets an OAuth-only user set a password through the reset code', async () => {
      const result = await sut().userMigrationHandler(
        migrationEvent('goo@example.com', undefined, 'UserMigration_ForgotPassword'),
      );
      expect(result.response.userAttributes?.['custom:firebase_uid']).toBe('uid-goo');
    });

    it('refuses an unknown email and a disabled user with the sign-in error', async () => {
      for (const email of ['nobody@example.com', 'off@example.com']) {
        await expect(
          sut().userMigrationHandler(
            migrationEvent(email, undefined, 'UserMigration_ForgotPassword'),
          ),
        ).rejects.toBeInstanceOf(LegacyLoginRefusedError);
      }
    });
  });

  describe('PreSignUp', () => {
    it('refuses a sign-up that would take a not-yet-migrated legacy email, in any case', async () => {
      await expect(sut().preSignUpHandler(signUpEvent('Taken@Example.com'))).rejects.toBeInstanceOf(
        LegacyEmailReservedError,
      );
      expect(logs.text()).not.toContain('taken@example.com');
    });

    it('passes a new email, and the email of a user already migrated', async () => {
      const fresh = await sut().preSignUpHandler(signUpEvent('someone-new@example.com'));
      expect(fresh.response).toEqual({
        autoConfirmUser: false,
        autoVerifyEmail: false,
        autoVerifyPhone: false,
      });
      await users.markMigrated('uid-unv', NOW);
      await expect(
        sut().preSignUpHandler(signUpEvent('unverified@example.com')),
      ).resolves.toBeDefined();
    });
  });

  describe('dispatch', () => {
    it('routes by triggerSource and refuses triggers it does not handle', async () => {
      const triggers = sut();
      await expect(triggers.handle(signUpEvent('x@example.com'))).resolves.toMatchObject({
        triggerSource: 'PreSignUp_SignUp',
      });
      await expect(
        triggers.handle({
          ...signUpEvent('x@example.com'),
          triggerSource: 'PostConfirmation_ConfirmSignUp',
        } as unknown as PreSignUpEvent),
      ).rejects.toThrow(/does not handle the PostConfirmation_ConfirmSignUp trigger/);
    });
  });
});
