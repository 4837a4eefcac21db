import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { importCommand } from '../../src/modules/legacy-auth/import.command.js';
import {
  LEGACY_USERS_COLLECTION,
  LegacyUsersRepository,
} from '../../src/modules/legacy-auth/legacy-users.repository.js';
import type { FirebaseHashParameters } from '../../src/modules/legacy-auth/firebase-scrypt.js';
import {
  exportFile,
  hashConfigJson,
  newHashParameters,
  openTestDatabase,
  quiet,
  type TestDatabase,
} from './support.js';

const T0 = new Date('2026-11-24T00:00:00Z');
const T1 = new Date('2026-11-25T00:00:00Z');

describe('cli legacy-auth import', () => {
  let ctx: TestDatabase;
  let params: FirebaseHashParameters;
  let usersFile: string;
  let hashFile: string;

  beforeEach(async () => {
    ctx = await openTestDatabase();
    params = newHashParameters();
    hashFile = await ctx.write('params.json', hashConfigJson(params));
    usersFile = await ctx.write(
      'users.json',
      await exportFile(
        [
          {
            uid: 'uid-kim',
            email: 'Kim@Example.com',
            password: 'Old-passw0rd!',
            phone: '+821012345678',
          },
          { uid: 'uid-lee', email: 'lee@example.com', password: 'weak', disabled: true },
          { uid: 'uid-goo', email: 'goo@example.com', providers: ['google.com'] },
          { uid: 'uid-bare', email: 'bare@example.com', providers: ['password'] },
          { uid: 'uid-phone', providers: ['phone'] },
          { uid: 'uid-norole', email: 'norole@example.com', password: 'pw', role: null },
        ],
        params,
      ),
    );
  });

  afterEach(async () => {
    await ctx.close();
  });

  async function run(argv: string[], options: { now?: Date; env?: NodeJS.ProcessEnv } = {}) {
    let out = '';
    let err = '';
    const code = await importCommand({
      argv,
      config: loadConfig(options.env ?? {}),
      logger: quiet,
      db: ctx.db,
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
      now: () => options.now ?? T0,
    });
    return { code, out, err };
  }

  const stored = () =>
    ctx.db.collection(LEGACY_USERS_COLLECTION).find({}).sort({ _id: 1 }).toArray();

  it('stores what the triggers need and prints the counts', async () => {
    const { code, out } = await run(['--users', usersFile, '--hash-config', hashFile]);

    expect(code).toBe(0);
    expect(out).toMatch(/users in the export\s+6\n/);
    expect(out).toMatch(/password users\s+3\n/);
    expect(out).toMatch(/OAuth-only users\s+1\n/);
    expect(out).toMatch(/users without a hash\s+2\n/);
    expect(out).toMatch(/disabled\s+1\n/);
    expect(out).toContain('stored: 4 new, 0 updated, 0 unchanged');
    expect(out).toMatch(/skipped\s+2\n/);
    expect(out).toMatch(/\n\s+1\s+no email address/);
    expect(out).toMatch(/\n\s+1\s+no role claim in customAttributes/);
    expect(out).not.toMatch(/example\.com|uid-/); // neither personal data nor ids in the summary

    const users = new LegacyUsersRepository(ctx.db);
    const kim = await users.getByEmail('KIM@example.com ');
    expect(kim).toMatchObject({
      uid: 'uid-kim',
      email: 'kim@example.com',
      emailVerified: true,
      disabled: false,
      providers: ['password'],
      role: 'worker',
      phone: '+821012345678',
      migratedAt: undefined,
      cognitoId: undefined,
    });
    expect(kim?.password?.hash).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(await users.getByEmail('goo@example.com')).toMatchObject({
      password: undefined,
      providers: ['google.com'],
    });
    expect(await users.getByUid('uid-phone')).toBeUndefined();
    expect(await users.getByUid('uid-norole')).toBeUndefined();
  });

  it('changes nothing when the same export is imported again, and keeps migratedAt', async () => {
    await run(['--users', usersFile, '--hash-config', hashFile]);
    await new LegacyUsersRepository(ctx.db).markMigrated('uid-kim', T0);
    const before = await stored();

    const { code, out } = await run(['--users', usersFile, '--hash-config', hashFile], { now: T1 });

    expect(code).toBe(0);
    expect(out).toContain('stored: 0 new, 0 updated, 4 unchanged');
    expect(await stored()).toEqual(before);
    expect((await new LegacyUsersRepository(ctx.db).getByUid('uid-kim'))?.migratedAt).toEqual(T0);
  });

  it('refreshes a changed user from a newer export without touching its migration', async () => {
    await run(['--users', usersFile, '--hash-config', hashFile]);
    const repository = new LegacyUsersRepository(ctx.db);
    await repository.markMigrated('uid-kim', T0);
    const newer = await exportFile(
      [{ uid: 'uid-kim', email: 'kim@example.com', password: 'N3w-passw0rd!', disabled: true }],
      params,
    );

    const { out } = await run(
      ['--users', await ctx.write('newer.json', newer), '--hash-config', hashFile],
      { now: T1 },
    );

    expect(out).toContain('stored: 0 new, 1 updated, 0 unchanged');
    expect(await repository.getByUid('uid-kim')).toMatchObject({ disabled: true, migratedAt: T0 });
  });

  it('skips a user whose email an earlier import gave to another uid', async () => {
    await run(['--users', usersFile, '--hash-config', hashFile]);
    const other = await exportFile(
      [
        { uid: 'uid-kim-2', email: 'KIM@example.com', password: 'x' },
        { uid: 'uid-new', email: 'new@example.com', password: 'y' },
      ],
      params,
    );

    const { code, out } = await run([
      '--users',
      await ctx.write('other.json', other),
      '--hash-config',
      hashFile,
    ]);

    expect(code).toBe(0);
    expect(out).toContain('stored: 1 new, 0 updated, 0 unchanged');
    expect(out).toMatch(/1\s+email already stored for another Firebase uid/);
    expect((await new LegacyUsersRepository(ctx.db).getByEmail('kim@example.com'))?.uid).toBe(
      'uid-kim',
    );
  });

  it('writes nothing when the export is invalid, and names index and field only', async () => {
    const file = await exportFile(
      [
        { uid: 'ok', email: 'ok@example.com', password: 'pw' },
        { uid: 'bad', email: 'secret-person@example.com', password: 'pw' },
      ],
      params,
    );
    (file.users[1] as Record<string, unknown>).salt = 'not base64 at all!';

    const { code, err } = await run([
      '--users',
      await ctx.write('bad.json', file),
      '--hash-config',
      hashFile,
    ]);

    expect(code).toBe(1);
    expect(err).toContain('users[1].salt: expected base64');
    expect(err).toContain('nothing was imported');
    expect(err).not.toContain('secret-person');
    expect(await stored()).toEqual([]);
  });

  it('writes nothing when the hash parameters are invalid', async () => {
    const { code, err } = await run([
      '--users',
      usersFile,
      '--hash-config',
      await ctx.write('bad-params.json', { algorithm: 'SCRYPT', rounds: 8 }),
    ]);

    expect(code).toBe(1);
    expect(err).toMatch(/base64_signer_key: /);
    expect(await stored()).toEqual([]);
  });

  it('refuses parameters other than those of the users already imported', async () => {
    await run(['--users', usersFile, '--hash-config', hashFile]);

    const { code, err } = await run([
      '--users',
      usersFile,
      '--hash-config',
      await ctx.write('other-params.json', hashConfigJson(newHashParameters())),
    ]);

    expect(code).toBe(1);
    expect(err).toMatch(/not the ones of the users already imported/);
  });

  it('warns when LEGACY_AUTH_HASH_CONFIG disagrees with the file', async () => {
    const { code, err } = await run(['--users', usersFile, '--hash-config', hashFile], {
      env: { LEGACY_AUTH_HASH_CONFIG: hashConfigJson(newHashParameters()) },
    });

    expect(code).toBe(0);
    expect(err).toMatch(/warning: LEGACY_AUTH_HASH_CONFIG holds other parameters/);
  });

  it('asks for the schema migrations first (the unique email index)', async () => {
    const fresh = await openTestDatabase({ migrate: false });
    try {
      let err = '';
      const code = await importCommand({
        argv: ['--users', usersFile, '--hash-config', hashFile],
        config: loadConfig({}),
        logger: quiet,
        db: fresh.db,
        out: { write: () => true },
        err: { write: (text: string) => (err += text) },
      });
      expect(code).toBe(1);
      expect(err).toMatch(/cli db migrate/);
    } finally {
      await fresh.close();
    }
  });

  it('names the missing file option and prints its usage', async () => {
    const { code, err } = await run(['--users', usersFile]);
    expect(code).toBe(2);
    expect(err).toMatch(/^missing --hash-config\n/);
    expect(err).toContain('usage: cli legacy-auth import --users <export.json> --hash-config');
  });
});
