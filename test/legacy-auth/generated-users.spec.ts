import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { legacyPassword } from '../../src/modules/firestore-migration/generator/auth-files.js';
import { generateLegacyDataset } from '../../src/modules/firestore-migration/generator/generate.js';
import {
  parseFirebaseExport,
  parseFirebaseHashConfig,
} from '../../src/modules/legacy-auth/firebase-export.js';
import { verifyFirebasePassword } from '../../src/modules/legacy-auth/firebase-scrypt.js';
import { importCommand } from '../../src/modules/legacy-auth/import.command.js';
import { LegacyUsersRepository } from '../../src/modules/legacy-auth/legacy-users.repository.js';
import { openTestDatabase, quiet, type TestDatabase } from './support.js';

/**
 * The auth files `legacy generate` writes beside the data are what `cli legacy-auth import`
 * reads: a firebase auth:export users.json and the project's hash parameters, with the first
 * --auth-users users signing in with `Legacy-<seed>-<index>!`.
 */
describe('legacy generate: auth/users.json and auth/hash-config.json', () => {
  let ctx: TestDatabase;
  let out: string;
  const SEED = 'auth';
  const USERS = 30;
  const PASSWORD_USERS = 3;

  beforeEach(async () => {
    ctx = await openTestDatabase();
    out = path.join(ctx.dir, 'legacy');
    await generateLegacyDataset({
      users: USERS,
      seed: SEED,
      format: 'ndjson',
      out,
      authUsers: PASSWORD_USERS,
    });
  });

  afterEach(async () => {
    await ctx.close();
  });

  const files = () => ({
    users: path.join(out, 'auth', 'users.json'),
    hashConfig: path.join(out, 'auth', 'hash-config.json'),
  });

  it('cli legacy-auth import accepts them: every user is read, the password users stored', async () => {
    let stdout = '';
    let stderr = '';
    const code = await importCommand({
      argv: ['--users', files().users, '--hash-config', files().hashConfig],
      config: loadConfig({}),
      logger: quiet,
      db: ctx.db,
      out: { write: (t: string) => (stdout += t) },
      err: { write: (t: string) => (stderr += t) },
    });

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`users in the export\\s+${USERS}\\n`));
    expect(stdout).toMatch(new RegExp(`password users\\s+${PASSWORD_USERS}\\n`));
    const exported = parseFirebaseExport(await readFile(files().users, 'utf8'));
    const first = await new LegacyUsersRepository(ctx.db).getByUid(exported.users[0]!.localId);
    expect(first?.password?.hash).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(['worker', 'business']).toContain(first?.role);
  });

  it('the first --auth-users users sign in with Legacy-<seed>-<index>!; the others are phone sign-ups', async () => {
    const exported = parseFirebaseExport(await readFile(files().users, 'utf8'));
    const params = parseFirebaseHashConfig(await readFile(files().hashConfig, 'utf8'));

    expect(exported.users).toHaveLength(USERS);
    for (const [index, user] of exported.users.slice(0, PASSWORD_USERS).entries()) {
      const record = { passwordHash: user.passwordHash!, salt: user.salt! };
      expect(await verifyFirebasePassword(legacyPassword(SEED, index), record, params)).toBe(true);
      expect(await verifyFirebasePassword(legacyPassword(SEED, index + 1), record, params)).toBe(
        false,
      );
      expect(user.providerUserInfo?.[0]?.providerId).toBe('password');
      expect(user.email).toBeDefined();
    }
    for (const user of exported.users.slice(PASSWORD_USERS)) {
      expect(user.passwordHash).toBeUndefined();
      expect(user.providerUserInfo?.map((p) => p.providerId)).toEqual(['phone']);
    }
    for (const user of exported.users) {
      expect(user.localId).toMatch(/^[A-Za-z0-9]{28}$/);
      expect(user.phoneNumber).toMatch(/^\+8210\d{8}$/);
      expect(user.createdAt).toMatch(/^\d{13}$/);
      // The old app's claims spelled roles one way, whatever its Firestore documents said.
      expect(['{"role":"worker"}', '{"role":"business"}']).toContain(user.customAttributes);
    }
  });

  it('the hash parameters say their key is a test key', async () => {
    const config = JSON.parse(await readFile(files().hashConfig, 'utf8')) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({ algorithm: 'SCRYPT', rounds: 8, mem_cost: 14 });
    expect(config.note).toContain('test key');
  });
});
