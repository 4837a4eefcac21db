// The embedded engine (SQLite underneath), each figure against a baseline measured in the same
// run where there is one:
// - insertOne and findOne against node:sqlite itself doing the least the same work needs (one
//   transaction per insert of ready BSON; one indexed row read and BSON decode per lookup);
// - a scanning find against mingo over a plain array (the same semantics, no disk, no copies);
// - the shifts browse query through the API (status, KST date range, region prefix, sorted, a
//   page of 20) at 100k shifts against the same at 1k: the scale ratio, goal >= 0.8;
// - reopening a 1M-document database (goal: under 1 s) and peak RSS while filling and reading
//   it back (goal: bounded by the page cache, not by the data), each in a fresh process.
// Runs the compiled engine from dist/ (`npm run bench` builds first).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { performance } from 'node:perf_hooks';
import { BSON } from 'bson';
import { Query } from 'mingo';
import { EmbeddedDatabase } from '../dist/platform/storage/index.js';
import { DAY_MS, kstDayKey } from '../dist/platform/time/kst.js';
import {
  awsLikeEnv,
  createTokenMinter,
  freePort,
  load,
  median,
  migrate,
  report,
  ROOT,
  startServer,
} from './lib.mjs';
import { makeDoc, makeShift } from './storage-data.mjs';

const N = Number(process.env.BENCH_STORAGE_N ?? 100_000);
const CONCURRENCY = 64;
const LOOKUPS = 20_000;
const MILLION = Number(process.env.BENCH_STORAGE_DOCS ?? 1_000_000);
const SHIFTS = Number(process.env.BENCH_STORAGE_SHIFTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Runs `task(i)` for i in [0, count) with `concurrency` in flight; returns ops per second. */
async function throughput(count, concurrency, task) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** node:sqlite alone: the same tables, ready BSON, one transaction per insert; then lookups. */
function rawSqlite(file, docs, probes) {
  const db = new DatabaseSync(file);
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    CREATE TABLE docs (rid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, doc BLOB NOT NULL);
    CREATE TABLE email (key BLOB PRIMARY KEY, rid INTEGER NOT NULL) WITHOUT ROWID;`);
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const insert = db.prepare('INSERT INTO docs (id, doc) VALUES (?, ?)');
  const index = db.prepare('INSERT INTO email (key, rid) VALUES (?, ?)');
  const bytes = docs.map((d, i) => BSON.serialize({ _id: i, ...d }));
  let started = performance.now();
  for (let i = 0; i < docs.length; i++) {
    begin.run();
    const { lastInsertRowid } = insert.run(Buffer.from(String(i)), bytes[i]);
    index.run(Buffer.from(docs[i].email), lastInsertRowid);
    commit.run();
  }
  const insertRate = docs.length / ((performance.now() - started) / 1000);
  const lookup = db.prepare(
    'SELECT d.doc AS doc FROM email AS e CROSS JOIN docs AS d ON d.rid = e.rid WHERE e.key = ?',
  );
  started = performance.now();
  for (const email of probes) BSON.deserialize(lookup.get(Buffer.from(email)).doc);
  const findRate = probes.length / ((performance.now() - started) / 1000);
  db.close();
  return { insertRate, findRate };
}

function inProcess(mode, dir, count = '') {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bench/servers/storage-process.mjs'), mode, dir, String(count)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) throw new Error(`storage-process ${mode}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

async function engineFigures(root) {
  const figures = [];
  const docs = Array.from({ length: N }, (_, i) => makeDoc(i));
  const probes = Array.from({ length: LOOKUPS }, (_, i) => `user${(i * 7919) % N}@example.com`);
  const raw = rawSqlite(path.join(root, 'raw.sqlite'), docs, probes);

  let db = await EmbeddedDatabase.open(path.join(root, 'one'), { logger: silent, ttlSweepMs: 0 });
  let members = db.collection('members');
  await members.createIndex({ email: 1 }, { unique: true });
  const insertRate = await throughput(N, CONCURRENCY, (i) => members.insertOne({ ...docs[i] }));
  const { commits } = await db.stats();
  figures.push(
    {
      figure: `insertOne x${N / 1000}k, ${CONCURRENCY} concurrent, acknowledged after commit (goal >= 37k; baseline: node:sqlite, a transaction per ready BSON insert)`,
      value: insertRate,
      unit: 'docs/s',
      baseline: raw.insertRate,
      ratio: insertRate / raw.insertRate,
    },
    {
      figure: 'insertOne: documents per commit (group commit)',
      value: N / commits,
      unit: 'docs/commit',
    },
  );

  let started = performance.now();
  for (const email of probes) await members.findOne({ email });
  const findRate = LOOKUPS / ((performance.now() - started) / 1000);
  figures.push({
    figure:
      'findOne by unique indexed field (goal >= 52k; baseline: node:sqlite indexed row read + BSON decode)',
    value: findRate,
    unit: 'ops/s',
    baseline: raw.findRate,
    ratio: findRate / raw.findRate,
  });

  // A scanning query (no usable index) against mingo's own pass over a plain array.
  const plain = docs.map((d, i) => ({ _id: i, ...d }));
  const range = { tenant: 't7', n: { $gte: N / 2 } };
  started = performance.now();
  for (let i = 0; i < 10; i++) await members.find(range).toArray();
  const scanRate = 10 / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let i = 0; i < 10; i++) new Query(range).find(plain).all();
  const mingoScanRate = 10 / ((performance.now() - started) / 1000);
  figures.push({
    figure: `find scanning ${N / 1000}k docs (no index) vs mingo over an array`,
    value: scanRate,
    unit: 'queries/s',
    baseline: mingoScanRate,
    ratio: scanRate / mingoScanRate,
  });

  const ids = (await members.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  const updateRate = await throughput(N, CONCURRENCY, (i) =>
    members.updateOne({ _id: ids[i] }, { $inc: { n: 1 }, $set: { touchedAt: new Date() } }),
  );
  figures.push({
    figure: `updateOne by _id x${N / 1000}k, ${CONCURRENCY} concurrent`,
    value: updateRate,
    unit: 'ops/s',
  });
  await db.close();

  db = await EmbeddedDatabase.open(path.join(root, 'many'), { logger: silent, ttlSweepMs: 0 });
  members = db.collection('members');
  await members.createIndex({ email: 1 }, { unique: true });
  started = performance.now();
  for (let i = 0; i < N; i += 1000) {
    await members.insertMany(docs.slice(i, i + 1000).map((d) => ({ ...d })));
  }
  figures.push({
    figure: `insertMany x${N / 1000}k in batches of 1000`,
    value: N / ((performance.now() - started) / 1000),
    unit: 'docs/s',
  });
  await db.close();
  return figures;
}

/** The shifts browse route at `count` shifts: a server on a database seeded directly. */
async function browseServer(root, count, minter, env0) {
  const dir = path.join(root, `browse-${count}`);
  const port = await freePort();
  const env = { ...awsLikeEnv(path.join(dir, 'db'), port), ...env0 };
  migrate(env);
  const from = new Date(Date.now() + 24 * 3_600_000);
  const db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: silent, ttlSweepMs: 0 });
  const shifts = db.collection('shifts');
  for (let i = 0; i < count; i += 1000) {
    const n = Math.min(1000, count - i);
    await shifts.insertMany(Array.from({ length: n }, (_, j) => makeShift(i + j, from, 30)));
  }
  await db.close();
  const server = await startServer(
    'bench/servers/auth-app.mjs',
    { ...env, BENCH_JWKS: JSON.stringify(minter.jwks) },
    `http://127.0.0.1:${port}/health/ready`,
  );
  const day = (offset) => kstDayKey(from.getTime() + offset * DAY_MS);
  // The whole month: at 1k shifts too, a page of Seoul's shifts is there to be found.
  const url = `http://127.0.0.1:${port}/shifts?from=${day(0)}&to=${day(29)}&region=11&limit=20`;
  return { server, url };
}

async function browseFigures(root) {
  const env0 = { COGNITO_USER_POOL_ID: 'ap-northeast-2_BenchPool1', COGNITO_CLIENT_ID: 'bench' };
  const minter = createTokenMinter(env0);
  const headers = { authorization: `Bearer ${minter.mint('bench-worker', ['worker'])}` };
  const small = await browseServer(root, 1_000, minter, env0);
  const large = await browseServer(root, SHIFTS, minter, env0);
  try {
    for (const { url } of [small, large]) {
      const response = await fetch(url, { headers });
      const body = await response.json();
      if (response.status !== 200 || !Array.isArray(body.items) || body.items.length === 0) {
        throw new Error(`browse ${url}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      }
      load(url, { seconds: 1, headers });
    }
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push({
        small: load(small.url, { seconds: SECONDS, headers }),
        large: load(large.url, { seconds: SECONDS, headers }),
      });
    }
    return [
      {
        figure: `GET /shifts browse (status, KST dates, region prefix, sorted, page of 20) at ${SHIFTS / 1000}k shifts; baseline: at 1k; ratio = scale ratio (goal >= 0.8; median of ${ROUNDS} paired ${SECONDS}s rounds)`,
        value: median(rounds.map((r) => r.large)),
        unit: 'req/s',
        baseline: median(rounds.map((r) => r.small)),
        ratio: median(rounds.map((r) => r.large / r.small)),
      },
    ];
  } finally {
    await Promise.all([small.server.stop(), large.server.stop()]);
  }
}

/** The browse query in the engine itself, with and without the cache of decoded documents. */
async function cacheFigure(root) {
  const from = new Date(Date.now() + 24 * 3_600_000);
  const filter = {
    status: 'open',
    startsAt: { $gte: from, $lt: new Date(from.getTime() + 30 * 24 * 3_600_000), $gt: new Date() },
    $expr: { $lt: ['$filled', '$headcount'] },
    'place.regionCode': { $gte: '1100000000', $lte: '1199999999' },
  };
  const rate = async (documentCacheBytes) => {
    const db = await EmbeddedDatabase.open(path.join(root, `browse-${SHIFTS}`, 'db'), {
      logger: silent,
      ttlSweepMs: 0,
      documentCacheBytes,
    });
    const shifts = db.collection('shifts');
    const query = () => shifts.find(filter).sort({ startsAt: 1, _id: 1 }).limit(21).toArray();
    await query();
    const started = performance.now();
    for (let i = 0; i < 300; i++) await query();
    const perSecond = 300 / ((performance.now() - started) / 1000);
    await db.close();
    return perSecond;
  };
  const without = await rate(0);
  const withCache = await rate(undefined);
  return [
    {
      figure: `browse query in the engine at ${SHIFTS / 1000}k shifts with the document cache (8 MiB, default); baseline: without it`,
      value: withCache,
      unit: 'queries/s',
      baseline: without,
      ratio: withCache / without,
    },
  ];
}

function millionFigures(root) {
  const tenth = inProcess('fill', path.join(root, 'tenth'), MILLION / 10);
  const dir = path.join(root, 'million');
  const filled = inProcess('fill', dir, MILLION);
  const reopen = median([0, 1, 2].map(() => inProcess('reopen', dir).ms));
  const label = `${MILLION / 1_000_000}M`;
  const mib = (bytes) => Math.round(bytes / 1_048_576);
  return [
    {
      figure: `reopen a ${label}-document database (${mib(filled.fileBytes)} MiB) and answer an indexed findOne, fresh process (goal < 1000 ms; median of 3)`,
      value: reopen,
      unit: 'ms',
    },
    {
      figure: `peak RSS filling ${label} documents (${mib(filled.fileBytes)} MiB on disk) and reading them all back in pages; baseline: the same with a tenth of them (${mib(tenth.fileBytes)} MiB); page cache 32 MiB, document cache 8 MiB (goal: ratio near 1, not 10)`,
      value: filled.maxRssMb,
      unit: 'MiB',
      baseline: tenth.maxRssMb,
      ratio: filled.maxRssMb / tenth.maxRssMb,
    },
    {
      figure: `fill ${label} documents (insertMany batches of 1000, two indexes) and read them back`,
      value: filled.ms / 1000,
      unit: 's',
    },
  ];
}

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'workmatch-bench-storage-'));
  try {
    const figures = [
      ...(await engineFigures(root)),
      ...(await browseFigures(root)),
      ...(await cacheFigure(root)),
      ...millionFigures(root),
    ];
    report('storage', figures);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
