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
import { startTestApi } from '../support/test-api.js';
import { exportFile, hashConfigJson, newHashParameters, quiet } from './support.js';

const OLD_PASSWORD = 'Firebase-passw0rd!';

/**
 * The lazy migration end to end: cognito-local calls our triggers through the local Lambda
 * endpoint, which runs them on the database the configuration names (the embedded engine's file,
 * which the endpoint opens itself, as in the local stack).
 */
describe('Firebase → Cognito lazy migration through cognito-local', () => {
  let dir: string;
  let config: AppConfig;
  let lambda: LambdaInvokeServer;
  let cognito: CognitoLocalHandle;
  let client: CognitoIdentityProviderClient;
  const lambdaLines: string[] = [];

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

    const db = await openDatabase(config.database, quiet);
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
    const users = new LegacyUsersRepository(db);
    const file = await exportFile(
      [
        { uid: 'fb-kim', email: 'Kim.Min@Example.com', password: OLD_PASSWORD },
        { uid: 'fb-lee', email: 'lee@example.com', password: OLD_PASSWORD },
        { uid: 'fb-park', email: 'park@example.com', password: OLD_PASSWORD },
        { uid: 'fb-weak', email: 'weak@example.com', password: 'abc123' },
        { uid: 'fb-lim', email: 'lim@example.com', password: OLD_PASSWORD },
      ],
      params,
    );
    await importLegacyUsers(parseFirebaseExport(JSON.stringify(file)), users, new Date());
    await users.saveHashParametersFingerprint(fingerprintHashParameters(params), new Date());
    await db.close();

    // What the local stack runs: the triggers on the database the configuration names.
    lambda = await startLegacyAuthEndpoint(config, lambdaPort, (_prefix, line) =>
      lambdaLines.push(line),
    );
    cognito = await startCognitoLocal({
      dir: path.join(dir, 'cognito'),
      port: cognitoPort,
      seed: cognitoSeedFrom(config),
      log: () => undefined,
      triggers: { lambdaEndpoint: lambda.url, functions: LOCAL_TRIGGER_FUNCTIONS },
    });
    client = createCognitoClient(config);
  });

  afterAll(async () => {
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

  it('migrates through our own login route, and the token it returns opens member routes', async () => {
    // The API, pointed at the same pool and database as the stack would point it.
    const api = await startTestApi({
      migrate: false,
      env: {
        APP_MODE: 'local',
        DATA_DIR: dir,
        AWS_REGION: LOCAL_DEFAULTS.region,
        COGNITO_USER_POOL_ID: LOCAL_DEFAULTS.userPoolId,
        COGNITO_CLIENT_ID: LOCAL_DEFAULTS.clientId,
        COGNITO_ENDPOINT: config.aws.cognito.endpoint ?? '',
        EMBEDDED_DB_DIR: path.join(dir, 'db'),
      },
    });
    try {
      const login = await fetch(`${api.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'Lim@example.com', password: OLD_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      // A migrated user's token has no `sub` on cognito-local; the API keys them by username.
      const logout = await fetch(`${api.url}/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(logout.status).toBe(204);
    } finally {
      await api.close();
    }
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
});
