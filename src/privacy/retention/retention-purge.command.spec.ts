import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MEMBER_PERSONAL_DATA } from '../../modules/members/members.policy.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { BlindIndex } from '../crypto/blind-index.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PersonalDataCodec } from '../personal-data/codec.js';
import { type ExtraPurge, retentionPurgeCommand } from './retention-purge.command.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const NOW = new Date('2026-03-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

interface MemberDocument {
  _id: string;
  [field: string]: unknown;
}

describe(retentionPurgeCommand.name, () => {
  let dir: string;
  let db: Database;
  let codec: PersonalDataCodec<string>;
  let out: string;
  let err: string;
  const members = () => db.collection<MemberDocument>('members');

  const run = (argv: string[], extraPurges?: ExtraPurge[]) =>
    retentionPurgeCommand({
      argv,
      config: loadConfig({ DATA_DIR: dir, WITHDRAWN_MEMBER_RETENTION_DAYS: '30' }),
      logger: pino({ level: 'silent' }),
      db,
      codecs: [codec],
      extraPurges,
      now: () => NOW,
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
    });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-purge-cmd-'));
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    const keys = await KeyRing.openLocal(path.join(dir, 'keys'));
    codec = new PersonalDataCodec<string>(
      MEMBER_PERSONAL_DATA,
      new FieldCipher(keys),
      new BlindIndex(await keys.ensureBlindIndexKey()),
    );
    for (const [id, withdrawn] of [
      ['gone', 31],
      ['recent', 29],
    ] as const) {
      const sealed = await codec.seal(id, { email: `${id}@example.com` });
      await members().insertOne({ _id: id, ...sealed, withdrawnAt: daysAgo(withdrawn) });
    }
    out = '';
    err = '';
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the configured withdrawn member period and prints a summary per class', async () => {
    expect(await run([])).toBe(0);

    expect(out).toContain(
      'member-account (30 days): past its period if it began before 2026-01-30',
    );
    expect(out).toContain('members (withdrawnAt): 1 anonymized');
    expect(await members().findOne({ _id: 'gone' })).not.toHaveProperty('email');
    expect(await members().findOne({ _id: 'recent' })).toHaveProperty('email');
  });

  it('shows what would go with --dry-run and changes nothing', async () => {
    const purged: boolean[] = [];
    const extra: ExtraPurge = {
      name: 'access records',
      run: (dryRun) => {
        purged.push(dryRun);
        return Promise.resolve({ count: 4 });
      },
    };

    expect(await run(['--dry-run'], [extra])).toBe(0);

    expect(out).toContain('dry run');
    expect(out).toContain('members (withdrawnAt): 1 would be anonymized');
    expect(out).toContain(`gone (withdrawnAt ${daysAgo(31).toISOString()})`);
    expect(out).not.toContain('recent');
    expect(out).toContain('access records: 4 would be purged');
    expect(purged).toEqual([true]);
    expect(await members().findOne({ _id: 'gone' })).toHaveProperty('email');
    expect(await db.collection('privacy_destructions').countDocuments({})).toBe(0);
  });

  it('prints the result as JSON with --json, extra purges included', async () => {
    const extra: ExtraPurge = { name: 'access records', run: () => Promise.resolve({ count: 2 }) };

    expect(await run(['--json'], [extra])).toBe(0);

    expect(JSON.parse(out)).toMatchObject({
      dryRun: false,
      classes: [
        { retentionClass: 'member-account', periodDays: 30, count: 1 },
        { retentionClass: 'work-record', periodDays: 1_095, count: 0 },
      ],
      extras: [{ name: 'access records', count: 2 }],
    });
  });

  it('exits 1 when an extra purge fails, after the others ran', async () => {
    const extra: ExtraPurge = {
      name: 'access records',
      run: () => Promise.reject(new Error('database unavailable')),
    };

    expect(await run([], [extra])).toBe(1);

    expect(out).toContain('access records: failed: database unavailable');
    expect(await members().findOne({ _id: 'gone' })).not.toHaveProperty('email');
  });

  it('refuses unknown options with the usage and exit 2', async () => {
    expect(await run(['--everything'])).toBe(2);

    expect(err).toContain('usage: cli retention purge');
    expect(await members().findOne({ _id: 'gone' })).toHaveProperty('email');
  });
});
