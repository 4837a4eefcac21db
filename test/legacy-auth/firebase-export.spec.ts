import { describe, expect, it } from 'vitest';
import {
  FirebaseImportFileError,
  normalizeEmail,
  parseFirebaseExport,
  parseFirebaseHashConfig,
} from '../../src/modules/legacy-auth/firebase-export.js';
import { planImport } from '../../src/modules/legacy-auth/import-legacy-users.js';

const HASH =
  'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==';
const SALT = '42xEC+ixf3L2lw==';

function issuesOf(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof FirebaseImportFileError) return error.issues;
    throw error;
  }
  throw new Error('expected a FirebaseImportFileError');
}

const user = (overrides: Record<string, unknown> = {}) => ({
  localId: 'kYi4EvWQlQTKSfnJ3dRSP6IH3ed2',
  email: 'user1@test.com',
  emailVerified: false,
  passwordHash: HASH,
  salt: SALT,
  displayName: 'Test User 1',
  createdAt: '1508893925000',
  lastSignedInAt: '1508893925000',
  customAttributes: '{"role":"worker"}',
  ...overrides,
});

describe('the Firebase Auth export', () => {
  it('accepts what `firebase auth:export` writes, unknown fields included', () => {
    const sut = parseFirebaseExport(
      JSON.stringify({
        users: [
          user({ mfaInfo: [], customAttributes: '{"role":"x"}', photoUrl: 'https://x/y.png' }),
          user({
            localId: 'g1',
            email: 'g@test.com',
            passwordHash: undefined,
            salt: undefined,
            providerUserInfo: [{ providerId: 'google.com', rawId: '123', federatedId: '123' }],
          }),
        ],
      }),
    );
    expect(sut.users).toHaveLength(2);
    expect(sut.users[0]?.passwordHash).toBe(HASH);
  });

  it('names the user index and the field of every problem, never the value', () => {
    const secretEmail = 'not-an-address';
    const issues = issuesOf(() =>
      parseFirebaseExport(
        JSON.stringify({
          users: [
            user(),
            user({ localId: 'u2', email: secretEmail }),
            user({ localId: 'u3', passwordHash: 'bad hash!' }),
            user({ localId: 'u4', salt: undefined }),
            user({ localId: 'u5', emailVerified: 'yes' }),
            user({ localId: 'u6', providerUserInfo: [{ rawId: 'x' }] }),
            user({ localId: 'kYi4EvWQlQTKSfnJ3dRSP6IH3ed2', email: 'dup@test.com' }),
            { email: 'u8@test.com' },
          ],
        }),
        'users.json',
      ),
    );

    expect(issues).toEqual([
      'users[1].email: expected an email address',
      'users[2].passwordHash: expected base64',
      'users[3].salt: required with a passwordHash',
      expect.stringMatching(/^users\[4\]\.emailVerified: /),
      expect.stringMatching(/^users\[5\]\.providerUserInfo\[0\]\.providerId: /),
      expect.stringMatching(/^users\[7\]\.localId: /),
      'users[6].localId: the same uid as users[0]',
    ]);
    const text = issues.join('\n');
    for (const value of [secretEmail, 'bad hash!', 'dup@test.com', 'u8@test.com', 'yes']) {
      expect(text).not.toContain(value);
    }
  });

  it('refuses an export whose hashes Firebase redacted (exported without the right permission)', () => {
    const issues = issuesOf(() =>
      parseFirebaseExport(JSON.stringify({ users: [user({ passwordHash: 'UkVEQUNURUQ=' })] })),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^users\[0\]\.passwordHash: redacted by Firebase/),
    ]);
  });

  it('refuses a file that is not JSON or has no users array, without quoting it', () => {
    expect(issuesOf(() => parseFirebaseExport('{"users": [{"email": "a@b.c"'))).toEqual([
      '(file): not JSON',
    ]);
    expect(issuesOf(() => parseFirebaseExport('{"accounts": []}'))).toEqual([
      expect.stringMatching(/^users: /),
    ]);
  });

  it('counts password, OAuth-only and hash-less users, and skips users without a usable email', () => {
    const { records, report } = planImport(
      parseFirebaseExport(
        JSON.stringify({
          users: [
            user({ localId: 'p1', email: 'P1@Test.com ', disabled: true }),
            user({
              localId: 'o1',
              email: 'o1@test.com',
              passwordHash: undefined,
              salt: undefined,
              providerUserInfo: [{ providerId: 'google.com' }, { providerId: 'apple.com' }],
            }),
            // Imported into Firebase with another algorithm and never signed in since.
            user({
              localId: 'n1',
              email: 'n1@test.com',
              passwordHash: '',
              salt: '',
              providerUserInfo: [{ providerId: 'password' }],
            }),
            user({
              localId: 'ph1',
              email: undefined,
              passwordHash: undefined,
              salt: undefined,
              phoneNumber: '+821012345678',
              providerUserInfo: [{ providerId: 'phone' }],
            }),
            user({ localId: 'd1', email: 'same@test.com' }),
            user({ localId: 'd2', email: 'SAME@test.com' }),
          ],
        }),
      ),
    );

    expect(report).toMatchObject({
      total: 6,
      passwordUsers: 3,
      oauthOnlyUsers: 1,
      usersWithoutHash: 2,
      disabled: 1,
      skipped: { no_email: 1, duplicate_email: 2 },
      skippedUids: { no_email: ['ph1'], duplicate_email: ['d1', 'd2'] },
    });
    expect(records.map((r) => [r.uid, r.email, r.password !== undefined, r.disabled])).toEqual([
      ['p1', 'p1@test.com', true, true],
      ['o1', 'o1@test.com', false, false],
      ['n1', 'n1@test.com', false, false],
    ]);
  });

  it('refuses custom claims that are not a JSON object and a phone that is not E.164, naming the field only', () => {
    const issues = issuesOf(() =>
      parseFirebaseExport(
        JSON.stringify({
          users: [
            user({ localId: 'c1', customAttributes: 'role=worker' }),
            user({ localId: 'c2', customAttributes: '["worker"]' }),
            user({ localId: 'c3', phoneNumber: '010-1234-5678' }),
          ],
        }),
      ),
    );

    expect(issues).toEqual([
      'users[0].customAttributes: expected a JSON object (the custom claims)',
      'users[1].customAttributes: expected a JSON object (the custom claims)',
      'users[2].phoneNumber: expected an E.164 phone number',
    ]);
    expect(issues.join('\n')).not.toContain('1234');
  });

  it('takes the role from the role claim, with the phone; users without a member role are skipped and counted', () => {
    const { records, report } = planImport(
      parseFirebaseExport(
        JSON.stringify({
          users: [
            user({ localId: 'w1', email: 'w1@test.com', phoneNumber: '+821012345678' }),
            user({
              localId: 'b1',
              email: 'b1@test.com',
              customAttributes: '{"role":" Business ","plan":"pro"}',
            }),
            user({ localId: 'n1', email: 'n1@test.com', customAttributes: undefined }),
            user({ localId: 'n2', email: 'n2@test.com', customAttributes: '{"admin":true}' }),
            user({ localId: 'a1', email: 'a1@test.com', customAttributes: '{"role":"admin"}' }),
            user({ localId: 'x1', email: 'x1@test.com', customAttributes: '{"role":"manager"}' }),
          ],
        }),
      ),
    );

    expect(records.map((r) => [r.uid, r.role, r.phone])).toEqual([
      ['w1', 'worker', '+821012345678'],
      ['b1', 'business', undefined],
    ]);
    expect(report).toMatchObject({
      skipped: { no_role: 2, unknown_role: 2 },
      skippedUids: { no_role: ['n1', 'n2'], unknown_role: ['a1', 'x1'] },
    });
  });

  it('normalizes emails the way the pool compares usernames', () => {
    expect(normalizeEmail('  Kim.Lee@Example.COM ')).toBe('kim.lee@example.com');
  });
});

describe('the password hash parameters', () => {
  const json = {
    algorithm: 'SCRYPT',
    base64_signer_key:
      'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
    base64_salt_separator: 'Bw==',
    rounds: 8,
    mem_cost: 14,
  };

  it('reads the JSON form and decodes the keys', () => {
    const sut = parseFirebaseHashConfig(JSON.stringify(json));
    expect(sut.signerKey).toHaveLength(64);
    expect(sut.saltSeparator).toEqual(Buffer.from([7]));
    expect(sut).toMatchObject({ rounds: 8, memCost: 14 });
  });

  it('reads the block as the console shows it', () => {
    const pasted = `hash_config {
  algorithm: SCRYPT,
  base64_signer_key: ${json.base64_signer_key},
  base64_salt_separator: Bw==,
  rounds: 8,
  mem_cost: 14,
}`;
    expect(parseFirebaseHashConfig(pasted)).toEqual(parseFirebaseHashConfig(JSON.stringify(json)));
  });

  it('names each bad field without echoing the signer key', () => {
    const issues = issuesOf(() =>
      parseFirebaseHashConfig(
        JSON.stringify({
          ...json,
          algorithm: 'BCRYPT',
          base64_signer_key: 'sec ret',
          mem_cost: 40,
        }),
      ),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^algorithm: /),
      'base64_signer_key: expected base64',
      expect.stringMatching(/^mem_cost: /),
    ]);
    expect(issues.join('\n')).not.toContain('sec ret');
  });
});

describe('LEGACY_AUTH_HASH_CONFIG', () => {
  it('is parsed at start, and a malformed value is named without being echoed', async () => {
    const { ConfigError, loadConfig } = await import('../../src/config/config.js');
    const good = JSON.stringify({
      algorithm: 'SCRYPT',
      base64_signer_key: Buffer.alloc(64, 1).toString('base64'),
      base64_salt_separator: 'Bw==',
      rounds: 8,
      mem_cost: 14,
    });
    expect(loadConfig({ LEGACY_AUTH_HASH_CONFIG: good }).legacyAuth.hashParameters).toMatchObject({
      rounds: 8,
      memCost: 14,
    });
    expect(loadConfig({}).legacyAuth.hashParameters).toBeUndefined();

    const secret = good.replace('"rounds":8', '"rounds":"many"').replace('SCRYPT', 'MD5');
    let error: unknown;
    try {
      loadConfig({ LEGACY_AUTH_HASH_CONFIG: secret });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/LEGACY_AUTH_HASH_CONFIG is malformed: .*algorithm: .*rounds: /);
    expect(message).not.toContain(Buffer.alloc(64, 1).toString('base64'));
  });
});
