import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import {
  accessChainKey,
  canonicalRecord,
  GENESIS_PREV,
  macRecord,
  type AccessEntry,
} from './access-record.js';
import { AccessChainBrokenError, AccessRecords } from './access-records.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const DAY = 86_400_000;

const entry = (overrides: Partial<AccessEntry> = {}): AccessEntry => ({
  actor: { id: 'op-1', role: 'operator' },
  ip: '203.0.113.7',
  action: 'read',
  dataset: 'members',
  subjects: ['m-1'],
  fields: ['name', 'phone'],
  reason: null,
  ...overrides,
});

const DELAYED = new Set(['findOne', 'insertOne', 'updateOne']);

/**
 * `db` whose collection calls each wait 0–2 ms first, as over a network; `onInsertError` sees
 * every failed insert.
 */
function jittery(db: Database, onInsertError: (error: unknown) => void): Database {
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  const collection = (name: string) =>
    new Proxy(db.collection(name), {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        if (typeof property !== 'string' || !DELAYED.has(property)) return bound;
        return async (...args: unknown[]) => {
          await pause();
          try {
            return await bound(...args);
          } catch (error) {
            if (property === 'insertOne') onInsertError(error);
            throw error;
          }
        };
      },
    });
  return new Proxy(db, {
    get: (target, property) =>
      property === 'collection' ? collection : Reflect.get(target, property, target),
  });
}

/** Stored documents as a tamperer sees them. */
interface RawDocument {
  _id: number | string;
  [field: string]: unknown;
}

describe(AccessRecords.name, () => {
  let dir: string;
  let db: Database;
  let chainKey: Buffer;
  let clock: Date;
  let sut: AccessRecords;

  const records = () => db.collection<RawDocument>('privacy_access_records');
  const heads = () => db.collection<RawDocument>('privacy_access_head');
  const anchors = () => db.collection<RawDocument>('privacy_access_anchor');

  async function appendMany(count: number, at?: (i: number) => Date): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      if (at) clock = at(i);
      await sut.append(entry({ subjects: [`m-${i}`] }));
    }
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-access-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    chainKey = accessChainKey(randomBytes(32));
    clock = new Date('2026-11-02T01:00:00.123Z');
    sut = new AccessRecords(db, chainKey, { now: () => clock });
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('append', () => {
    it('numbers records 1, 2, … and links each to the MAC of the one before', async () => {
      const first = await sut.append(entry());
      const second = await sut.append(entry({ action: 'reveal', reason: 'support ticket 42' }));

      expect(first).toMatchObject({ seq: 1, prev: GENESIS_PREV, subjectCount: 1 });
      expect(second).toMatchObject({ seq: 2, prev: first.mac });
      const stored = await records().findOne({ _id: 2 });
      expect(stored).toMatchObject({
        actor: { id: 'op-1', role: 'operator' },
        ip: '203.0.113.7',
        action: 'reveal',
        dataset: 'members',
        subjects: ['m-1'],
        subjectCount: 1,
        fields: ['name', 'phone'],
        reason: 'support ticket 42',
        requestId: null,
        prev: first.mac,
        mac: second.mac,
      });
      expect(stored?.at).toEqual(clock);
      expect(await heads().findOne({ _id: 'head' })).toMatchObject({ seq: 2, mac: second.mac });
    });

    it('masks personal data written into a reason before chaining it', async () => {
      const record = await sut.append(
        entry({ action: 'reveal', reason: 'ticket 7: 고객 010-1234-5678, kim@example.com' }),
      );
      expect(record.reason).toBe('ticket 7: 고객 010-****-5678, ki***@example.com');
    });

    it('requires a reason for reveals and exports', async () => {
      for (const action of ['reveal', 'export'] as const) {
        await expect(sut.append(entry({ action, reason: '  ' }))).rejects.toMatchObject({
          code: 'validation_failed',
          issues: [expect.objectContaining({ field: 'reason', code: 'reason_required' })],
        });
      }
      expect(await records().countDocuments()).toBe(0);
    });

    it('requires subjects except for an export that matched no one', async () => {
      await expect(sut.append(entry({ subjects: [] }))).rejects.toMatchObject({
        issues: [expect.objectContaining({ field: 'subjects', code: 'subjects_required' })],
      });
      await expect(
        sut.append(entry({ action: 'export', subjects: [], reason: 'monthly payroll' })),
      ).resolves.toMatchObject({ seq: 1, subjectCount: 0 });
    });

    it('rejects an unknown role, action or a malformed IP with zod issue codes', async () => {
      await expect(
        sut.append(entry({ ip: 'not-an-ip', action: 'peek' as never })),
      ).rejects.toMatchObject({
        issues: expect.arrayContaining([
          expect.objectContaining({ field: 'ip' }),
          expect.objectContaining({ field: 'action', code: 'invalid_value' }),
        ]),
      });
    });

    it('counts each subject once', async () => {
      const record = await sut.append(entry({ subjects: ['m-1', 'm-2', 'm-1'] }));
      expect(record).toMatchObject({ subjects: ['m-1', 'm-2'], subjectCount: 2 });
    });

    it('leaves no gap and a valid chain when two instances append concurrently', async () => {
      // Each database call waits a random while, as over a network, so the instances interleave
      // between reading the tail and inserting after it, and lose races.
      let lostRaces = 0;
      const racing = jittery(db, (error) => {
        if (isDuplicateKeyError(error)) lostRaces += 1;
      });
      sut = new AccessRecords(racing, chainKey, { now: () => clock, maxRetryDelayMs: 3 });
      const other = new AccessRecords(racing, chainKey, { now: () => clock, maxRetryDelayMs: 3 });
      const appends = [];
      for (let i = 0; i < 40; i += 1) {
        appends.push(sut.append(entry({ subjects: [`a-${i}`] })));
        appends.push(other.append(entry({ subjects: [`b-${i}`] })));
      }
      const written = await Promise.all(appends);

      expect(written.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 80 }, (_, i) => i + 1),
      );
      const result = await sut.verify();
      expect(result).toMatchObject({ ok: true, checked: 80, firstSeq: 1, lastSeq: 80 });
      expect(result.headSeq).toBe(80);
      expect(lostRaces).toBeGreaterThan(0);
    });
  });

  describe('canonical serialization', () => {
    it('is a fixed-order JSON array with ISO dates, so key order in storage never matters', () => {
      const body = {
        seq: 7,
        at: new Date('2026-01-02T03:04:05.006Z'),
        actor: { role: 'admin' as const, id: 'a' },
        ip: null,
        action: 'read' as const,
        dataset: 'members',
        subjects: ['m"1'],
        subjectCount: 1,
        fields: [],
        reason: null,
        requestId: null,
        prev: GENESIS_PREV,
      };
      expect(canonicalRecord(body)).toBe(
        '["access-record/v1",7,"2026-01-02T03:04:05.006Z","a","admin",null,"read","members",' +
          '["m\\"1"],1,[],null,null,"genesis"]',
      );
      expect(macRecord(chainKey, body)).toBe(macRecord(chainKey, { ...body }));
    });

    it('derives a chain key independent of the blind-index key it comes from', () => {
      const blind = randomBytes(32);
      expect(accessChainKey(blind)).toEqual(accessChainKey(blind));
      expect(accessChainKey(blind).equals(blind)).toBe(false);
      expect(accessChainKey(blind)).toHaveLength(32);
    });
  });

  describe('verify', () => {
    beforeEach(() => appendMany(6));

    it('passes an untouched chain', async () => {
      expect(await sut.verify()).toEqual({
        ok: true,
        checked: 6,
        firstSeq: 1,
        lastSeq: 6,
        headSeq: 6,
        anchorSeq: null,
        problems: [],
        unlistedProblems: 0,
      });
    });

    it('detects a changed field as a MAC mismatch of that record', async () => {
      await records().updateOne({ _id: 3 }, { $set: { subjects: ['someone-else'] } });

      const result = await sut.verify();
      expect(result.ok).toBe(false);
      expect(result.problems).toEqual([
        expect.objectContaining({ seq: 3, problem: 'mac_mismatch' }),
      ]);
    });

    it('detects a changed MAC at that record and the broken link after it', async () => {
      await records().updateOne({ _id: 4 }, { $set: { mac: 'forged' } });

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: 4, problem: 'mac_mismatch' }),
        expect.objectContaining({ seq: 5, problem: 'broken_link' }),
      ]);
    });

    it('detects a record deleted in the middle as a gap at its seq', async () => {
      await records().deleteOne({ _id: 3 });

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: 3, problem: 'gap' }),
      ]);
    });

    it('detects a deleted last record through the head marker', async () => {
      await records().deleteOne({ _id: 6 });

      const result = await sut.verify();
      expect(result).toMatchObject({ ok: false, lastSeq: 5, headSeq: 6 });
      expect(result.problems).toEqual([expect.objectContaining({ seq: 6, problem: 'truncated' })]);
    });

    it('detects a cut tail that a later append papered over', async () => {
      await records().deleteOne({ _id: 6 });
      await sut.append(entry()); // takes seq 6 again, with another MAC than the head names

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: 6, problem: 'head_mismatch' }),
      ]);
    });

    it('detects two records swapped in place at both seqs', async () => {
      const r2 = await records().findOne({ _id: 2 });
      const r3 = await records().findOne({ _id: 3 });
      const { _id: _2, ...body2 } = r2 ?? {};
      const { _id: _3, ...body3 } = r3 ?? {};
      await records().replaceOne({ _id: 2 }, body3);
      await records().replaceOne({ _id: 3 }, body2);

      const problems = (await sut.verify()).problems;
      expect(problems[0]).toMatchObject({ seq: 2, problem: 'mac_mismatch' });
      expect(problems.map((p) => p.seq)).toEqual(expect.arrayContaining([2, 3]));
      expect(problems.every((p) => p.seq !== null && p.seq >= 2 && p.seq <= 4)).toBe(true);
    });

    it('detects a record inserted in the middle (later ones renumbered) at the inserted seq', async () => {
      const tail = await records()
        .find({ _id: { $gte: 4 } }, { sort: { _id: -1 } })
        .toArray();
      for (const doc of tail) {
        await records().deleteOne({ _id: doc._id });
        await records().insertOne({ ...doc, _id: (doc._id as number) + 1 });
      }
      const r3 = await records().findOne({ _id: 3 });
      await records().insertOne({
        ...r3,
        _id: 4,
        subjects: ['planted'],
        prev: r3?.mac,
        mac: 'x',
      });

      const problems = (await sut.verify()).problems;
      expect(problems[0]).toMatchObject({ seq: 4, problem: 'mac_mismatch' });
      expect(problems.some((p) => p.seq !== null && p.seq < 4)).toBe(false);
    });

    it('detects deletions at the start of the chain', async () => {
      await records().deleteMany({ _id: { $lte: 2 } });

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: 1, problem: 'gap' }),
      ]);
    });

    it('reports a document that is no record of the chain', async () => {
      await records().insertOne({ _id: 'planted', at: clock });

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: null, problem: 'malformed' }),
      ]);
    });

    it('fails every record under another key', async () => {
      const other = new AccessRecords(db, accessChainKey(randomBytes(32)));
      const result = await other.verify();
      expect(result.problems.filter((p) => p.problem === 'mac_mismatch')).toHaveLength(6);
    });
  });

  describe('purgeOlderThan', () => {
    const start = new Date('2024-01-01T00:00:00Z');

    beforeEach(async () => {
      // Records 1–5 a day apart from 2024-01-01, then 6–8 recent.
      await appendMany(5, (i) => new Date(start.getTime() + i * DAY));
      clock = new Date('2026-11-01T00:00:00Z');
      await appendMany(3, (i) => new Date(clock.getTime() + i * 1000));
    });

    it('deletes old records from the start and leaves a chain that still verifies', async () => {
      // 730 days before 2026-01-03 is 2024-01-04: records of 01-01, 01-02 and 01-03 go.
      clock = new Date('2026-01-03T00:00:00Z');
      const result = await sut.purgeOlderThan(730);

      expect(result).toMatchObject({ purged: 3, firstKeptSeq: 4 });
      expect(await records().distinct('_id')).toEqual([4, 5, 6, 7, 8]);
      clock = new Date('2026-11-02T00:00:00Z');
      await sut.append(entry());
      expect(await sut.verify()).toMatchObject({
        ok: true,
        checked: 6,
        firstSeq: 4,
        lastSeq: 9,
        anchorSeq: 4,
      });
    });

    it('on a dry run counts what would go and deletes nothing', async () => {
      clock = new Date('2026-01-03T00:00:00Z');
      const result = await sut.purgeOlderThan(730, { dryRun: true });

      expect(result).toMatchObject({ purged: 3, firstKeptSeq: 4 });
      expect(await records().distinct('_id')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await sut.verify()).toMatchObject({ ok: true, anchorSeq: null });
    });

    it('never deletes a record within the retention, even behind an older one', async () => {
      clock = new Date('2026-11-02T00:00:00Z');
      const result = await sut.purgeOlderThan(730);

      expect(result.purged).toBe(5);
      expect(await records().distinct('_id')).toEqual([6, 7, 8]);
      expect(await sut.purgeOlderThan(730)).toMatchObject({ purged: 0 });
    });

    it('refuses a retention shorter than two years', async () => {
      await expect(sut.purgeOlderThan(365)).rejects.toThrow(RangeError);
      expect(await records().countDocuments()).toBe(8);
    });

    it('still detects records deleted at the start beyond what the purge removed', async () => {
      clock = new Date('2026-01-03T00:00:00Z');
      await sut.purgeOlderThan(730);
      await records().deleteOne({ _id: 4 });

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: 4, problem: 'gap' }),
      ]);
    });

    it('detects a forged anchor that would hide deletions at the start', async () => {
      await records().deleteMany({ _id: { $lte: 2 } });
      await anchors().insertOne({
        _id: 'anchor',
        firstSeq: 3,
        prev: (await records().findOne({ _id: 3 }))?.prev,
        purgedAt: clock,
        cutoff: clock,
        mac: 'forged',
      });

      expect((await sut.verify()).problems).toEqual([
        expect.objectContaining({ seq: 3, problem: 'anchor_mismatch' }),
        expect.objectContaining({ seq: 1, problem: 'gap' }),
      ]);
    });

    it('refuses to purge records that do not verify, deleting nothing', async () => {
      await records().updateOne({ _id: 2 }, { $set: { ip: '198.51.100.1' } });
      clock = new Date('2026-11-02T00:00:00Z');

      await expect(sut.purgeOlderThan(730)).rejects.toThrow(AccessChainBrokenError);
      expect(await records().countDocuments()).toBe(8);
    });

    it('continues the chain after a purge that removed every record', async () => {
      clock = new Date('2029-01-01T00:00:00Z');
      expect(await sut.purgeOlderThan(730)).toMatchObject({ purged: 8, firstKeptSeq: 9 });
      expect(await sut.verify()).toMatchObject({ ok: true, checked: 0, headSeq: 8 });

      const next = await sut.append(entry());
      expect(next.seq).toBe(9);
      expect(await sut.verify()).toMatchObject({ ok: true, checked: 1, firstSeq: 9 });
    });
  });
});
