import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { accessChainKey, type AccessEntry } from './access-record.js';
import { AccessRecords } from './access-records.js';
import {
  accessReviewCommand,
  verifyAccessLogCommand,
  type AccessCommandContext,
} from './access.commands.js';
import type { AccessReview } from './access-review.js';

const quiet = pino({ level: 'silent' });

const reveal = (overrides: Partial<AccessEntry> = {}): AccessEntry => ({
  actor: { id: 'op-1', role: 'operator' },
  ip: '203.0.113.7',
  action: 'reveal',
  dataset: 'members',
  subjects: ['m-1'],
  fields: ['phone'],
  reason: 'support ticket 7',
  ...overrides,
});

describe('access record commands', () => {
  let dir: string;
  let db: Database;
  let chainKey: Buffer;
  let clock: Date;
  let records: AccessRecords;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-access-cli-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(quiet); // the indexes the commands run on
    chainKey = accessChainKey(randomBytes(32));
    clock = new Date('2026-11-02T01:00:00Z'); // Monday 10:00 KST
    records = new AccessRecords(db, chainKey, { now: () => clock });
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(
    command: (context: AccessCommandContext) => Promise<number>,
    argv: string[],
  ): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    // Built apart and cast, so the test keeps compiling while the shared context grows fields.
    const context = {
      argv,
      config: loadConfig({ DATA_DIR: dir }),
      logger: quiet,
      db,
      chainKey,
      now: () => clock,
      privacy: () => Promise.reject(new Error('not used by the access commands')),
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
    };
    const code = await command(context as unknown as AccessCommandContext);
    return { code, out, err };
  }

  describe(verifyAccessLogCommand.name, () => {
    it('exits 0 with a summary when the chain verifies', async () => {
      await records.append(reveal());
      await records.append(reveal());

      const { code, out } = await run(verifyAccessLogCommand, []);

      expect(code).toBe(0);
      expect(out).toContain('checked 2 (records 1–2), head 2');
      expect(out).toContain('ok: every MAC and link verifies');
    });

    it('exits 1 listing each problem with its seq', async () => {
      for (let i = 0; i < 4; i += 1) await records.append(reveal());
      await db.collection<{ _id: number }>('privacy_access_records').deleteOne({ _id: 2 });
      await db.collection<{ _id: number }>('privacy_access_records').deleteOne({ _id: 4 });

      const { code, out } = await run(verifyAccessLogCommand, []);

      expect(code).toBe(1);
      expect(out).toContain('NOT OK: 2 problem(s)');
      expect(out).toMatch(/seq 2 {2}gap/);
      expect(out).toMatch(/seq 4 {2}truncated/);
    });
  });

  describe(accessReviewCommand.name, () => {
    beforeEach(async () => {
      await records.append(reveal());
      clock = new Date('2026-10-31T15:30:00Z'); // 2026-11-01 00:30 KST, a Sunday
      await records.append(reveal({ actor: { id: 'op-2', role: 'admin' } }));
      clock = new Date('2026-10-31T14:30:00Z'); // 2026-10-31 23:30 KST: October
      await records.append(reveal());
    });

    it('prints the KST month as text tables, outside-hours reveals flagged', async () => {
      const { code, out } = await run(accessReviewCommand, ['--month', '2026-11']);

      expect(code).toBe(0);
      expect(out).toContain(
        '접속기록 review 2026-11: 2 record(s) from 2026-11-01 00:00 to 2026-12-01 00:00 KST',
      );
      expect(out).toMatch(
        /outside_hours\s+op-2\s+2026-11-01\s+1\s+2\s+reveal of members at 2026-11-01 00:30 KST \(day off\)/,
      );
      expect(out).toMatch(/ACTOR\s+ROLES\s+READ\s+UPDATE/);
      expect(out).toMatch(/op-1\s+operator\s+0\s+0\s+0\s+0\s+1\s+0\s+0\s+1\s+1/);
    });

    it('prints JSON with --json and applies the thresholds given', async () => {
      const { code, out } = await run(accessReviewCommand, [
        '--month=2026-11',
        '--json',
        '--work-hours',
        '00-24',
        '--max-reveals-per-day',
        '1',
      ]);

      expect(code).toBe(0);
      const review = JSON.parse(out) as AccessReview;
      expect(review).toMatchObject({ month: '2026-11', records: 2 });
      expect(review.thresholds).toMatchObject({
        maxRevealsPerDay: 1,
        workHours: { start: 0, end: 24 },
      });
      // Sunday is still a day off whatever the hours.
      expect(review.findings.map((f) => f.kind)).toEqual(['outside_hours']);
    });

    it('reviews last month (KST) when no --month is given, as the monthly scheduled job runs it', async () => {
      clock = new Date('2026-11-30T15:10:00Z'); // 2026-12-01 00:10 KST
      const { code, out } = await run(accessReviewCommand, ['--json']);

      expect(code).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ month: '2026-11', records: 2 });
    });

    it('exits 2 with the usage when --month is malformed, or a holiday is not a calendar day', async () => {
      for (const argv of [
        ['--month', '2026-13'],
        ['--month', '2026-11', '--work-hours', '19-09'],
        ['--month', '2026-11', '--max-reveals-per-day', 'many'],
        ['--month', '2026-11', '--bogus'],
        ['--month', '2026-11', '--holidays', '2026-11-3'],
        // Not a day of the calendar: a holiday that can never match would pass silently.
        ['--month', '2026-02', '--holidays', '2026-02-30'],
      ]) {
        const { code, err, out } = await run(accessReviewCommand, argv);
        expect(code).toBe(2);
        expect(err).toContain('usage: cli privacy access-review [--month YYYY-MM]');
        expect(out).toBe('');
      }
    });
  });
});
