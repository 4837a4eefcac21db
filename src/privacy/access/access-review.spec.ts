import { describe, expect, it } from 'vitest';
import type { AccessAction, AccessRecord } from './access-record.js';
import { parseReviewMonth, reviewAccessRecords, type ReviewFindingKind } from './access-review.js';

let nextSeq = 1;

function record(
  at: string,
  action: AccessAction,
  overrides: Partial<Omit<AccessRecord, 'at'>> = {},
): AccessRecord {
  const subjects = overrides.subjects ?? ['m-1'];
  return {
    seq: nextSeq++,
    at: new Date(at),
    actor: { id: 'op-1', role: 'operator' },
    ip: '203.0.113.7',
    action,
    dataset: 'members',
    subjects,
    subjectCount: subjects.length,
    fields: ['phone'],
    reason: action === 'reveal' || action === 'export' ? 'ticket' : null,
    requestId: null,
    prev: 'p',
    mac: 'm',
    ...overrides,
  };
}

async function* stream(records: AccessRecord[]): AsyncIterable<AccessRecord> {
  yield* records;
}

const review = (records: AccessRecord[], month = '2026-11', thresholds = {}) =>
  reviewAccessRecords(stream(records), parseReviewMonth(month), thresholds);

const kinds = (findings: { kind: ReviewFindingKind; seqs: number[] }[]) =>
  findings.map((f) => [f.kind, f.seqs[0]]);

describe('the review month', () => {
  it('bounds a month by KST midnights and names it YYYY-MM', async () => {
    expect(await review([], '2026-11')).toMatchObject({
      month: '2026-11',
      from: new Date('2026-10-31T15:00:00Z'),
      to: new Date('2026-11-30T15:00:00Z'),
    });
    expect((await review([], '2026-12')).to).toEqual(new Date('2026-12-31T15:00:00Z'));
  });

  it('rejects a month that is not YYYY-MM', () => {
    for (const bad of ['2026-13', '2026-1', '26-11', '2026-11-01', '']) {
      expect(() => parseReviewMonth(bad)).toThrow(
        expect.objectContaining({ code: 'validation_failed' }),
      );
    }
  });
});

describe(reviewAccessRecords.name, () => {
  it('counts a record of 00:30 KST on November 1st in November, outside working hours', async () => {
    const early = record('2026-10-31T15:30:00Z', 'reveal');
    const october = record('2026-10-31T14:59:59.999Z', 'reveal');

    const result = await review([october, early]);

    expect(result.records).toBe(1);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'outside_hours', seqs: [early.seq], day: '2026-11-01' }),
    ]);
  });

  it('flags reveals and exports outside 09–19 KST on weekdays and all day on weekends', async () => {
    // 2026-11-02 is a Monday.
    const inside = record('2026-11-02T00:00:00Z', 'reveal'); // 09:00 KST
    const lastInside = record('2026-11-02T09:59:59Z', 'export'); // 18:59 KST
    const atSeven = record('2026-11-02T10:00:00Z', 'reveal'); // 19:00 KST
    const beforeNine = record('2026-11-01T23:59:00Z', 'export'); // Monday 08:59 KST
    const saturday = record('2026-11-07T03:00:00Z', 'reveal'); // Saturday noon KST
    const readAtNight = record('2026-11-02T15:00:00Z', 'read'); // reads are not flagged

    const result = await review([inside, lastInside, atSeven, beforeNine, saturday, readAtNight]);

    expect(kinds(result.findings)).toEqual([
      ['outside_hours', atSeven.seq],
      ['outside_hours', beforeNine.seq],
      ['outside_hours', saturday.seq],
    ]);
    expect(result.findings[2]?.detail).toContain('(day off)');
  });

  it('counts holidays as days off', async () => {
    const holiday = record('2026-11-03T02:00:00Z', 'reveal'); // Tuesday 11:00 KST
    const result = await review([holiday], '2026-11', { holidays: ['2026-11-03'] });
    expect(kinds(result.findings)).toEqual([['outside_hours', holiday.seq]]);
  });

  it('flags more than the daily reveals of one actor within one KST day, not across two', async () => {
    // Monday 2026-11-02 10:00 KST onwards: 3 reveals; then 2 on Tuesday.
    const monday = [0, 1, 2].map((i) => record(`2026-11-02T0${i + 1}:00:00Z`, 'reveal'));
    const tuesday = [
      record('2026-11-03T01:00:00Z', 'reveal'),
      record('2026-11-03T02:00:00Z', 'reveal'),
    ];
    const otherActor = record('2026-11-02T04:00:00Z', 'reveal', {
      actor: { id: 'op-2', role: 'operator' },
    });

    const result = await review([...monday, ...tuesday, otherActor], '2026-11', {
      maxRevealsPerDay: 2,
    });

    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'reveals_per_day',
        actorId: 'op-1',
        day: '2026-11-02',
        count: 3,
        seqs: monday.map((r) => r.seq),
      }),
    ]);
  });

  it('splits days at KST midnight, not UTC midnight', async () => {
    // 14:00Z and 16:00Z on 2026-11-02 are 23:00 Monday and 01:00 Tuesday KST.
    const a = record('2026-11-02T14:00:00Z', 'reveal');
    const b = record('2026-11-02T16:00:00Z', 'reveal');
    const result = await review([a, b], '2026-11', { maxRevealsPerDay: 1 });
    expect(result.findings.filter((f) => f.kind === 'reveals_per_day')).toEqual([]);
  });

  it('flags more than the monthly reveals of one actor', async () => {
    const reveals = [2, 3, 4, 5].map((d) => record(`2026-11-0${d}T01:00:00Z`, 'reveal'));
    const result = await review(reveals, '2026-11', { maxRevealsPerMonth: 3 });
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'reveals_per_month', count: 4, day: '2026-11-01' }),
    ]);
  });

  it('flags exports of at least the bulk threshold and other bulk actions', async () => {
    const many = Array.from({ length: 100 }, (_, i) => `m-${i}`);
    const bulk = record('2026-11-02T01:00:00Z', 'export', { subjects: many });
    const small = record('2026-11-02T01:00:00Z', 'export', { subjects: many.slice(0, 99) });
    const bulkRead = record('2026-11-02T02:00:00Z', 'read', { subjects: many });

    const result = await review([bulk, small, bulkRead]);

    expect(kinds(result.findings)).toEqual([
      ['bulk_export', bulk.seq],
      ['bulk_access', bulkRead.seq],
    ]);
    expect(result.findings[0]?.count).toBe(100);
  });

  it('summarizes each actor by action, sorted by actor', async () => {
    const result = await review([
      record('2026-11-02T01:00:00Z', 'read', { actor: { id: 'b', role: 'admin' } }),
      record('2026-11-02T01:00:00Z', 'reveal', { actor: { id: 'a', role: 'operator' } }),
      record('2026-11-02T01:00:00Z', 'read', {
        actor: { id: 'b', role: 'admin' },
        subjects: ['m-1', 'm-2'],
      }),
    ]);

    expect(result.actors).toEqual([
      expect.objectContaining({ actorId: 'a', total: 1, distinctSubjects: 1 }),
      expect.objectContaining({
        actorId: 'b',
        roles: ['admin'],
        total: 2,
        distinctSubjects: 2,
        counts: { read: 2, update: 0, create: 0, delete: 0, reveal: 0, export: 0, destroy: 0 },
      }),
    ]);
  });
});
