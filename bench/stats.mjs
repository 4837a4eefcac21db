// stats (issue 15): one month (November 2026) over 1M assignments on the embedded engine: the
// whole `stats monthly` path (figures, XLSX, CSV, charts, S3 publish to s3rver) in a fresh process
// (bench/servers/stats-process.mjs), its peak RSS, and the figures alone against a baseline doing
// the core of the same work by hand (the month's assignments read with find() and grouped in a
// Map). Goal: <= 5 s end to end. Sizes: BENCH_STATS_ASSIGNMENTS (default 1,000,000), 10 per shift.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import { freePort, report } from './lib.mjs';
import { loadConfig } from '../dist/config/config.js';
import { spawnS3rver } from '../dist/local/s3.js';
import { MIGRATIONS } from '../dist/migrations/index.js';
import { SchemaMigrator } from '../dist/platform/schema/schema-migrator.js';
import { openDatabase } from '../dist/platform/storage/open-database.js';

const ASSIGNMENTS = Number(process.env.BENCH_STATS_ASSIGNMENTS ?? 1_000_000);
const PER_SHIFT = 10;
const BATCH = 5_000;
const silent = pino({ level: 'silent' });
const SIDO = [
  '11',
  '26',
  '27',
  '28',
  '29',
  '30',
  '31',
  '36',
  '41',
  '43',
  '44',
  '46',
  '47',
  '48',
  '50',
  '51',
  '52',
];
const RULES = [
  'weekly_hours_exceeded',
  'minimum_age',
  'identity_not_verified',
  'shift_full',
  'rest_too_short',
  'qualification_missing',
];
const STATES = [
  ['completed', 0.62],
  ['no_show', 0.04],
  ['cancelled', 0.12],
  ['withdrawn', 0.08],
  ['rejected', 0.08],
  ['declined', 0.06],
];
const NOV_START = Date.parse('2026-10-31T15:00:00Z');
const DAY = 86_400_000;

/** mulberry32: the same data every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function generate(db) {
  const rng = random(20261101);
  const pick = (list) => list[Math.floor(rng() * list.length)];
  const state = () => {
    let x = rng();
    for (const [name, share] of STATES) if ((x -= share) < 0) return name;
    return 'completed';
  };
  const inMonth = () => new Date(NOV_START + Math.floor(rng() * 30 * DAY));
  const shifts = ASSIGNMENTS / PER_SHIFT;
  const businesses = Array.from({ length: 2_000 }, () => new ObjectId().toHexString());
  for (let from = 0; from < shifts; from += BATCH) {
    const shiftDocs = [];
    const assignmentDocs = [];
    for (let i = from; i < Math.min(from + BATCH, shifts); i++) {
      const _id = new ObjectId();
      const startsAt = inMonth();
      const headcount = 5 + Math.floor(rng() * 10);
      const createdAt = new Date(startsAt.getTime() - Math.floor(rng() * 20 * DAY));
      shiftDocs.push({
        _id,
        businessId: pick(businesses),
        title: '물류센터 상하차',
        startsAt,
        endsAt: new Date(startsAt.getTime() + 8 * 3_600_000),
        place: { address: '서울특별시 강남구 역삼동 1', regionCode: `${pick(SIDO)}68010100` },
        headcount,
        hourlyPayKrw: 10_320 + Math.floor(rng() * 10) * 500,
        requiredQualifications: [],
        minimumAge: 18,
        status: rng() < 0.03 ? 'cancelled' : 'open',
        filled: headcount,
        holders: [],
        version: 3,
        createdBy: 'm-bench',
        createdAt,
        updatedAt: createdAt,
      });
      for (let k = 0; k < PER_SHIFT; k++) {
        const s = state();
        const createdAt = new Date(startsAt.getTime() - Math.floor(rng() * 10 * DAY));
        assignmentDocs.push({
          _id: new ObjectId(),
          shiftId: _id.toHexString(),
          businessId: shiftDocs.at(-1).businessId,
          workerId: `w-${Math.floor(rng() * 200_000)}`,
          state: s,
          origin: rng() < 0.7 ? 'application' : 'proposal',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 8 * 3_600_000),
          ...(s === 'completed' ? { hoursWorked: 8 } : {}),
          ...(s === 'cancelled'
            ? {
                cancellation: {
                  by: { role: 'worker' },
                  reason: '개인 사정',
                  late: rng() < 0.3,
                  at: startsAt,
                },
              }
            : {}),
          history: [
            { from: null, to: 'applied', at: createdAt, by: { role: 'worker' } },
            { from: 'applied', to: s, at: startsAt, by: { role: 'business' } },
          ],
          outbox: [],
          version: 2,
          createdAt,
          updatedAt: startsAt,
        });
      }
    }
    await db.collection('shifts').insertMany(shiftDocs);
    await db.collection('assignments').insertMany(assignmentDocs);
  }
  for (let from = 0; from < 50_000; from += BATCH) {
    const members = [];
    const workers = [];
    for (let i = from; i < from + BATCH; i++) {
      const createdAt = inMonth();
      members.push({
        _id: `m-${i}`,
        role: rng() < 0.9 ? 'worker' : 'business',
        status: 'active',
        createdAt,
        updatedAt: createdAt,
      });
      workers.push({
        _id: `m-${i}`,
        history: [
          { subject: 'identity', action: 'verify', at: inMonth(), by: 'nice', byRole: 'provider' },
          ...(rng() < 0.5
            ? [
                {
                  subject: 'bankAccount',
                  action: 'verify',
                  at: inMonth(),
                  by: 'popbill',
                  byRole: 'provider',
                },
              ]
            : []),
        ],
      });
    }
    await db.collection('members').insertMany(members);
    await db.collection('workers').insertMany(workers);
  }
  await db.collection('businesses').insertMany(
    businesses.map((id) => ({
      _id: ObjectId.createFromHexString(id),
      name: '사업장',
      history: [{ action: 'verify', method: 'nts', at: inMonth(), by: 'op', byRole: 'operator' }],
    })),
  );
  const counters = [];
  for (let day = 1; day <= 30; day++) {
    for (const rule of RULES) {
      const key = `2026-11-${String(day).padStart(2, '0')}`;
      counters.push({ _id: `${key}:${rule}`, day: key, rule, count: 1 + Math.floor(rng() * 50) });
    }
  }
  await db.collection('eligibility_refusals').insertMany(counters);
}

export async function run() {
  // BENCH_STATS_DIR keeps the generated data between runs (for profiling the stats process).
  const kept = process.env.BENCH_STATS_DIR;
  if (kept) mkdirSync(kept, { recursive: true });
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'wm-bench-stats-'));
  const reuse = kept !== undefined && existsSync(path.join(kept, 'generated'));
  const s3Port = await freePort();
  const config = loadConfig({ APP_MODE: 'local', DATA_DIR: dir, LOCAL_S3_PORT: String(s3Port) });
  const s3rver = await spawnS3rver({
    dir: path.join(dir, 's3'),
    configDir: path.join(dir, 'local-stack'),
    port: s3Port,
    bucket: config.aws.s3.bucket,
    env: process.env,
    output: () => {},
  });
  try {
    const db = await openDatabase(config.database, silent);
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const started = performance.now();
    if (!reuse) await generate(db);
    const generatedS = (performance.now() - started) / 1000;
    await db.close();
    if (kept) writeFileSync(path.join(kept, 'generated'), '');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const child = spawnSync(
      process.execPath,
      ['bench/servers/stats-process.mjs', dir, String(s3Port)],
      {
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    if (child.status !== 0) throw new Error(`stats-process failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
    report('stats', [
      {
        figure: `stats monthly for one month over ${result.assignments} assignments (${ASSIGNMENTS / PER_SHIFT} shifts; generated in ${Math.round(generatedS)} s): figures, XLSX, CSV, charts and the S3 publish, in a fresh process`,
        value: result.produce,
        unit: 'ms',
        goal: '<= 5000',
      },
      {
        figure:
          'the figures alone (the pipelines and the in-memory join) vs the month’s assignments read with find() and grouped by hand in a Map (speed ratio)',
        value: result.figures,
        unit: 'ms',
        baseline: result.byHand,
        ratio: result.byHand / result.figures,
      },
      {
        figure: 'peak RSS of the stats process through the produce path (before the baseline)',
        value: result.produceRssMb,
        unit: 'MiB',
      },
    ]);
  } finally {
    await s3rver.stop(5_000);
    if (!kept) rmSync(dir, { recursive: true, force: true });
  }
}
