import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { MongoDatabase } from '../../platform/storage/mongo-database.js';
import { openPrivacy } from '../../privacy/privacy.js';
import { AssignmentStatistics } from '../assignments/assignment-statistics.js';
import { BusinessStatistics } from '../businesses/business-statistics.js';
import { MemberStatistics } from '../members/member-statistics.js';
import { ShiftStatistics } from '../shifts/shift-statistics.js';
import { WorkerStatistics } from '../workers/worker-statistics.js';
import { monthlyFigures, type StatisticsSources } from './monthly-figures.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const silent = { ...quiet, fatal() {}, trace() {}, child: () => silent } as never;
/** An instant written as KST wall time. */
const kst = (local: string) => new Date(`${local}+09:00`);
const NOVEMBER = { year: 2026, month: 11 };

// On the embedded engine, and on a real MongoDB as well when MONGODB_URI is set: the pipelines
// are the ones DocumentDB 5.0 runs ($match, $unwind, $group, $project; no $facet, no $lookup).
describe(monthlyFigures.name, () => {
  let dir: string;
  let db: Database;
  let sources: StatisticsSources;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-stats-'));
    const uri = process.env.MONGODB_URI;
    db = uri
      ? await MongoDatabase.connect(
          { uri, dbName: `stats_${path.basename(dir).replace(/\W/g, '')}`, tlsCaFile: undefined },
          quiet,
        )
      : await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const { personalData } = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sources = {
      members: MemberStatistics.open(db, personalData),
      workers: WorkerStatistics.open(db, personalData),
      businesses: BusinessStatistics.open(db, personalData),
      shifts: ShiftStatistics.open(db),
      assignments: AssignmentStatistics.open(db, personalData),
    };
  });

  afterEach(async () => {
    if (db.kind === 'mongodb') {
      for (const name of ['members', 'workers', 'businesses', 'shifts', 'assignments']) {
        await db.collection(name).deleteMany({});
      }
      await db.collection('eligibility_refusals').deleteMany({});
    }
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A small month whose figures are computed by hand below (docs/statistics.md: definitions). */
  async function seedNovember() {
    const member = (id: string, role: string, createdAt: Date) => ({
      _id: id,
      role,
      status: 'active',
      createdAt,
      updatedAt: createdAt,
    });
    await db
      .collection<{ _id: string }>('members')
      .insertMany([
        member('m-first-minute', 'worker', kst('2026-11-01T00:00:00')),
        member('m-last-minute', 'worker', kst('2026-11-30T23:59:59')),
        member('m-business', 'business', kst('2026-11-15T10:00:00')),
        member('m-october', 'worker', kst('2026-10-31T23:59:59')),
        member('m-december', 'worker', kst('2026-12-01T00:00:00')),
      ]);
    const event = (subject: string, action: string, at: Date) => ({
      subject,
      action,
      at,
      by: 'op-1',
      byRole: 'operator',
    });
    await db.collection<{ _id: string; history: unknown[] }>('workers').insertMany([
      {
        _id: 'w-1',
        history: [
          event('identity', 'revoke', kst('2026-10-20T10:00:00')),
          event('identity', 'verify', kst('2026-11-10T10:00:00')),
          event('bankAccount', 'verify', kst('2026-11-11T10:00:00')),
        ],
      },
      {
        _id: 'w-2',
        history: [
          event('identity', 'verify', kst('2026-11-20T10:00:00')),
          event('identity', 'revoke', kst('2026-11-21T10:00:00')),
          event('bankAccount', 'verify', kst('2026-12-01T00:00:00')),
        ],
      },
    ]);
    const b1 = new ObjectId();
    const b2 = new ObjectId();
    await db.collection('businesses').insertMany([
      {
        _id: b1,
        name: '가게',
        history: [
          { ...event('', 'verify', kst('2026-11-05T10:00:00')), method: 'manual' },
          { ...event('', 'nts-check', kst('2026-11-06T10:00:00')), method: 'nts' },
        ],
      },
      { _id: b2, name: '공장', history: [] },
    ]);
    const ids = { s1: new ObjectId(), s2: new ObjectId(), s3: new ObjectId(), s4: new ObjectId() };
    const shift = (
      _id: ObjectId,
      businessId: ObjectId,
      regionCode: string,
      headcount: number,
      startsAt: Date,
      createdAt: Date,
      extra: Record<string, unknown> = {},
    ) => ({
      _id,
      businessId: businessId.toHexString(),
      title: '근무',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 8 * 3_600_000),
      place: { address: '주소', regionCode },
      headcount,
      hourlyPayKrw: 12_000,
      requiredQualifications: [],
      minimumAge: 18,
      status: 'open',
      filled: 0,
      holders: [],
      version: 1,
      createdBy: 'm-business',
      createdAt,
      updatedAt: createdAt,
      ...extra,
    });
    await db.collection('shifts').insertMany([
      // Starts in the last half hour of November: a November shift.
      shift(ids.s1, b1, '1168010100', 2, kst('2026-11-30T23:30:00'), kst('2026-11-01T09:00:00')),
      // Posted in October, worked in November, paid more.
      shift(ids.s2, b1, '2611010100', 1, kst('2026-11-03T09:00:00'), kst('2026-10-25T09:00:00'), {
        hourlyPayKrw: 15_000,
      }),
      // Posted in November, starts at the first instant of December.
      shift(ids.s3, b2, '1168010100', 3, kst('2026-12-01T00:00:00'), kst('2026-11-20T09:00:00')),
      // Posted and cancelled in November.
      shift(ids.s4, b2, '1168010100', 5, kst('2026-11-10T09:00:00'), kst('2026-11-02T09:00:00'), {
        status: 'cancelled',
      }),
    ]);
    const assignment = (
      shiftId: ObjectId,
      startsAt: Date,
      state: string,
      origin: string,
      createdAt: Date,
      extra: Record<string, unknown> = {},
    ) => ({
      _id: new ObjectId(),
      shiftId: shiftId.toHexString(),
      businessId: 'b',
      workerId: `w-${Math.random()}`,
      state,
      origin,
      startsAt,
      endsAt: startsAt,
      history: [],
      outbox: [],
      version: 1,
      createdAt,
      updatedAt: createdAt,
      ...extra,
    });
    const s1At = kst('2026-11-30T23:30:00');
    const s2At = kst('2026-11-03T09:00:00');
    await db.collection('assignments').insertMany([
      assignment(ids.s1, s1At, 'completed', 'application', kst('2026-11-02T09:00:00'), {
        hoursWorked: 8,
      }),
      assignment(ids.s1, s1At, 'no_show', 'proposal', kst('2026-11-03T09:00:00')),
      assignment(ids.s1, s1At, 'cancelled', 'application', kst('2026-10-30T09:00:00'), {
        cancellation: { by: {}, reason: '사정', late: true, at: s1At },
      }),
      assignment(ids.s2, s2At, 'completed', 'proposal', kst('2026-11-01T09:00:00'), {
        hoursWorked: 4,
      }),
      assignment(ids.s2, s2At, 'withdrawn', 'application', kst('2026-11-04T09:00:00')),
      assignment(
        ids.s3,
        kst('2026-12-01T00:00:00'),
        'completed',
        'application',
        kst('2026-11-25T09:00:00'),
        {
          hoursWorked: 8,
        },
      ),
      assignment(
        ids.s4,
        kst('2026-11-10T09:00:00'),
        'cancelled',
        'proposal',
        kst('2026-11-03T09:00:00'),
        {
          cancellation: { by: {}, reason: '취소', late: false, at: kst('2026-11-04T09:00:00') },
        },
      ),
    ]);
    // Refusal counters as the assignments module keeps them: one per KST day and rule.
    const counter = (day: string, rule: string, count: number) => ({
      _id: `${day}:${rule}`,
      day,
      rule,
      count,
    });
    await db
      .collection<{ _id: string }>('eligibility_refusals')
      .insertMany([
        counter('2026-11-30', 'weekly_hours_exceeded', 1),
        counter('2026-11-30', 'minimum_age', 1),
        counter('2026-12-01', 'weekly_hours_exceeded', 1),
      ]);
    return { b1: b1.toHexString() };
  }

  it('computes a month’s figures as counted by hand, each instant in the KST month it belongs to', async () => {
    const { b1 } = await seedNovember();

    const report = await monthlyFigures(sources, NOVEMBER, {
      previous: { signUps: 2, fillRate: 0 },
      now: kst('2026-12-01T06:00:00'),
    });

    expect(report.month).toBe('2026-11');
    expect(report.empty).toBe(false);
    const values = Object.fromEntries(report.headline.map((f) => [f.key, f.value]));
    expect(values).toEqual({
      signUps: 3,
      identityVerified: 2,
      bankAccountsVerified: 1,
      businessesVerified: 1,
      shiftsPosted: 3,
      headcountOffered: 3,
      headcountFilled: 3,
      fillRate: 1,
      applications: 3,
      assignmentsCompleted: 2,
      noShowRate: 1 / 3,
      lateCancellationRate: 0.2,
      hoursWorked: 12,
      grossPayKrw: 8 * 12_000 + 4 * 15_000,
      eligibilityRefusals: 2,
    });
    // Month over month: against the figure before, none when there was none or it was zero.
    expect(report.headline.find((f) => f.key === 'signUps')).toMatchObject({
      label: '신규 가입',
      previous: 2,
      change: 0.5,
    });
    expect(report.headline.find((f) => f.key === 'fillRate')).toMatchObject({
      previous: 0,
      change: null,
    });
    expect(report.headline.find((f) => f.key === 'hoursWorked')).toMatchObject({
      previous: null,
      change: null,
    });
    expect(report.signUpsByRole).toEqual([
      { role: 'worker', count: 2 },
      { role: 'business', count: 1 },
    ]);
    expect(report.verifications).toEqual([
      { kind: 'identity', verified: 2, refused: 1, rate: 2 / 3 },
      { kind: 'bank_account', verified: 1, refused: 0, rate: 1 },
      { kind: 'business', verified: 1, refused: 0, rate: 1 },
    ]);
    expect(report.assignmentsByState).toEqual([
      { state: 'completed', count: 2 },
      { state: 'no_show', count: 1 },
      { state: 'cancelled', count: 2 },
      { state: 'withdrawn', count: 1 },
    ]);
    expect(report.byRegion).toEqual([
      {
        code: '11',
        name: '서울특별시',
        shifts: 1,
        headcountOffered: 2,
        filled: 2,
        fillRate: 1,
        hoursWorked: 8,
        grossPayKrw: 96_000,
      },
      {
        code: '26',
        name: '부산광역시',
        shifts: 1,
        headcountOffered: 1,
        filled: 1,
        fillRate: 1,
        hoursWorked: 4,
        grossPayKrw: 60_000,
      },
    ]);
    expect(report.topBusinesses).toEqual([
      {
        businessId: b1,
        shifts: 2,
        headcountOffered: 3,
        filled: 3,
        fillRate: 1,
        hoursWorked: 12,
        grossPayKrw: 156_000,
      },
    ]);
    expect(report.refusalsByRule).toEqual([
      { rule: 'minimum_age', count: 1 },
      { rule: 'weekly_hours_exceeded', count: 1 },
    ]);
    expect(report.daily).toHaveLength(30);
    expect(report.daily.filter((d) => d.shiftsStarting > 0)).toEqual([
      { day: '2026-11-03', shiftsStarting: 1, assignmentsCompleted: 1, noShows: 0 },
      { day: '2026-11-30', shiftsStarting: 1, assignmentsCompleted: 1, noShows: 1 },
    ]);
  });

  it('counts the first instant of December in December, not November', async () => {
    await seedNovember();

    const december = await monthlyFigures(sources, { year: 2026, month: 12 });

    const values = Object.fromEntries(december.headline.map((f) => [f.key, f.value]));
    expect(values).toMatchObject({
      signUps: 1,
      bankAccountsVerified: 1,
      shiftsPosted: 0,
      headcountOffered: 3,
      assignmentsCompleted: 1,
      eligibilityRefusals: 1,
    });
    expect(december.daily).toHaveLength(31);
  });

  it('says a month without any activity is empty, with every figure zero', async () => {
    const report = await monthlyFigures(sources, { year: 2026, month: 2 });

    expect(report.empty).toBe(true);
    expect(report.headline.every((f) => f.value === 0)).toBe(true);
    expect(report.daily).toHaveLength(28);
    expect(report.byRegion).toEqual([]);
  });
});
