// The Firestore migration (issue 12, "Fidelity and speed"), each workload in a fresh process
// (bench/servers/migration-process.mjs) so its time and peak memory are its own:
// - the transform: the members stage's writer (coercion rules, codec, canonical hash, sealed
//   `_legacy` copies, personal-data encryption and blind indexes) with the database writes made
//   no-ops, against JSON.parse(JSON.stringify) of the same `users` documents (goal >= 0.3); and
//   the codec, hash and seal alone over every collection group, against the same round trip;
// - end to end: the engine from a generated managed export into a fresh embedded database, run
//   until no stage is left to start (the copied stages marked verified between runs: the copy
//   alone is timed, not `migrate verify`), against the embedded engine's own insertMany of the same
//   documents as plain documents into a fresh database (goal >= 0.5);
// - the floors: the transform's cryptography alone (node:crypto directly), and the engine
//   storing the documents the end-to-end run produced (insertMany with the schema's indexes),
//   each against the same baseline: the highest ratio either could reach;
// - peak RSS and live heap of that run against a tenth of the users (goal: no growth with size),
//   and against half of them: how RSS grows from a tenth to half to all (a leak grows with the
//   documents; a warming heap and allocator level off).
// The default size (BENCH_MIGRATION_USERS users, about 6.2 exported documents each) keeps the
// end-to-end run near two minutes on two cores (about 1,200 documents/s); 1M exported documents
// is about 161,000 users, some fourteen minutes.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateLegacyDataset } from '../dist/modules/firestore-migration/generator/generate.js';
import { report, ROOT } from './lib.mjs';

const USERS = Number(process.env.BENCH_MIGRATION_USERS ?? 25_000);
const TRANSFORM_USERS = Math.min(USERS, 10_000);
const ROUNDS = 5;

function child(...args) {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', path.join(ROOT, 'bench/servers/migration-process.mjs'), ...args],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) throw new Error(`migration ${args[0]}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

async function exportOf(users, dir) {
  const summary = await generateLegacyDataset({
    users,
    seed: 'bench',
    format: 'export',
    out: dir,
    authUsers: 0,
  });
  return summary.documents;
}

/** The e2e run, then (when `storeDir` is given) the store floor over what it produced. */
async function endToEnd(exportDir, dir, storeDir) {
  await mkdir(dir, { recursive: true });
  try {
    const run = child('e2e', exportDir, dir);
    if (!storeDir) return { run };
    await mkdir(storeDir, { recursive: true });
    try {
      return { run, store: child('store', path.join(dir, 'db'), storeDir) };
    } finally {
      await rm(storeDir, { recursive: true, force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const count = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1e3)}k`);

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'wm-bench-migration-'));
  const figures = [];
  try {
    const fullExport = path.join(root, 'export-full');
    const tenthExport = path.join(root, 'export-tenth');
    const halfExport = path.join(root, 'export-half');
    const exported = await exportOf(USERS, fullExport);
    await exportOf(Math.max(1, Math.round(USERS / 10)), tenthExport);
    await exportOf(Math.max(1, Math.round(USERS / 2)), halfExport);

    const keys = path.join(root, 'transform-keys');
    await mkdir(keys);
    const t = child('transform', fullExport, String(TRANSFORM_USERS), String(ROUNDS), keys);
    figures.push({
      figure:
        `transform: users documents/s through the members stage's writer (coercion rules, codec, ` +
        `canonical hash, sealed _legacy copies, personal-data encryption and blind indexes; ` +
        `database writes made no-ops), ${t.documents} documents, median of ${ROUNDS}; baseline: ` +
        `JSON.parse(JSON.stringify) of the same documents (goal >= 0.3)`,
      value: t.transform,
      unit: 'docs/s',
      baseline: t.json,
      ratio: t.transform / t.json,
    });
    figures.push({
      figure:
        `transform floor: the cryptography the members stage cannot do without, with node:crypto ` +
        `directly (AES-256-GCM of each personal field it keeps, HMAC-SHA-256 blind indexes of the ` +
        `searchable ones, one sealed copy of the source's JSON and its SHA-256), ${t.documents} ` +
        `documents, median of ${ROUNDS}; baseline: the same JSON round trip (the highest ratio ` +
        `the transform could reach)`,
      value: t.floor,
      unit: 'docs/s',
      baseline: t.floorJson,
      ratio: t.floor / t.floorJson,
    });
    figures.push({
      figure:
        `transform, codec + canonical hash + seal alone (LegacySealer.copyOf, no mapping): ` +
        `documents/s over ${t.sealDocuments} documents from all ${t.sealGroups} collection ` +
        `groups, median of ${ROUNDS}; baseline: JSON.parse(JSON.stringify) of the same documents`,
      value: t.seal,
      unit: 'docs/s',
      baseline: t.sealJson,
      ratio: t.seal / t.sealJson,
    });

    const { run: tenth } = await endToEnd(tenthExport, path.join(root, 'e2e-tenth'));
    await rm(tenthExport, { recursive: true, force: true });
    const { run: half } = await endToEnd(halfExport, path.join(root, 'e2e-half'));
    await rm(halfExport, { recursive: true, force: true });
    const { run: full, store } = await endToEnd(
      fullExport,
      path.join(root, 'e2e-full'),
      path.join(root, 'store'),
    );
    const insertDir = path.join(root, 'insertmany');
    await mkdir(insertDir);
    const plain = child('insertmany', fullExport, insertDir, full.groups.join(','));

    const rate = full.read / full.seconds;
    const baselineRate = plain.documents / plain.seconds;
    const stages = Object.keys(full.stages).join(', ');
    const missing = [
      ...full.unavailable.map((s) => `${s}: no writer in this build`),
      ...full.blocked.map((s) => `${s}: blocked`),
    ];
    const scope =
      `${full.read} of ${exported} exported documents (${USERS} users) read by the ` +
      `stages ${stages}${missing.length ? ` (not run: ${missing.join('; ')})` : ''}`;
    figures.push(
      {
        figure:
          `end to end: documents/s from a managed export into a fresh embedded database, ${scope}; ` +
          `baseline: the embedded engine's insertMany of the same documents as plain documents, ` +
          `batches of 500, into a fresh database (goal >= 0.5)`,
        value: rate,
        unit: 'docs/s',
        baseline: baselineRate,
        ratio: rate / baselineRate,
      },
      {
        figure:
          `end to end floor: storing what the run produced (its ${store.documents} target ` +
          `documents, insertMany in batches of 500 into a fresh database with the schema's ` +
          `indexes), per source document read; baseline: the same insertMany of plain documents ` +
          `(the highest ratio the run could reach with free reading, mapping and encryption)`,
        value: full.read / store.seconds,
        unit: 'docs/s',
        baseline: baselineRate,
        ratio: full.read / store.seconds / baselineRate,
      },
      {
        figure: `end to end: seconds for ${full.read} documents (${full.runs} engine runs, the copied stages marked verified between them)`,
        value: full.seconds,
        unit: 's',
      },
      {
        figure: `end to end: peak RSS over ${count(exported)} exported documents (${full.read} read); baseline: a tenth of the users (${tenth.read} read) (goal: no growth with size, ratio near 1)`,
        value: full.maxRssMb,
        unit: 'MiB',
        baseline: tenth.maxRssMb,
        ratio: full.maxRssMb / tenth.maxRssMb,
      },
      {
        figure: `end to end: peak RSS over ${count(exported)} exported documents; baseline: half of the users (${half.read} read), whose own peak against a tenth's is ${(half.maxRssMb / tenth.maxRssMb).toFixed(2)} (RSS that levels off grows less over the second half than over the first)`,
        value: full.maxRssMb,
        unit: 'MiB',
        baseline: half.maxRssMb,
        ratio: full.maxRssMb / half.maxRssMb,
      },
      {
        figure: `end to end: live heap (largest after a full GC, sampled 10 times) over ${count(exported)} exported documents; baseline: a tenth of the users (goal: ratio near 1)`,
        value: full.liveHeapMb,
        unit: 'MiB',
        baseline: tenth.liveHeapMb,
        ratio: full.liveHeapMb / tenth.liveHeapMb,
      },
      {
        figure: `end to end: resident memory outside the JS heap (largest of the samples: SQLite, buffers, code) over ${count(exported)} exported documents; baseline: a tenth of the users`,
        value: full.outsideHeapMb,
        unit: 'MiB',
        baseline: tenth.outsideHeapMb,
        ratio: full.outsideHeapMb / tenth.outsideHeapMb,
      },
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  report('migration', figures);
}
