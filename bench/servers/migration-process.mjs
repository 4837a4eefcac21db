// One migration workload in a fresh process, so its time and peak memory are its own (run with
// --expose-gc); each prints one JSON line:
//   transform <export> <users> <rounds> <keys dir>
//       the members stage's writer (coercion rules, the codec and canonical hash, the sealed
//       `_legacy` copies, the personal-data encryption and blind indexes) over the first <users>
//       `users` documents, on a database whose writes do nothing; against JSON.parse(JSON.stringify)
//       of the same documents (bigints as text, bytes as base64), rounds alternated, medians;
//       then the codec, canonical hash and seal alone (LegacySealer.copyOf) over about as many
//       documents taken equally from every collection group, against the same JSON round trip
//   e2e <export> <dir>
//       the engine from the export into a fresh embedded database (schema migrated, privacy keys
//       in <dir>), run again after each pass with the copied stages marked verified (the copy
//       alone is timed, not `migrate verify`) until no stage is left that could start
//   store <migrated db dir> <dir>
//       the floor of the writes: every document the e2e run left in the target collections,
//       inserted again with insertMany (batches of 500) into a fresh database with the schema's
//       indexes; the time to store what the migration produced, with nothing to read, map or
//       encrypt
//   insertmany <export> <dir> <groups>
//       the embedded engine's own insertMany, batches of 500 (the engine's batch), of the same
//       groups' documents as plain documents (numbers, dates, buffers; `_id` the path) into a
//       fresh database; only the insertMany calls are timed
// liveHeapMb is the largest heap left after a full collection, taken about ten times in the run.
import { createCipheriv, createHash, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../dist/config/config.js';
import { MIGRATIONS } from '../../dist/migrations/index.js';
import { SchemaMigrator } from '../../dist/platform/schema/schema-migrator.js';
import { EmbeddedDatabase } from '../../dist/platform/storage/index.js';
import { openPrivacy } from '../../dist/privacy/privacy.js';
import { MembersRepository } from '../../dist/modules/members/members.repository.js';
import { WorkersRepository } from '../../dist/modules/workers/workers.repository.js';
import { LegacySealer } from '../../dist/modules/firestore-migration/codec/legacy-sealer.js';
import { MigrationEngine } from '../../dist/modules/firestore-migration/engine/migration-engine.js';
import { MigrationStateRepository } from '../../dist/modules/firestore-migration/engine/migration-state.repository.js';
import { STAGES } from '../../dist/modules/firestore-migration/engine/stages.js';
import { MembersWriter } from '../../dist/modules/firestore-migration/mapping/members.writer.js';
import { ExportSource } from '../../dist/modules/firestore-migration/source/export-source.js';
import { stageWriters } from '../../dist/modules/firestore-migration/stage-writers.js';

const silent = pino({ level: 'silent' });
const BATCH = 500;

function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}

const procStatus = () => {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return '';
  }
};

/** Samples the live heap (after a full collection) every `every` calls of `tick(n)`. */
function heapSampler(every) {
  const most = { live: 0, heapTotal: 0, outsideHeap: 0, external: 0, anon: 0, file: 0, shmem: 0 };
  let next = 0;
  let seen = 0;
  return {
    tick(n) {
      seen += n;
      if (seen < next) return;
      next = seen + every;
      const before = process.memoryUsage();
      most.heapTotal = Math.max(most.heapTotal, before.heapTotal);
      most.outsideHeap = Math.max(most.outsideHeap, before.rss - before.heapTotal);
      most.external = Math.max(most.external, before.external);
      for (const [key, field] of [
        ['anon', 'RssAnon'],
        ['file', 'RssFile'],
        ['shmem', 'RssShmem'],
      ]) {
        const kb = Number(procStatus().match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
        most[key] = Math.max(most[key], kb * 1024);
      }
      globalThis.gc?.();
      most.live = Math.max(most.live, process.memoryUsage().heapUsed);
    },
    mb: () => Object.fromEntries(Object.entries(most).map(([k, v]) => [k, v / 1_048_576])),
  };
}

/** Every document of `groups` in the export, file by file, in the order the engine reads them. */
async function* documentsOf(exportDir, groups) {
  const source = new ExportSource(exportDir);
  const snapshot = await source.openSnapshot();
  for (const group of groups) {
    for (const partition of await source.partition(snapshot, group)) {
      for await (const { doc } of source.scan(snapshot, partition)) yield doc;
    }
  }
  await source.close();
}

/** A Firestore value as JSON can carry it, in the same tagged shape. */
function jsonable(value) {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(jsonable);
  if ('int' in value) return { int: value.int.toString() };
  if ('bytes' in value) return { bytes: Buffer.from(value.bytes).toString('base64') };
  if ('ts' in value) return { ts: { seconds: value.ts.seconds.toString(), nanos: value.ts.nanos } };
  if ('map' in value) return { map: jsonFields(value.map) };
  return value; // double, geo, ref, vector: JSON already
}
const jsonFields = (fields) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, jsonable(v)]));

/** A Firestore value as a plain document holds it (what an app would insert). */
function plain(value) {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  if ('int' in value) return Number(value.int);
  if ('double' in value) return value.double;
  if ('bytes' in value) return Buffer.from(value.bytes);
  if ('ts' in value)
    return new Date(Number(value.ts.seconds) * 1000 + Math.floor(value.ts.nanos / 1e6));
  if ('geo' in value) return value.geo;
  if ('ref' in value) return value.ref;
  if ('vector' in value) return value.vector;
  return plainFields(value.map);
}
const plainFields = (fields) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, plain(v)]));

/** A database whose collections accept every write and hold nothing. */
const nullDatabase = {
  collection: (name) => ({
    collectionName: name,
    updateOne: async () => ({
      acknowledged: true,
      matchedCount: 0,
      modifiedCount: 0,
      upsertedCount: 1,
      upsertedId: null,
    }),
    findOne: async () => null,
    countDocuments: async () => 0,
  }),
};

/** Runs `ours` and `baseline` once to warm up, then `rounds` times alternated: the medians. */
async function paired(rounds, ours, baseline) {
  await ours();
  baseline();
  const oursRates = [];
  const baselineRates = [];
  for (let r = 0; r < rounds; r++) {
    oursRates.push(await ours());
    baselineRates.push(baseline());
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { ours: median(oursRates), baseline: median(baselineRates) };
}

/** Documents per second of JSON.parse(JSON.stringify) over `docs` (bigints and bytes as text). */
function jsonRate(docs) {
  const asJson = docs.map((d) => ({ path: d.path, fields: jsonFields(d.fields) }));
  let sink = 0;
  return () => {
    const started = performance.now();
    for (const d of asJson) sink += JSON.parse(JSON.stringify(d)).path.length;
    if (sink < 0) throw new Error('unreachable');
    return asJson.length / ((performance.now() - started) / 1000);
  };
}

const floorKey = createSecretKey(randomBytes(32));
const floorHmacKey = randomBytes(32);
let floorIvs = randomBytes(12 * 4096);
let floorIvAt = 0;

function floorEncrypt(text) {
  if (floorIvAt + 12 > floorIvs.length) {
    floorIvs = randomBytes(12 * 4096);
    floorIvAt = 0;
  }
  const iv = floorIvs.subarray(floorIvAt, (floorIvAt += 12));
  const cipher = createCipheriv('aes-256-gcm', floorKey, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return body.length + cipher.getAuthTag().length;
}

const PERSONAL = ['phone', 'email', 'name', 'birth', 'ci'];
const SEARCHABLE = new Set(['phone', 'email', 'ci']);

/** Documents per second through the cryptography the members stage must do (see transform). */
function cryptoFloorRate(docs) {
  let sink = 0;
  const started = performance.now();
  for (const doc of docs) {
    const copy = JSON.stringify(jsonFields(doc.fields));
    sink += floorEncrypt(copy);
    sink += createHash('sha256').update(copy).digest().length;
    for (const field of PERSONAL) {
      const value = doc.fields[field];
      if (value === undefined) continue;
      const text = JSON.stringify(jsonable(value));
      sink += floorEncrypt(text);
      if (SEARCHABLE.has(field)) {
        sink += createHmac('sha256', floorHmacKey).update(text).digest().length;
      }
    }
  }
  if (sink < 0) throw new Error('unreachable');
  return docs.length / ((performance.now() - started) / 1000);
}

async function transform(exportDir, users, rounds, keysDir) {
  const docs = [];
  for await (const doc of documentsOf(exportDir, ['users'])) {
    docs.push(doc);
    if (docs.length >= users) break;
  }
  const privacy = await openPrivacy(loadConfig({ DATA_DIR: keysDir }), nullDatabase);
  const sealer = new LegacySealer(privacy.cipher);
  const writer = new MembersWriter(
    new MembersRepository(nullDatabase, privacy.personalData),
    new WorkersRepository(nullDatabase, privacy.personalData),
    sealer,
  );
  const now = new Date();
  let written = 0;
  const members = await paired(
    rounds,
    async () => {
      const started = performance.now();
      for (let i = 0; i < docs.length; i += BATCH) {
        const result = await writer.write(docs.slice(i, i + BATCH), { runId: 'bench', now });
        written += result.written;
      }
      return docs.length / ((performance.now() - started) / 1000);
    },
    jsonRate(docs),
  );

  // The floor: only the cryptography the members stage cannot do without, with node:crypto
  // directly (one key object, IVs from one pool): each personal field the stage keeps (phone,
  // email, name, birth date, CI) encrypted with AES-256-GCM, a blind index (HMAC-SHA-256) for
  // each searchable one (phone, email, CI), one sealed copy of the source (its JSON, encrypted:
  // the original must be kept and holds personal data) and one SHA-256 of it. Whatever the code
  // around it, the stage cannot run faster than this.
  const floor = await paired(rounds, async () => cryptoFloorRate(docs), jsonRate(docs));

  // The codec, hash and seal alone over every collection group, an equal share of each.
  const source = new ExportSource(exportDir);
  const groups = await source.listCollectionGroups();
  await source.close();
  const share = Math.ceil(users / groups.length);
  const mixed = [];
  for (const group of groups) {
    let taken = 0;
    for await (const doc of documentsOf(exportDir, [group])) {
      mixed.push(doc);
      if (++taken >= share) break;
    }
  }
  const sealed = await paired(
    rounds,
    async () => {
      const started = performance.now();
      for (const doc of mixed) await sealer.copyOf(doc, { collection: 'bench', id: doc.path });
      return mixed.length / ((performance.now() - started) / 1000);
    },
    jsonRate(mixed),
  );
  return {
    documents: docs.length,
    writtenPerRound: written / (rounds + 1),
    transform: members.ours,
    json: members.baseline,
    floor: floor.ours,
    floorJson: floor.baseline,
    sealDocuments: mixed.length,
    sealGroups: groups.length,
    seal: sealed.ours,
    sealJson: sealed.baseline,
  };
}

async function endToEnd(exportDir, dir) {
  const db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: silent, ttlSweepMs: 0 });
  await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
  const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
  const source = new ExportSource(exportDir);
  const snapshot = await source.openSnapshot();
  let total = 0;
  for (const group of await source.listCollectionGroups()) {
    for (const p of await source.partition(snapshot, group))
      total += await source.count(snapshot, p);
  }
  const heap = heapSampler(Math.max(BATCH, Math.ceil(total / 10)));
  const writers = Object.fromEntries(
    Object.entries(stageWriters(db, privacy)).map(([stage, writer]) => [
      stage,
      {
        write: async (docs, context) => {
          const result = await writer.write(docs, context);
          heap.tick(docs.length);
          return result;
        },
      },
    ]),
  );
  const state = new MigrationStateRepository(db);
  const engine = new MigrationEngine({ source, state, writers, logger: silent });
  const counts = { read: 0, written: 0, unchanged: 0, skipped: 0 };
  const stages = new Map();
  let runs = 0;
  let last;
  const started = performance.now();
  for (;;) {
    const report = await engine.run();
    runs += 1;
    for (const key of Object.keys(counts)) counts[key] += report.counts[key];
    for (const s of report.stages) stages.set(s.stage, (stages.get(s.stage) ?? 0) + s.counts.read);
    last = report;
    const copied = report.stages.filter((s) => s.status === 'copied');
    if (copied.length === 0 || runs > STAGES.length) break;
    for (const s of copied) await state.setStatus(s.stage, 'verified', new Date());
  }
  const seconds = (performance.now() - started) / 1000;
  await source.close();
  await db.close();
  const ran = STAGES.filter((s) => stages.has(s.name));
  return {
    exportDocuments: total,
    ...counts,
    stages: Object.fromEntries(ran.map((s) => [s.name, stages.get(s.name)])),
    groups: ran.flatMap((s) => s.collectionGroups),
    unavailable: last.unavailable,
    blocked: last.blocked.map((b) => b.stage),
    runs,
    seconds,
    maxRssMb: peakRssMb(),
    liveHeapMb: heap.mb().live,
    heapTotalMb: heap.mb().heapTotal,
    outsideHeapMb: heap.mb().outsideHeap,
    externalMb: heap.mb().external,
    rssAnonMb: heap.mb().anon,
    rssFileMb: heap.mb().file,
    rssShmemMb: heap.mb().shmem,
  };
}

/** What a run writes: each stage's targets, and the schedules its assignments hold. */
const TARGETS = [...new Set(STAGES.flatMap((s) => s.targets)), 'worker_schedules'];

async function store(migratedDir, dir) {
  const migrated = await EmbeddedDatabase.open(migratedDir, { logger: silent, ttlSweepMs: 0 });
  const db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: silent, ttlSweepMs: 0 });
  await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
  let documents = 0;
  let spent = 0;
  for (const name of TARGETS) {
    const all = await migrated.collection(name).find({}).toArray();
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      const started = performance.now();
      await db.collection(name).insertMany(batch);
      spent += performance.now() - started;
      documents += batch.length;
    }
  }
  await migrated.close();
  await db.close();
  return { documents, seconds: spent / 1000 };
}

async function insertMany(exportDir, dir, groups) {
  const db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: silent, ttlSweepMs: 0 });
  const collection = db.collection('plain');
  let batch = [];
  let documents = 0;
  let spent = 0;
  const flush = async () => {
    const started = performance.now();
    await collection.insertMany(batch);
    spent += performance.now() - started;
    documents += batch.length;
    batch = [];
  };
  for await (const doc of documentsOf(exportDir, groups)) {
    batch.push({ _id: doc.path, ...plainFields(doc.fields) });
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  await db.close();
  return { documents, seconds: spent / 1000, maxRssMb: peakRssMb() };
}

const [mode, ...args] = process.argv.slice(2);
let result;
if (mode === 'transform') {
  result = await transform(args[0], Number(args[1]), Number(args[2]), args[3]);
} else if (mode === 'e2e') {
  result = await endToEnd(args[0], args[1]);
} else if (mode === 'store') {
  result = await store(args[0], args[1]);
} else if (mode === 'insertmany') {
  result = await insertMany(args[0], args[1], args[2].split(','));
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log(JSON.stringify(result));
