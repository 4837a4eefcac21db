// The embedded engine's throughput on 100k documents and its reopen time, each against a
// baseline measured in the same run:
// - writes against a raw `append + fdatasync` loop on the same disk (the durability floor);
// - finds against mingo over a plain array (the same semantics, no index, no copies, no disk);
// - reopen against reading the same journal and parsing it with the bson library's EJSON.parse.
// Runs the compiled engine from dist/ (`npm run bench` builds first).
import { mkdtemp, open, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EJSON } from 'bson';
import { Query } from 'mingo';
import { EmbeddedDatabase } from '../dist/platform/storage/index.js';
import { scanFrames, frame } from '../dist/platform/storage/embedded/journal.js';
import { report } from './lib.mjs';

const N = 100_000;
const CONCURRENCY = 64;
const LOOKUPS = 20_000;
const BASELINE_SECONDS = 5;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function makeDoc(i) {
  return {
    email: `user${i}@example.com`,
    tenant: `t${i % 50}`,
    n: i,
    score: i * 1.5,
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    tags: ['worker', i % 2 ? 'night' : 'day'],
    profile: { name: `User ${i}`, age: 20 + (i % 50) },
  };
}

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

/** A raw append + fdatasync per record, for at most BASELINE_SECONDS; returns records per second. */
async function rawAppendRate(dir, records) {
  const handle = await open(path.join(dir, 'raw.log'), 'a');
  const started = performance.now();
  let done = 0;
  try {
    while (done < records.length && performance.now() - started < BASELINE_SECONDS * 1000) {
      await handle.write(records[done++]);
      await handle.datasync();
    }
  } finally {
    await handle.close();
  }
  return done / ((performance.now() - started) / 1000);
}

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'workmatch-bench-storage-'));
  const figures = [];
  try {
    const docs = Array.from({ length: N }, (_, i) => makeDoc(i));
    const encoded = docs.map((d) =>
      frame(EJSON.stringify({ ops: [{ c: 'members', put: d }] }, { relaxed: false })),
    );

    // insertOne, one document at a time, CONCURRENCY writers sharing group commits.
    const oneDir = path.join(root, 'one');
    let db = await EmbeddedDatabase.open(oneDir, { logger: silent, compaction: { auto: false } });
    let members = db.collection('members');
    await members.createIndex({ email: 1 }, { unique: true });
    const insertRate = await throughput(N, CONCURRENCY, (i) => members.insertOne({ ...docs[i] }));
    const syncs = db.stats().syncs;
    const rawRate = await rawAppendRate(root, encoded);
    figures.push({
      figure: `insertOne x${N / 1000}k, ${CONCURRENCY} concurrent, fsync per group`,
      value: insertRate,
      unit: 'docs/s',
      baseline: rawRate,
      ratio: insertRate / rawRate,
    });
    figures.push({
      figure: 'insertOne: documents per fsync (group commit)',
      value: N / syncs,
      unit: 'docs/sync',
    });

    // Indexed equality find (unique index on email) against mingo scanning a plain array.
    const probes = Array.from({ length: LOOKUPS }, (_, i) => `user${(i * 7919) % N}@example.com`);
    let started = performance.now();
    for (const email of probes) await members.findOne({ email });
    const findRate = LOOKUPS / ((performance.now() - started) / 1000);
    const plain = docs.map((d, i) => ({ _id: i, ...d }));
    const baselineProbes = probes.slice(0, 200);
    started = performance.now();
    for (const email of baselineProbes) new Query({ email }).find(plain).next();
    const mingoFindRate = baselineProbes.length / ((performance.now() - started) / 1000);
    figures.push({
      figure: 'findOne by unique indexed field',
      value: findRate,
      unit: 'ops/s',
      baseline: mingoFindRate,
      ratio: findRate / mingoFindRate,
    });

    // A scanning query (no usable index): the cost of copies over mingo's own pass.
    const range = { tenant: 't7', n: { $gte: N / 2 } };
    started = performance.now();
    for (let i = 0; i < 20; i++) await members.find(range).toArray();
    const scanRate = 20 / ((performance.now() - started) / 1000);
    started = performance.now();
    for (let i = 0; i < 20; i++) new Query(range).find(plain).all();
    const mingoScanRate = 20 / ((performance.now() - started) / 1000);
    figures.push({
      figure: `find scanning ${N / 1000}k docs (no index)`,
      value: scanRate,
      unit: 'queries/s',
      baseline: mingoScanRate,
      ratio: scanRate / mingoScanRate,
    });

    // updateOne by _id with $inc/$set, CONCURRENCY writers.
    const ids = (await members.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    const updateRate = await throughput(N, CONCURRENCY, (i) =>
      members.updateOne({ _id: ids[i] }, { $inc: { n: 1 }, $set: { touchedAt: new Date() } }),
    );
    figures.push({
      figure: `updateOne by _id x${N / 1000}k, ${CONCURRENCY} concurrent`,
      value: updateRate,
      unit: 'ops/s',
      baseline: rawRate,
      ratio: updateRate / rawRate,
    });
    await db.close();

    // insertMany in batches of 1000 (one record and one fsync per batch).
    const manyDir = path.join(root, 'many');
    db = await EmbeddedDatabase.open(manyDir, { logger: silent, compaction: { auto: false } });
    members = db.collection('members');
    await members.createIndex({ email: 1 }, { unique: true });
    started = performance.now();
    for (let i = 0; i < N; i += 1000)
      await members.insertMany(docs.slice(i, i + 1000).map((d) => ({ ...d })));
    const manyRate = N / ((performance.now() - started) / 1000);
    await db.close();
    const batches = [];
    for (let i = 0; i < N; i += 1000) {
      batches.push(
        frame(
          EJSON.stringify(
            { ops: docs.slice(i, i + 1000).map((d) => ({ c: 'members', put: d })) },
            { relaxed: false },
          ),
        ),
      );
    }
    const rawBatchRate = (await rawAppendRate(root, batches)) * 1000;
    figures.push({
      figure: `insertMany x${N / 1000}k in batches of 1000`,
      value: manyRate,
      unit: 'docs/s',
      baseline: rawBatchRate,
      ratio: manyRate / rawBatchRate,
    });

    // Reopen: replay the 100k single-insert journal (plus its unique index).
    started = performance.now();
    db = await EmbeddedDatabase.open(manyDir, { logger: silent, compaction: { auto: false } });
    const reopenMs = performance.now() - started;
    const count = await db.collection('members').countDocuments({});
    if (count !== N) throw new Error(`reopen found ${count} documents, expected ${N}`);
    await db.compact();
    await db.close();
    const oneJournal = (await readdir(oneDir)).find((n) => n.startsWith('journal-'));
    started = performance.now();
    db = await EmbeddedDatabase.open(oneDir, { logger: silent, compaction: { auto: false } });
    const reopenOneMs = performance.now() - started;
    await db.close();
    started = performance.now();
    scanFrames(await readFile(path.join(oneDir, oneJournal)), (payload) =>
      EJSON.parse(payload, { relaxed: false }),
    );
    const libraryParseMs = performance.now() - started;
    figures.push({
      figure: `reopen: replay a journal of ${N / 1000}k inserts + ${N / 1000}k updates`,
      value: reopenOneMs,
      unit: 'ms',
      baseline: libraryParseMs,
      ratio: reopenOneMs / libraryParseMs,
    });
    figures.push({
      figure: `reopen: replay ${N / 1000}k documents in 100 insertMany records`,
      value: reopenMs,
      unit: 'ms',
    });
    started = performance.now();
    db = await EmbeddedDatabase.open(manyDir, { logger: silent, compaction: { auto: false } });
    const snapshotMs = performance.now() - started;
    await db.close();
    figures.push({
      figure: `reopen: load a snapshot of ${N / 1000}k documents`,
      value: snapshotMs,
      unit: 'ms',
    });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  report('storage', figures);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
