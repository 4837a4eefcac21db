import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, loadConfig, type AppConfig } from '../../src/config/config.js';
import { startCognitoLocal, type CognitoLocalHandle } from '../../src/local/cognito.js';
import { freePort } from '../../src/local/ports.js';
import { AwsCognitoAuth } from '../../src/modules/auth/aws-cognito-auth.js';
import { createStaff } from '../../src/modules/auth/create-staff.command.js';
import { MembersRepository } from '../../src/modules/members/members.repository.js';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import type { Database } from '../../src/platform/storage/database.js';
import { openPrivacy } from '../../src/privacy/privacy.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';

const quiet = pino({ level: 'silent' });

function temporaryPasswordIn(out: string): string | undefined {
  return out.match(/temporary password \(shown once[^:]*\): (\S+)/)?.[1];
}

describe('cli members create-staff', () => {
  let dir: string;
  let cognito: CognitoLocalHandle;
  let db: Database;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-staff-'));
    const port = await freePort();
    cognito = await startCognitoLocal({
      dir: path.join(dir, 'cognito'),
      port,
      seed: {
        userPoolId: LOCAL_DEFAULTS.userPoolId,
        clientId: LOCAL_DEFAULTS.clientId,
        region: 'us-east-1',
      },
      log: () => undefined,
    });
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    env = { APP_MODE: 'local', DATA_DIR: dir, LOCAL_COGNITO_PORT: String(port) };
  });

  afterAll(async () => {
    await db?.close();
    await cognito?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(argv: string[], config: AppConfig = loadConfig(env)) {
    let out = '';
    let err = '';
    const code = await createStaff({
      argv,
      config,
      logger: quiet,
      db,
      privacy: () => openPrivacy(config, db),
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
    });
    return { code, out, err };
  }

  it('creates an operator with a temporary password, printed once: FORCE_CHANGE_PASSWORD, in the operator group, with a profile', async () => {
    const config = loadConfig(env);

    const { code, out } = await run(['--email', 'Ops.Lee@example.com', '--role', 'operator']);

    expect(code).toBe(0);
    const password = temporaryPasswordIn(out);
    expect(out).toContain('(op***@example.com)');
    expect(out).toMatch(/must be changed at the first sign-in/);
    const client = createCognitoClient(config);
    const user = await client.send(
      new AdminGetUserCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username: 'ops.lee@example.com',
      }),
    );
    expect(user.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    const id = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? '';
    const { Groups } = await client.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username: user.Username,
      }),
    );
    expect(Groups?.map((g) => g.GroupName)).toEqual(['operator']);
    expect(
      await new MembersRepository(db, (await openPrivacy(config, db)).personalData).getById(id),
    ).toMatchObject({ role: 'operator', status: 'active' });
    expect(password).toBeDefined();
  });

  it('gives no tokens for the temporary password: the first sign-in must set a new one, which then carries the role', async () => {
    const config = loadConfig(env);
    const { out } = await run(['--email', 'first.sign-in@example.com', '--role', 'admin']);
    const temporary = temporaryPasswordIn(out) ?? '';
    const auth = new AwsCognitoAuth(createCognitoClient(config), config.aws.cognito, quiet);

    const first = await auth.login('first.sign-in@example.com', temporary);

    expect(first).toEqual({ kind: 'new_password_required', session: expect.any(String) });
    const signedIn = await auth.completeNewPassword(
      'first.sign-in@example.com',
      first.kind === 'new_password_required' ? first.session : '',
      'Own-choice-passw0rd!',
    );
    expect(signedIn.identity.groups).toEqual(['admin']);
    await expect(auth.login('first.sign-in@example.com', temporary)).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    expect((await auth.login('first.sign-in@example.com', 'Own-choice-passw0rd!')).kind).toBe(
      'signed_in',
    );
  });

  it('uses STAFF_INITIAL_PASSWORD as the temporary password, without printing it', async () => {
    const config = loadConfig({ ...env, STAFF_INITIAL_PASSWORD: 'Given-Pass1' });

    const { code, out } = await run(
      ['--email', 'admin.park@example.com', '--role', 'admin'],
      config,
    );

    expect(code).toBe(0);
    expect(out).not.toContain('Given-Pass1');
    expect(out).toMatch(/STAFF_INITIAL_PASSWORD.*must be changed at the first sign-in/);
    const auth = new AwsCognitoAuth(createCognitoClient(config), config.aws.cognito, quiet);
    expect(await auth.login('admin.park@example.com', 'Given-Pass1')).toMatchObject({
      kind: 'new_password_required',
    });
  });

  it.each([
    ['a member role', ['--email', 'x@example.com', '--role', 'worker']],
    ['no email', ['--role', 'admin']],
  ])('refuses %s with usage and exit code 2', async (_case, args) => {
    const { code, err } = await run(args);

    expect(code).toBe(2);
    expect(err).toContain('usage: cli members create-staff');
  });
});
