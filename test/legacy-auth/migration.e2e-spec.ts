import path from 'node:path';
import {
  AdminGetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, loadConfig, type AppConfig } from '../../src/config/config.js';
import {
  cognitoSeedFrom,
  startCognitoLocal,
  type CognitoLocalHandle,
} from '../../src/local/cognito.js';
import {
  LOCAL_TRIGGER_FUNCTIONS,
  startLegacyAuthEndpoint,
  type LambdaInvokeServer,
} from '../../src/local/lambda-invoke.js';
import { freePorts } from '../../src/local/ports.js';
import { parseFirebaseExport } from '../../src/modules/legacy-auth/firebase-export.js';
import { fingerprintHashParameters } from '../../src/modules/legacy-auth/firebase-scrypt.js';
import { importLegacyUsers } from '../../src/modules/legacy-auth/import-legacy-users.js';
import { LegacyUsersRepository } from '../../src/modules/legacy-auth/legacy-users.repository.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import { openDatabase } from '../../src/platform/storage/open-database.js';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import { tempDir } from '../local/support.js';
import type { Database } from '../../src/platform/storage/database.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { exportFile, hashConfigJson, newHashParameters, quiet } from './support.js';

const OLD_PASSWORD = 'Firebase-passw0rd!';
/** Below the pool's policy: such an account lands RESET_REQUIRED. */
const WEAK_PASSWORD = 'abc12345';

function post(url: string, body: unknown, token?: string) {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/** A problem without the parts that differ per request. */
async function problemBody(response: Response): Promise<Record<string, unknown>> {
  const {
    requestId: _requestId,
    instance: _instance,
    ...rest
  } = (await response.json()) as Record<string, unknown>;
  return rest;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The lazy migration end to end: cognito-local calls our triggers through the local Lambda
 * endpoint, which runs them on the database the configuration names (the embedded engine's file,
 * which the endpoint opens itself, as in the local stack).
 */
describe('Firebase → Cognito lazy migration through cognito-local', () => {
  let dir: string;
  let config: AppConfig;
  let db: Database;
  let lambda: LambdaInvokeServer;
  let cognito: CognitoLocalHandle;
  let client: CognitoIdentityProviderClient;
  let api: TestApi;
  let users: LegacyUsersRepository;
  const lambdaLines: string[] = [];
  /** What cognito-local "sent": `code <digits> for user <username> (<masked address>)`. */
  const cognitoLines: string[] = [];

  const auth = (email: string, password: string) =>
    client.send(
      new InitiateAuthCommand({
        ClientId: LOCAL_DEFAULTS.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );

  beforeAll(async () => {
    dir = await tempDir('wm-legacy-e2e-');
    const [cognitoPort, lambdaPort] = (await freePorts(2)) as [number, number];
    const params = newHashParameters();
    config = loadConfig({
      APP_MODE: 'local',
      DATA_DIR: dir,
      LOCAL_COGNITO_PORT: String(cognitoPort),
      LOCAL_LAMBDA_PORT: String(lambdaPort),
      LEGACY_AUTH_HASH_CONFIG: hashConfigJson(params),
    });

    db = await openDatabase(config.database, quiet);
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
    users = new LegacyUsersRepository(db);
    const file = await exportFile(
      [
        { uid: 'fb-kim', email: 'Kim.Min@Example.com', password: OLD_PASSWORD },
        { uid: 'fb-lee', email: 'lee@example.com', password: OLD_PASSWORD },
        { uid: 'fb-park', email: 'park@example.com', password: OLD_PASSWORD },
        { uid: 'fb-weak', email: 'weak@example.com', password: 'abc123' },
        {
          uid: 'fb-lim',
          email: 'Lim@example.com',
          password: OLD_PASSWORD,
          role: 'worker',
          phone: '+821055556666',
        },
        { uid: 'fb-shop', email: 'shop@example.com', password: OLD_PASSWORD, role: 'business' },
        { uid: 'fb-weak-2', email: 'weak.two@example.com', password: WEAK_PASSWORD },
        { uid: 'fb-weak-3', email: 'weak.three@example.com', password: WEAK_PASSWORD },
        { uid: 'fb-normal', email: 'normal@example.com', password: OLD_PASSWORD },
        { uid: 'fb-waiting', email: 'waiting@example.com', password: OLD_PASSWORD },
        {
          uid: 'fb-google',
          email: 'google.user@example.com',
          providers: ['google.com'],
          role: 'business',
        },
      ],
      params,
    );
    await importLegacyUsers(parseFirebaseExport(JSON.stringify(file)), users, new Date());
    await users.saveHashParametersFingerprint(fingerprintHashParameters(params), new Date());

    // What the local stack runs: the triggers on the database the configuration names.
    lambda = await startLegacyAuthEndpoint(config, lambdaPort, (_prefix, line) =>
      lambdaLines.push(line),
    );
    cognito = await startCognitoLocal({
      dir: path.join(dir, 'cognito'),
      port: cognitoPort,
      seed: cognitoSeedFrom(config),
      log: (line) => cognitoLines.push(line),
      triggers: { lambdaEndpoint: lambda.url, functions: LOCAL_TRIGGER_FUNCTIONS },
    });
    client = createCognitoClient(config);
    // The API, pointed at the same pool, database and Firebase parameters as the stack points it.
    api = await startTestApi({
      migrate: false,
      env: {
        APP_MODE: 'local',
        DATA_DIR: dir,
        AWS_REGION: LOCAL_DEFAULTS.region,
        COGNITO_USER_POOL_ID: LOCAL_DEFAULTS.userPoolId,
        COGNITO_CLIENT_ID: LOCAL_DEFAULTS.clientId,
        COGNITO_ENDPOINT: config.aws.cognito.endpoint ?? '',
        EMBEDDED_DB_DIR: path.join(dir, 'db'),
        LEGACY_AUTH_HASH_CONFIG: hashConfigJson(params),
        // The timing test signs in many times with wrong passwords.
        LOGIN_THROTTLE_MAX_PER_USERNAME: '1000',
        LOGIN_THROTTLE_MAX_PER_IP: '10000',
      },
    });
  });

  afterAll(async () => {
    await api?.close();
    await db?.close();
    client?.destroy();
    await cognito?.close();
    await lambda?.close();
  });

  it('signs a Firebase user in with the old password and creates them in Cognito, CONFIRMED, with the Firebase uid', async () => {
    const { AuthenticationResult: tokens } = await auth('kim.min@example.com', OLD_PASSWORD);

    expect(tokens?.AccessToken).toBeTruthy();
    expect(tokens?.RefreshToken).toBeTruthy();
    const user = await client.send(
      new AdminGetUserCommand({
        UserPoolId: LOCAL_DEFAULTS.userPoolId,
        Username: 'kim.min@example.com',
      }),
    );
    expect(user.UserStatus).toBe('CONFIRMED');
    const attributes = Object.fromEntries(
      (user.UserAttributes ?? []).map((a) => [a.Name, a.Value]),
    );
    expect(attributes).toMatchObject({
      email: 'kim.min@example.com',
      email_verified: 'true',
      'custom:firebase_uid': 'fb-kim',
    });

    // From now on Cognito knows the user: the next sign-in does not need the trigger.
    await expect(auth('kim.min@example.com', OLD_PASSWORD)).resolves.toMatchObject({
      AuthenticationResult: expect.objectContaining({ AccessToken: expect.any(String) }),
    });
  });

  it('refuses a wrong password with NotAuthorized, and creates nobody', async () => {
    await expect(auth('lee@example.com', 'Wrong-passw0rd!')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await expect(auth('nobody@example.com', OLD_PASSWORD)).rejects.toMatchObject({
      name: 'NotAuthorizedException',
    });
    await expect(
      client.send(
        new AdminGetUserCommand({
          UserPoolId: LOCAL_DEFAULTS.userPoolId,
          Username: 'lee@example.com',
        }),
      ),
    ).rejects.toMatchObject({ name: 'UserNotFoundException' });
    // The endpoint's log: the Firebase uid or a masked address, never the address or password.
    const log = lambdaLines.join('\n');
    expect(log).toMatch(/legacy sign-in refused .*firebaseUid=fb-lee .*outcome=wrong_password/);
    expect(log).toMatch(/outcome=unknown_user .*user=no\*\*\*@example\.com/);
    expect(log).not.toMatch(/lee@|nobody@|passw0rd/);
  });

  it('asks a user whose old password is below the policy to reset it', async () => {
    await expect(auth('weak@example.com', 'abc123')).rejects.toMatchObject({
      name: 'PasswordResetRequiredException',
    });
  });

  it('refuses a sign-up with the email of a legacy user not yet migrated', async () => {
    await expect(
      client.send(
        new SignUpCommand({
          ClientId: LOCAL_DEFAULTS.clientId,
          Username: 'Park@example.com',
          Password: 'Hijack-passw0rd!',
          UserAttributes: [{ Name: 'email', Value: 'Park@example.com' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'UserLambdaValidationException' });

    // The real owner still migrates with the old password.
    await expect(auth('park@example.com', OLD_PASSWORD)).resolves.toBeDefined();
  });

  it('lets a new email sign up', async () => {
    await expect(
      client.send(
        new SignUpCommand({
          ClientId: LOCAL_DEFAULTS.clientId,
          Username: 'new.member@example.com',
          Password: 'New-passw0rd!',
          UserAttributes: [{ Name: 'email', Value: 'new.member@example.com' }],
        }),
      ),
    ).resolves.toMatchObject({ UserConfirmed: false });
  });

  describe('through our API', () => {
    const login = (email: string, password: string) =>
      post(`${api.url}/auth/login`, { email, password });
    const usernameOf = async (email: string) =>
      (
        await client.send(
          new AdminGetUserCommand({ UserPoolId: LOCAL_DEFAULTS.userPoolId, Username: email }),
        )
      ).Username ?? '';
    const codeFor = (username: string) =>
      cognitoLines.findLast((l) => l.includes(`for user ${username} `))?.match(/^code (\d+) /)?.[1];
    const codesFor = (username: string) =>
      cognitoLines.filter((l) => l.includes(`for user ${username} `)).length;

    it('gives a Firebase user, at the first sign-in, the role of the legacy record and a member record: /me and the role routes answer', async () => {
      const response = await login('lim@example.com', OLD_PASSWORD);

      expect(response.status).toBe(200);
      const { accessToken } = (await response.json()) as { accessToken: string };
      expect(claimsOf(accessToken)['cognito:groups']).toEqual(['worker']);
      const me = await fetch(`${api.url}/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(me.status).toBe(200);
      const profile = (await me.json()) as { id: string };
      expect(profile).toMatchObject({
        role: 'worker',
        status: 'active',
        email: 'li***@example.com',
        phone: '010-****-6666',
      });
      const workerProfile = await fetch(`${api.url}/workers/me`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({
          legalName: '임하늘',
          birthDate: '1995-04-02',
          phone: '010-5555-6666',
        }),
      });
      expect(workerProfile.status).toBe(200);
      // The member keeps its Firebase uid as its id (the data migration writes under it), and
      // the Cognito user the trigger made is linked to it.
      expect(profile.id).toBe('fb-lim');
      expect((await users.getByUid('fb-lim'))?.cognitoId).toEqual(expect.any(String));
      // A migrated user's token has no `sub` on cognito-local; the API keys them by username.
      const logout = await fetch(`${api.url}/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(logout.status).toBe(204);
    });

    it('gives a business its business role, and signs in directly from then on', async () => {
      const first = await login('shop@example.com', OLD_PASSWORD);
      expect(first.status).toBe(200);

      const again = await login('shop@example.com', OLD_PASSWORD);

      expect(again.status).toBe(200);
      const { accessToken } = (await again.json()) as { accessToken: string };
      expect(claimsOf(accessToken)['cognito:groups']).toEqual(['business']);
    });

    it('answers the first sign-in with a weak old password 403 password_reset_required and sends a reset code at once; the code sets a password that signs in with the role', async () => {
      const response = await login('weak.two@example.com', WEAK_PASSWORD);

      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        code: 'password_reset_required',
        delivery: { medium: 'EMAIL', destination: 'we***@example.com' },
      });
      const username = await usernameOf('weak.two@example.com');
      const code = codeFor(username);
      expect(code).toMatch(/^\d{6}$/);

      const reset = await post(`${api.url}/auth/confirm-forgot-password`, {
        email: 'weak.two@example.com',
        code,
        password: 'Now-much-str0nger!',
      });
      expect(reset.status).toBe(200);
      const signedIn = await login('weak.two@example.com', 'Now-much-str0nger!');
      expect(signedIn.status).toBe(200);
      const { accessToken } = (await signedIn.json()) as { accessToken: string };
      expect(claimsOf(accessToken)['cognito:groups']).toEqual(['worker']);
      const me = await fetch(`${api.url}/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(me.status).toBe(200);
    });

    it('tells a reset-required account apart only to its owner: the old password gets 403 and a new code, a wrong one the same 401 as every other failure', async () => {
      expect((await login('weak.three@example.com', WEAK_PASSWORD)).status).toBe(403);
      const username = await usernameOf('weak.three@example.com');
      const codes = codesFor(username);
      // A normal account (migrated, CONFIRMED), and a legacy account not yet migrated.
      expect((await login('normal@example.com', OLD_PASSWORD)).status).toBe(200);

      const answers = await Promise.all(
        [
          ['weak.three@example.com', 'Wrong-passw0rd!'],
          ['nobody.anywhere@example.com', 'Wrong-passw0rd!'],
          ['normal@example.com', 'Wrong-passw0rd!'],
          ['waiting@example.com', 'Wrong-passw0rd!'],
        ].map(async ([email, password]) => {
          const response = await login(email ?? '', password ?? '');
          return { status: response.status, body: await problemBody(response) };
        }),
      );

      for (const answer of answers) {
        expect(answer).toEqual({
          status: 401,
          body: expect.objectContaining({ code: 'invalid_credentials' }) as unknown,
        });
        expect(answer).toEqual(answers[0]);
      }
      expect(codesFor(username)).toBe(codes);
      const owner = await login('weak.three@example.com', WEAK_PASSWORD);
      expect(owner.status).toBe(403);
      expect(codesFor(username)).toBe(codes + 1);
    });

    it('answers a wrong password for a reset-required, a normal and a not-yet-migrated account in about the time of an unknown email', async () => {
      // Accounts in each state (the tests above made them), each tried with a wrong password.
      const cases = {
        unknown: 'nobody.timed@example.com',
        resetRequired: 'weak.three@example.com',
        normal: 'normal@example.com',
        notMigrated: 'waiting@example.com',
      } as const;
      const times: Record<keyof typeof cases, number[]> = {
        unknown: [],
        resetRequired: [],
        normal: [],
        notMigrated: [],
      };
      for (let round = 0; round < 15; round += 1) {
        // Interleaved, so load on the machine falls on every case alike.
        for (const [name, email] of Object.entries(cases) as [keyof typeof cases, string][]) {
          const started = performance.now();
          const response = await login(email, `Wrong-passw0rd-${round}!`);
          times[name].push(performance.now() - started);
          expect(response.status).toBe(401);
        }
      }

      const unknown = median(times.unknown);
      const ratios = {
        resetRequired: median(times.resetRequired) / unknown,
        normal: median(times.normal) / unknown,
        notMigrated: median(times.notMigrated) / unknown,
      };
      console.info(
        `login 401 medians (ms): unknown ${unknown.toFixed(1)}; ratios to it: ${JSON.stringify(
          Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Number(v.toFixed(2))])),
        )}`,
      );
      for (const ratio of Object.values(ratios)) {
        expect(ratio).toBeGreaterThan(0.5);
        expect(ratio).toBeLessThan(2);
      }
    });

    it('lets a legacy user without a password (OAuth-only) set one through forgot-password, and gives them their role', async () => {
      const forgot = await post(`${api.url}/auth/forgot-password`, {
        email: 'google.user@example.com',
      });
      expect(forgot.status).toBe(202);
      const username = await usernameOf('google.user@example.com');
      const code = codeFor(username);
      expect(code).toMatch(/^\d{6}$/);

      expect(
        (
          await post(`${api.url}/auth/confirm-forgot-password`, {
            email: 'google.user@example.com',
            code,
            password: 'First-own-passw0rd!',
          })
        ).status,
      ).toBe(200);
      const signedIn = await login('google.user@example.com', 'First-own-passw0rd!');

      expect(signedIn.status).toBe(200);
      const { accessToken } = (await signedIn.json()) as { accessToken: string };
      expect(claimsOf(accessToken)['cognito:groups']).toEqual(['business']);
    });

    it('keeps passwords, hashes and addresses out of the API log', () => {
      const text = api.logs.text();
      for (const secret of [OLD_PASSWORD, WEAK_PASSWORD, 'Wrong-passw0rd', 'lim@example.com']) {
        expect(text).not.toContain(secret);
      }
    });
  });
});
