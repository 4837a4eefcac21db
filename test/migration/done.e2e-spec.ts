import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
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
import { MIGRATIONS } from '../../src/migrations/index.js';
import { legacyPassword } from '../../src/modules/firestore-migration/generator/auth-files.js';
import { generateLegacyDataset } from '../../src/modules/firestore-migration/generator/generate.js';
import {
  migrateCleanupCommand,
  migratePlanCommand,
  migrateRunCommand,
  migrateStatusCommand,
  migrateVerifyCommand,
} from '../../src/modules/firestore-migration/migrate.command.js';
import { sourceFromConfig } from '../../src/modules/firestore-migration/source/source-from-config.js';
import { importCommand } from '../../src/modules/legacy-auth/import.command.js';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import type { Database } from '../../src/platform/storage/database.js';
import { openDatabase } from '../../src/platform/storage/open-database.js';
import { openPrivacy, type Privacy } from '../../src/privacy/privacy.js';
import { tempDir } from '../local/support.js';
import { quiet } from '../legacy-auth/support.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

const SEED = 'done';
const USERS = 80;
/** The first users of the export have a password (`Legacy-done-<index>!`). */
const PASSWORD_USERS = 8;

/**
 * Issue 12's "done means", on a fresh database, through the CLI's commands and the API: `legacy
 * generate` → `migrate plan` → `migrate run` over several days' quota → a legacy worker signs in
 * with the old password and sees their data at once → every stage verified clean → `migrate
 * cleanup`, after which the worker still sees the same data.
 */
describe('the Firestore migration, from a managed export to cleanup', () => {
  let dir: string;
  let legacy: string;
  let config: AppConfig;
  let db: Database;
  let privacy: Privacy;
  let lambda: LambdaInvokeServer;
  let cognito: CognitoLocalHandle;
  let client: CognitoIdentityProviderClient;
  let api: TestApi;
  /** A worker with a password and at least one match, and what they should see. */
  let worker: { uid: string; email: string; password: string; matches: number };

  async function cli(
    command: typeof migrateRunCommand,
    argv: string[],
    migration: Partial<AppConfig['migration']> = {},
  ) {
    let out = '';
    let err = '';
    const code = await command({
      argv,
      config: { ...config, migration: { ...config.migration, ...migration } },
      logger: quiet,
      db,
      privacy: () => Promise.resolve(privacy),
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    dir = await tempDir('wm-migration-done-');
    legacy = path.join(dir, 'legacy');
    // `legacy generate`: the old app's data as a managed export, and its users' auth export.
    await generateLegacyDataset({
      users: USERS,
      seed: SEED,
      format: 'export',
      out: legacy,
      authUsers: PASSWORD_USERS,
    });
    const hashConfig = await readFile(path.join(legacy, 'auth', 'hash-config.json'), 'utf8');
    const [cognitoPort, lambdaPort] = (await freePorts(2)) as [number, number];
    const env = {
      APP_MODE: 'local',
      DATA_DIR: dir,
      FIELD_KEYS_DIR: path.join(dir, 'keys'),
      EMBEDDED_DB_DIR: path.join(dir, 'db'),
      LOCAL_COGNITO_PORT: String(cognitoPort),
      LOCAL_LAMBDA_PORT: String(lambdaPort),
      LEGACY_AUTH_HASH_CONFIG: hashConfig,
      MIGRATION_SOURCE: 'export',
      MIGRATION_SOURCE_PATH: legacy,
    };
    config = loadConfig(env);
    db = await openDatabase(config.database, quiet);
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
    privacy = await openPrivacy(config, db);

    // `legacy-auth import`: the old accounts, so they can sign in with their old passwords.
    const imported = await importCommand({
      argv: [
        '--users',
        path.join(legacy, 'auth', 'users.json'),
        '--hash-config',
        path.join(legacy, 'auth', 'hash-config.json'),
      ],
      config,
      logger: quiet,
      db,
      out: { write: () => undefined },
      err: { write: () => undefined },
    });
    expect(imported).toBe(0);

    worker = await aWorkerWithMatches();

    lambda = await startLegacyAuthEndpoint(config, lambdaPort, () => undefined);
    cognito = await startCognitoLocal({
      dir: path.join(dir, 'cognito'),
      port: cognitoPort,
      seed: cognitoSeedFrom(config),
      log: () => undefined,
      triggers: { lambdaEndpoint: lambda.url, functions: LOCAL_TRIGGER_FUNCTIONS },
    });
    client = createCognitoClient(config);
    api = await startTestApi({
      migrate: false,
      env: {
        ...env,
        AWS_REGION: LOCAL_DEFAULTS.region,
        COGNITO_USER_POOL_ID: LOCAL_DEFAULTS.userPoolId,
        COGNITO_CLIENT_ID: LOCAL_DEFAULTS.clientId,
        COGNITO_ENDPOINT: config.aws.cognito.endpoint ?? '',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await db?.close();
    client?.destroy();
    await cognito?.close();
    await lambda?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** From the source itself: a password user the old app made a worker, with matches. */
  async function aWorkerWithMatches() {
    const users = JSON.parse(await readFile(path.join(legacy, 'auth', 'users.json'), 'utf8')) as {
      users: { localId: string; email?: string; customAttributes?: string }[];
    };
    const source = sourceFromConfig({ kind: 'export', path: legacy });
    const snapshot = await source.openSnapshot();
    const matches = new Map<string, number>();
    for (const partition of await source.partition(snapshot, 'matches', 1)) {
      for await (const { doc } of source.scan(snapshot, partition)) {
        const named = doc.fields.workerUid ?? doc.fields.worker;
        const uid =
          typeof named === 'string'
            ? named
            : named && typeof named === 'object' && 'ref' in named
              ? named.ref.split('/')[1]
              : undefined;
        if (uid) matches.set(uid, (matches.get(uid) ?? 0) + 1);
      }
    }
    await source.close();
    for (const [index, user] of users.users.slice(0, PASSWORD_USERS).entries()) {
      const role = JSON.parse(user.customAttributes ?? '{}') as { role?: string };
      const count = matches.get(user.localId) ?? 0;
      if (role.role === 'worker' && user.email && count > 0) {
        return {
          uid: user.localId,
          email: user.email,
          password: legacyPassword(SEED, index),
          matches: count,
        };
      }
    }
    throw new Error(`no password worker with matches among the first ${PASSWORD_USERS} users`);
  }

  const login = async () => {
    const response = await fetch(`${api.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: worker.email, password: worker.password }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };
  const get = async (token: string, route: string) => {
    const response = await fetch(`${api.url}${route}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const myAssignments = async (token: string) =>
    ((await get(token, '/me/assignments?limit=50')).items as { id: string; state: string }[])
      .map((a) => `${a.id}:${a.state}`)
      .sort();

  let seenAtFirstSignIn: string[] = [];

  it('plans from the export without writing anything', async () => {
    const plan = await cli(migratePlanCommand, ['--json']);

    expect(plan.code).toBe(0);
    const parsed = JSON.parse(plan.out) as { totals: { documents: number }; unmapped: string[] };
    expect(parsed.totals.documents).toBeGreaterThan(USERS * 4);
    expect(parsed.unmapped).toEqual([]);
    expect(await db.collection('members').countDocuments({})).toBe(0);
  });

  it('copies the first day’s quota only', async () => {
    const day1 = await cli(migrateRunCommand, ['--documents', '40', '--json']);

    expect(JSON.parse(day1.out)).toMatchObject({ outcome: 'quota', counts: { read: 40 } });
    expect(await db.collection('assignments').countDocuments({})).toBe(0);
  });

  it('lets a legacy worker sign in with the old password and find their profile and assignments at once', async () => {
    const token = await login();

    expect(await get(token, '/me')).toMatchObject({ id: worker.uid, role: 'worker' });
    seenAtFirstSignIn = await myAssignments(token);
    expect(seenAtFirstSignIn.length).toBeGreaterThanOrEqual(worker.matches);
    // The rest of the old app is still where the daily batch left it.
    expect(await db.collection('members').countDocuments({})).toBeLessThan(USERS);
  });

  it('copies the rest over several days, verifying each stage as it finishes, until every stage is verified clean', async () => {
    for (let day = 2; day <= 20; day++) {
      const run = await cli(migrateRunCommand, ['--documents', '250', '--json']);
      expect(run.code).toBe(0);
      await cli(migrateVerifyCommand, []);
      const status = JSON.parse((await cli(migrateStatusCommand, ['--json'])).out) as {
        stages: { status: string }[];
      };
      if (status.stages.every((s) => s.status === 'verified')) break;
    }

    const verify = await cli(migrateVerifyCommand, ['--json']);
    expect(verify.code).toBe(0);
    const report = JSON.parse(verify.out) as {
      clean: boolean;
      stages: {
        groups: {
          source: number;
          matched: number;
          reported: number;
          missing: number;
          altered: number;
          extra: number;
        }[];
      }[];
    };
    expect(report.clean).toBe(true);
    for (const group of report.stages.flatMap((s) => s.groups)) {
      expect(group).toMatchObject({ missing: 0, altered: 0, extra: 0 });
      expect(group.matched + group.reported).toBe(group.source);
    }
    // The user's data, written at sign-in, is the data the batch verified.
    expect(await myAssignments(await login())).toEqual(seenAtFirstSignIn);
  });

  it('cleans up once the retention has passed, and the worker still sees the same data', async () => {
    const cleanup = await cli(migrateCleanupCommand, [], { legacyRetentionDays: 0 });

    expect(cleanup.code).toBe(0);
    for (const collection of ['members', 'workers', 'businesses', 'shifts', 'assignments']) {
      expect(await db.collection(collection).countDocuments({ _legacy: { $exists: true } })).toBe(
        0,
      );
    }
    expect(await db.collection('legacy_notifications').countDocuments({})).toBe(0);
    const token = await login();
    expect(await get(token, '/me')).toMatchObject({ id: worker.uid, role: 'worker' });
    expect(await myAssignments(token)).toEqual(seenAtFirstSignIn);
  });
});
