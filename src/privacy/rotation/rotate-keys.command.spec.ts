import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary } from 'bson';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MEMBER_PERSONAL_DATA } from '../../modules/members/members.policy.js';
import { AUDIT_EVENTS } from '../../platform/audit/audit-log.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { BlindIndex } from '../crypto/blind-index.js';
import { FieldCipher, keyVersionOf } from '../crypto/field-cipher.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PersonalDataCodec } from '../personal-data/codec.js';
import { reencrypt } from './reencrypt.js';
import { rotateKeysCommand } from './rotate-keys.command.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

interface MemberDocument {
  _id: string;
  [field: string]: unknown;
}
const idOf = (i: number) => `member-${i}`;
const config = loadConfig({ DATA_DIR: tmpdir() });

describe(rotateKeysCommand.name, () => {
  let dir: string;
  let db: Database;
  const members = () => db.collection<MemberDocument>('members');
  let keys: KeyRing;
  let codec: PersonalDataCodec<string>;
  let out: string;
  let err: string;

  const run = (argv: string[], isTTY = false) =>
    rotateKeysCommand({
      argv,
      logger: pino({ level: 'silent' }),
      config,
      db,
      keys,
      codecs: [codec],
      out: { write: (text: string) => (out += text), isTTY },
      err: { write: (text: string) => (err += text) },
    });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-rotate-'));
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    keys = await KeyRing.openLocal(path.join(dir, 'keys'));
    codec = new PersonalDataCodec<string>(
      MEMBER_PERSONAL_DATA,
      new FieldCipher(keys),
      new BlindIndex(await keys.ensureBlindIndexKey()),
    );
    for (let i = 0; i < 5; i++) {
      const sealed = await codec.seal(idOf(i), {
        email: `m${i}@example.com`,
        phone: `0101234000${i}`,
      });
      await members().insertOne({ _id: idOf(i), ...sealed });
    }
    out = '';
    err = '';
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function emailVersions(): Promise<(number | undefined)[]> {
    const docs = await db
      .collection('members')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    return docs.map((doc) => keyVersionOf((doc.email as Binary).value()));
  }

  it('runs the extra re-encryptions (the migration’s copies) after the records, to the new version, and fails when one has failures', async () => {
    const seen: number[] = [];
    const extra = (failed: number) => ({
      name: 'extra copies',
      run: (version: number) => {
        seen.push(version);
        return Promise.resolve({
          scanned: 2,
          reencrypted: 2 - failed,
          failed: Array.from({ length: failed }, () => ({
            collection: 'members',
            documentId: 'member-0',
            field: '_legacy:users/u0',
            reason: 'FieldDecryptionError',
          })),
        });
      },
    });
    const runWith = (failed: number) =>
      rotateKeysCommand({
        argv: ['--no-rotate'],
        logger: pino({ level: 'silent' }),
        config,
        db,
        keys,
        codecs: [codec],
        out: { write: (text: string) => (out += text), isTTY: false },
        err: { write: (text: string) => (err += text) },
        extraReencryptions: [extra(failed)],
      });

    expect(await runWith(0)).toBe(0);
    expect(out).toContain('extra copies: 2 records, 2 re-encrypted, 0 failed\n');
    expect(await runWith(1)).toBe(1);
    expect(err).toContain('  members member-0 _legacy:users/u0: FieldDecryptionError\n');
    expect(seen).toEqual([keys.currentVersion, keys.currentVersion]);
  });

  it('makes a new key version current and re-encrypts every record under it', async () => {
    expect(await run([])).toBe(0);

    expect(keys.currentVersion).toBe(2);
    expect(await emailVersions()).toEqual([2, 2, 2, 2, 2]);
    expect(out).toContain('key version 2 is now current (was 1)');
    expect(out).toContain('members: 5/5');
    expect(out).toContain('done: every record is under key version 2');
    expect(err).toBe('');
  });

  it('keeps the rotation as an audit event: the CLI made data key 2 current over 1', async () => {
    expect(await run([])).toBe(0);

    expect(await db.collection(AUDIT_EVENTS).find({}).toArray()).toEqual([
      expect.objectContaining({
        action: 'privacy.data-key.rotated',
        actor: { type: 'cli' },
        subject: { type: 'data-key', id: '2' },
        outcome: 'rotated',
        details: { command: 'privacy rotate-keys', previous: 1 },
      }),
    ]);
  });

  it('resumes an unfinished pass for the current version instead of rotating again', async () => {
    await keys.rotate();
    const controller = new AbortController();
    await reencrypt({
      db,
      codecs: [codec],
      keys,
      batchSize: 2,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'batch') controller.abort();
      },
    });

    expect(await run([])).toBe(0);

    expect(keys.currentVersion).toBe(2);
    expect(out).toContain('an unfinished re-encryption to key version 2');
    expect(out).toContain('is resumed; no new key version is made');
    expect(out).toContain('2 done by an earlier run');
    expect(await emailVersions()).toEqual([2, 2, 2, 2, 2]);
  });

  it('only re-encrypts with --no-rotate', async () => {
    await keys.rotate();

    expect(await run(['--no-rotate', '--batch-size', '2'])).toBe(0);

    expect(keys.currentVersion).toBe(2);
    expect(await emailVersions()).toEqual([2, 2, 2, 2, 2]);
    expect(out).toContain('re-encrypting to the current key version 2');
  });

  it('exits 1 and lists the records that could not be re-encrypted', async () => {
    const other = await members().findOne({ _id: idOf(4) });
    await members().updateOne({ _id: idOf(3) }, { $set: { email: other?.email } });

    expect(await run([])).toBe(1);

    expect(err).toContain('1 records could not be re-encrypted');
    expect(err).toContain('members member-3 email: authentication_failed');
    expect(err).not.toContain('@example.com');
  });

  it('draws a progress bar on a terminal', async () => {
    expect(await run([], true)).toBe(0);

    expect(out).toMatch(/re-encrypting \[.*\] 100% \| 5\/5 records/);
  });

  it('refuses unknown options with the usage and exit 2', async () => {
    expect(await run(['--rotate-twice'])).toBe(2);

    expect(err).toContain('usage: cli privacy rotate-keys');
    expect(keys.currentVersion).toBe(1);
  });
});
