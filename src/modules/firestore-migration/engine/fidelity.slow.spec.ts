import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, ensureBuilt } from '../../../../test/support/build.js';
import { loadConfig } from '../../../config/config.js';
import type { Database, Document } from '../../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../../platform/storage/embedded/embedded-database.js';
import { legacySourceKey } from '../../../platform/storage/legacy-copy.js';
import { openPrivacy } from '../../../privacy/privacy.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { fsFields } from '../firestore/arbitraries.js';
import { type FsFields, type FsKind, type FsValue, fs, kindOf } from '../firestore/value.js';
import { legacyDocuments } from '../generator/generate.js';
import { NdjsonSource, NdjsonWriter } from '../ndjson/ndjson-source.js';
import { collectionGroupOf } from '../source/firestore-source.js';
import { stageWriters } from '../stage-writers.js';
import { MigrationStateRepository, type PartitionState } from './migration-state.repository.js';
import { STAGE_NAMES, STAGES } from './stages.js';
import { MigrationVerifier, type StageVerification } from './verify.js';

/**
 * Slow (about a minute): issue 12's fidelity test. A generated dataset, with every Firestore value
 * type added to a quarter of its documents, is migrated by child processes (the batch of
 * `migrate run`, fidelity-child.mjs, and the built CLI's `migrate verify`) that are killed with
 * SIGKILL at random points, inside batches and between them, and resumed each time, until every
 * stage is verified. Then: nothing lost (every source document matched or reported), nothing
 * altered (every copy compared field by field), nothing duplicated (each target once, each copy
 * once, the engine's counts exactly once), and the result the same as one migration without a kill.
 * FIDELITY_SEED=<n> replays the random choices (the kill times still vary with the machine).
 */
const USERS = 200;
const LEASE_MS = 500;
/** Kills aimed at the batch of each round (a round ends with a verify that lets stages advance). */
const KILLS_PER_ROUND = 5;
const SEED = Number(process.env.FIDELITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fidelity-child.mjs');
const silent = pino({ level: 'silent' });

/** mulberry32: the test's choices, replayable from SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fields as own properties, `__proto__` included. */
function own(entries: [string, FsValue][]): FsFields {
  const fields: FsFields = {};
  for (const [key, value] of entries) {
    Object.defineProperty(fields, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return fields;
}

/** Every value type and the edge cases a careless migration loses. */
const EVERY_TYPE: FsFields = own([
  ['null', null],
  ['true', true],
  ['false', false],
  ['string', '한글 · 🎉 · "quotes" \\ \n\t\u0000'],
  ['emptyString', ''],
  ['int', fs.int(42)],
  ['intMax', fs.int(2n ** 63n - 1n)],
  ['intMin', fs.int(-(2n ** 63n))],
  ['intBeyond2p53', fs.int(2n ** 53n + 1n)],
  ['double', fs.double(1.5)],
  ['wholeDouble', fs.double(5)],
  ['nan', fs.double(NaN)],
  ['negativeZero', fs.double(-0)],
  ['infinity', fs.double(Infinity)],
  ['negativeInfinity', fs.double(-Infinity)],
  ['smallest', fs.double(Number.MIN_VALUE)],
  ['largest', fs.double(Number.MAX_VALUE)],
  ['bytes', fs.bytes(Uint8Array.from({ length: 256 }, (_, i) => i))],
  ['emptyBytes', fs.bytes(new Uint8Array())],
  ['timestamp', fs.ts(1_700_000_000, 123_456_000)],
  ['before1970', fs.ts(-1, 999_999_000)],
  ['year1', fs.ts(-62_135_596_800n)],
  ['year9999', fs.ts(253_402_300_799n, 999_999_000)],
  ['geo', fs.geo(37.5665, 126.978)],
  ['geoEdge', fs.geo(-90, 180)],
  ['ref', fs.ref('users/abc/bankAccounts/x')],
  ['vector', fs.vector([0.1, -2, 3e10, -0])],
  ['emptyVector', fs.vector([])],
  ['array', [fs.int(1), 'two', [fs.map({ deep: [fs.map({ deeper: fs.double(-0) })] })], null]],
  ['emptyArray', []],
  ['emptyMap', fs.map({})],
  [
    'names',
    fs.map(
      own([
        ['', 'empty'],
        ['a.b', 'dotted'],
        ['$x', 'dollar'],
        ['$$y', 'two dollars'],
        ['$int', 'a tag name'],
        ['__proto__', 'proto'],
        ['%2E', 'percent'],
        ['\u0000x', 'nul'],
        ['키', 'korean'],
      ]),
    ),
  ],
]);

/** The kinds (and doubles' special values) a value holds, at any depth. */
function census(value: FsValue, into: Set<string>) {
  const kind: FsKind = kindOf(value);
  into.add(kind);
  if (kind === 'double') {
    const v = (value as { double: number }).double;
    if (Number.isNaN(v)) into.add('NaN');
    else if (Object.is(v, -0)) into.add('-0');
    else if (!Number.isFinite(v)) into.add('Infinity');
  }
  if (kind === 'int' && (value as { int: bigint }).int > 2n ** 53n) into.add('int>2^53');
  if (kind === 'array') for (const v of value as FsValue[]) census(v, into);
  if (kind === 'map') {
    for (const [k, v] of Object.entries((value as { map: FsFields }).map)) {
      if (k === '' || k.includes('.') || k.startsWith('$')) into.add('escaped name');
      census(v, into);
    }
  }
}

/**
 * The generator's dataset as our NDJSON in several files (so several partitions per group), with
 * `extra` (every value type, and a fast-check sample) added to every fourth document of each
 * collection group: unknown fields travel whole in the sealed `_legacy` copy, which verify checks.
 */
async function writeDataset(dir: string) {
  const samples = fc.sample(fsFields, { seed: SEED, numRuns: 64 });
  const perGroup = new Map<string, number>();
  const kinds = new Set<string>();
  const writer = new NdjsonWriter(dir, { linesPerFile: 450 });
  let extended = 0;
  for (const { doc } of legacyDocuments({ seed: `fidelity-${SEED}`, users: USERS })) {
    const group = collectionGroupOf(doc.path);
    const n = perGroup.get(group) ?? 0;
    perGroup.set(group, n + 1);
    if (n % 4 === 0) {
      const sample = samples[(extended += 1) % samples.length]!;
      doc.fields = own([
        ...Object.entries(doc.fields),
        ['extra', fs.map(own([...Object.entries(EVERY_TYPE), ['sample', fs.map(sample)]]))],
      ]);
    }
    census(fs.map(doc.fields), kinds);
    await writer.add(doc);
  }
  const { documents, files } = await writer.finish();
  return { documents, files: files.length, kinds, extended };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process with its stdout as lines. */
class Proc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  #waiters: (() => void)[] = [];

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        for (const wake of this.#waiters.splice(0)) wake();
        resolve({ code, signal });
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Until `count` lines pass `test`; false when the process exited first. */
  async waitFor(test: (line: string) => boolean, count: number): Promise<boolean> {
    for (;;) {
      if (this.lines.filter(test).length >= count) return true;
      if (!this.running) return false;
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  /** SIGKILL now; true when it is what ended the process. */
  async kill(): Promise<boolean> {
    if (this.running) this.child.kill('SIGKILL');
    return (await this.exited).signal === 'SIGKILL';
  }
}

function envFor(dataDir: string, source: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_MODE: 'local',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    MIGRATION_ENABLED: 'true',
    MIGRATION_SOURCE: 'ndjson',
    MIGRATION_SOURCE_PATH: source,
    FIDELITY_DIST: DIST,
  };
  for (const name of ['MONGODB_URI', 'EMBEDDED_DB_DIR', 'MIGRATION_QUOTA_DOCUMENTS'])
    delete env[name];
  return env;
}

const cliArgs = (...args: string[]) => [path.join(DIST, 'cli.js'), ...args];

async function cli(env: NodeJS.ProcessEnv, ...args: string[]) {
  const proc = new Proc(cliArgs(...args), env);
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

/** `db migrate`, as before any deploy. */
async function schema(env: NodeJS.ProcessEnv) {
  const migrated = await cli(env, 'db', 'migrate');
  expect(migrated.code, migrated.stderr).toBe(0);
}

interface VerifyOutput {
  clean: boolean;
  stages: StageVerification[];
}

const allVerified = (out: VerifyOutput | undefined) =>
  out !== undefined &&
  out.clean &&
  STAGE_NAMES.every((name) => out.stages.some((s) => s.stage === name && s.clean));

/** The control: the built CLI's `migrate run` then `migrate verify` until every stage is verified. */
async function migrateWithoutKills(env: NodeJS.ProcessEnv) {
  await schema(env);
  for (let round = 0; round < 10; round++) {
    const run = await cli(env, 'migrate', 'run', '--json');
    expect(run.code, run.stderr).toBe(0);
    const verify = await cli(env, 'migrate', 'verify', '--json');
    expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(0);
    if (allVerified(JSON.parse(verify.stdout) as VerifyOutput)) return round + 1;
  }
  throw new Error('the control migration did not verify every stage in 10 rounds');
}

interface Kill {
  command: 'run' | 'verify';
  /** The child's last line before the kill: inside a batch (`write`), after it (`wrote`), … */
  at: string;
  stage?: string;
  /** It had begun copying (a batch was handed to a writer): a kill that interrupted a copy. */
  copying?: boolean;
}

/** `migrate run` and `migrate verify`, killed at random points and resumed, until verified. */
async function migrateWithKills(env: NodeJS.ProcessEnv, rng: () => number) {
  await schema(env);
  const kills: Kill[] = [];
  let owner = 'fidelity-task-0';
  let killsThisRound = 0;
  let runs = 0;
  let verifyKills = 0;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 150) throw new Error(`not verified after ${attempt} attempts (seed ${SEED})`);
    const batch = 8 + Math.floor(rng() * 25);
    const proc = new Proc([CHILD, String(batch), owner, String(LEASE_MS)], env);
    runs += 1;
    if (killsThisRound < KILLS_PER_ROUND) {
      // Aimed by the child's progress, not by the clock, so a fast machine gets as many kills as
      // a slow one: mostly 0 to 40 ms after the 1st to 3rd batch was handed to a writer; now and
      // then earlier, at a random time from the start (opening, starting a pass, claiming) but no
      // later than the first batch (a run that got to finish would end the round's kills).
      let aimed = true;
      const isWrite = (l: string) => l.startsWith('write ');
      if (rng() < 0.2) {
        await Promise.race([sleep(Math.floor(rng() * 1200)), proc.waitFor(isWrite, 1)]);
      } else {
        aimed = await proc.waitFor(isWrite, 1 + Math.floor(rng() * 3));
        if (aimed) await sleep(Math.floor(rng() * 40));
      }
      const last = proc.lines.at(-1) ?? 'start';
      const copying = proc.lines.some((l) => l.startsWith('write '));
      if (aimed && !last.startsWith('done') && (await proc.kill())) {
        kills.push({ command: 'run', at: last.split(' ')[0]!, stage: last.split(' ')[1], copying });
        if (copying) killsThisRound += 1;
        // Resume as the same task (it takes its partition back at once), or as another task
        // once the dead one's lease has run out.
        if (rng() < 0.5) {
          owner = `fidelity-task-${attempt + 1}`;
          await sleep(LEASE_MS + 50);
        }
        continue;
      }
    }
    const exit = await proc.exited;
    expect(exit, `migrate run failed (seed ${SEED}):\n${proc.stderr}`).toEqual({
      code: 0,
      signal: null,
    });
    expect(proc.lines.at(-1)).toMatch(/^done /);

    const verify = new Proc(cliArgs('migrate', 'verify', '--json'), env);
    if (verifyKills < 3 && rng() < 0.3) {
      await sleep(400 + Math.floor(rng() * 900));
      if (await verify.kill()) {
        kills.push({ command: 'verify', at: 'verify' });
        verifyKills += 1;
        continue;
      }
    }
    const verified = await verify.exited;
    // A stage verify looks at is copied: anything missing, altered or extra there is a loss.
    expect(
      verified.code,
      `migrate verify (seed ${SEED}):\n${verify.stdout}\n${verify.stderr}`,
    ).toBe(0);
    killsThisRound = 0;
    if (allVerified(JSON.parse(verify.stdout) as VerifyOutput)) return { kills, runs };
  }
}

/**
 * A document in a form two migrations of the same data share: the times the test ran at as
 * `<now>` (in review queue keys too), sealed values by their length (the same keys, fresh IVs),
 * keys sorted.
 */
function normalize(value: unknown, during: { since: Date; until: Date }): unknown {
  // The review queues' keys (`<since, ISO>|<id>`) hold a time too: a registration imported now.
  const key = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|(.+)$/.exec(value) : null;
  if (key) return `${String(normalize(new Date(key[1]!), during))}|${key[2]}`;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) {
    return value >= during.since && value <= during.until ? '<now>' : value.toISOString();
  }
  if (value instanceof Uint8Array) return `<sealed ${value.length}>`;
  const bson = (value as { _bsontype?: string })._bsontype;
  if (bson === 'Binary') return `<sealed ${(value as { length(): number }).length()}>`;
  if (bson === 'ObjectId') return `oid:${String(value)}`;
  if (bson !== undefined) return `${bson}:${String(value)}`;
  if (Array.isArray(value)) return value.map((v) => normalize(v, during));
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, normalize((value as Record<string, unknown>)[k], during)]),
  );
}

type Copies = Record<string, { path: string }>;
const copiesOf = (doc: Document) =>
  ((doc as { _legacy?: { sources?: Copies } })._legacy?.sources ?? {}) as Copies;

function collectionNames(dataDir: string, dbName: string): string[] {
  const sqlite = new DatabaseSync(path.join(dataDir, 'db', `${dbName}.sqlite`), { readOnly: true });
  try {
    const rows = sqlite.prepare('SELECT name FROM wm_collections ORDER BY name').all();
    return rows.map((r) => String(r.name));
  } finally {
    sqlite.close();
  }
}

/** One migrated database, opened in the test once no child runs. */
async function open(dataDir: string, source: string) {
  const config = loadConfig({ DATA_DIR: dataDir });
  if (config.database.kind !== 'embedded') throw new Error('an embedded database is expected');
  const db = await EmbeddedDatabase.open(config.database.dir, {
    logger: silent,
    dbName: config.database.dbName,
  });
  const privacy = await openPrivacy(config, db);
  const writers = stageWriters(db, privacy);
  const state = new MigrationStateRepository(db);
  const verifier = new MigrationVerifier({
    source: new NdjsonSource(source),
    db,
    state,
    writers,
    sealer: new LegacySealer(privacy.cipher),
    sampleEvery: 1,
  });
  return { db, writers, state, verifier, names: collectionNames(dataDir, config.database.dbName) };
}

async function dump(db: Database, name: string) {
  const docs = await db.collection(name).find({}).toArray();
  return new Map(docs.map((d) => [String(d._id), d]));
}

describe(`the migration killed with SIGKILL and resumed (seed ${SEED})`, () => {
  let dir: string;
  const since = new Date();

  beforeAll(async () => {
    await ensureBuilt([
      'cli.js',
      'config/config.js',
      'platform/storage/open-database.js',
      'privacy/privacy.js',
      'modules/firestore-migration/stage-writers.js',
      'modules/firestore-migration/engine/migration-engine.js',
      'modules/firestore-migration/engine/migration-state.repository.js',
      'modules/firestore-migration/source/source-from-config.js',
    ]);
    dir = await mkdtemp(path.join(tmpdir(), 'wm-fidelity-'));
  }, 240_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loses, duplicates and alters nothing, and ends as a migration without kills', async () => {
    const started = performance.now();
    const rng = random(SEED);
    const source = path.join(dir, 'source');
    const dataset = await writeDataset(source);
    expect(dataset.files).toBeGreaterThan(1);
    expect([...dataset.kinds].sort()).toEqual(
      [
        ...['null', 'boolean', 'string', 'int', 'double', 'bytes', 'timestamp', 'geo', 'ref'],
        ...['vector', 'array', 'map', 'NaN', '-0', 'Infinity', 'int>2^53', 'escaped name'],
      ].sort(),
    );

    const control = path.join(dir, 'control');
    const fidelity = path.join(dir, 'fidelity');
    const controlRounds = await migrateWithoutKills(envFor(control, source));
    // The same keys, so blind indexes (lookups) match and sealed values have the same lengths.
    await cp(path.join(control, 'keys'), path.join(fidelity, 'keys'), { recursive: true });
    const { kills, runs } = await migrateWithKills(envFor(fidelity, source), rng);

    const runKills = kills.filter((k) => k.command === 'run' && k.copying);
    const summary = {
      seed: SEED,
      documents: dataset.documents,
      withEveryType: dataset.extended,
      controlRounds,
      runs,
      kills: runKills.length,
      insideBatch: runKills.filter((k) => k.at === 'write').length,
      stages: [...new Set(runKills.map((k) => k.stage))],
      otherRunKills: kills.filter((k) => k.command === 'run' && !k.copying).length,
      verifyKills: kills.filter((k) => k.command === 'verify').length,
    };
    console.info(`fidelity: ${JSON.stringify(summary)}`);
    expect(runKills.length, JSON.stringify(summary)).toBeGreaterThanOrEqual(10);
    expect(summary.insideBatch, JSON.stringify(summary)).toBeGreaterThanOrEqual(3);
    expect(summary.stages.length, JSON.stringify(summary)).toBeGreaterThanOrEqual(3);

    const during = { since, until: new Date() };
    const a = await open(control, source);
    const b = await open(fidelity, source);
    try {
      // 0 lost, 0 altered: every document of every stage compared, its copy opened field by field.
      const reports = { control: await a.verifier.verify(), fidelity: await b.verifier.verify() };
      for (const report of reports.fidelity) {
        expect(report, report.stage).toMatchObject({
          clean: true,
          missing: [],
          altered: [],
          extra: [],
        });
        for (const g of report.groups) {
          expect(g, `${report.stage} ${g.collectionGroup}`).toMatchObject({
            missing: 0,
            altered: 0,
            extra: 0,
            matched: g.source - g.reported,
          });
        }
        expect(report.sampled).toBe(report.groups.reduce((n, g) => n + g.source, 0));
      }
      expect(reports.fidelity.map((r) => r.stage).sort()).toEqual([...STAGE_NAMES].sort());
      const groups = (rs: StageVerification[]) => rs.flatMap((r) => r.groups);
      expect(groups(reports.fidelity)).toEqual(groups(reports.control));
      expect(groups(reports.fidelity).reduce((n, g) => n + g.source, 0)).toBe(dataset.documents);

      // 0 duplicated, in the engine's own books: each document read once per pass, every
      // partition done and let go.
      const sources = await readSource(source);
      for (const stage of STAGES) {
        const stageState = (await b.state.stageStates([stage.name])).get(stage.name)!;
        const partitions: PartitionState[] = await b.state.partitionsOf(
          stage.name,
          stageState.pass,
        );
        expect(
          partitions.every((p) => p.done && p.owner === null),
          stage.name,
        ).toBe(true);
        const expected = sources.filter((d) => stage.collectionGroups.includes(d.group)).length;
        expect(
          partitions.reduce((n, p) => n + p.counts.read, 0),
          stage.name,
        ).toBe(expected);
      }

      const targets = [...new Set(STAGES.flatMap((s) => s.targets))];
      for (const target of targets) {
        expect(await b.db.collection(target).countDocuments({}), target).toBeGreaterThan(0);
      }

      // 0 duplicated, in the target: every document of a stage's collections is a target its
      // sources name, holding the copies of exactly those sources, each copy in no other document.
      for (const stage of STAGES) {
        const writer = b.writers[stage.name]!;
        const expectedCopies = new Map<string, Set<string>>();
        for (const doc of sources.filter((d) => stage.collectionGroups.includes(d.group))) {
          for (const t of writer.targetsOf(doc.doc)) {
            const key = `${t.collection}/${t.id}`;
            if (!expectedCopies.has(key)) expectedCopies.set(key, new Set());
            expectedCopies.get(key)!.add(legacySourceKey(doc.doc.path));
          }
        }
        for (const target of stage.targets) {
          for (const [id, doc] of await dump(b.db, target)) {
            for (const [key, copy] of Object.entries(copiesOf(doc))) {
              if (!stage.collectionGroups.includes(collectionGroupOf(copy.path))) continue;
              expect(legacySourceKey(copy.path)).toBe(key);
              // A copy sits only in a document its source names.
              expect(
                expectedCopies.get(`${target}/${id}`)?.has(key),
                `${target}/${id} ${copy.path}`,
              ).toBe(true);
            }
          }
        }
      }
      const members = await b.db.collection('members').countDocuments({});
      const users = reports.fidelity.find((r) => r.stage === 'members')!.groups[0]!;
      expect(members).toBe(users.matched);
      const assignments = await b.db.collection('assignments').find({}).toArray();
      const pairs = new Set(assignments.map((x) => `${String(x.shiftId)}:${String(x.workerId)}`));
      expect(pairs.size).toBe(assignments.length);
      for (const worker of await b.db.collection('workers').find({}).toArray()) {
        const noShows = ((worker.noShows ?? []) as { assignmentId: string }[]).map(
          (n) => n.assignmentId,
        );
        expect(new Set(noShows).size, String(worker._id)).toBe(noShows.length);
      }
      for (const target of targets) {
        for (const [id, doc] of await dump(b.db, target)) {
          expect(
            Object.keys(copiesOf(doc)).length,
            `${target}/${id} holds no copy`,
          ).toBeGreaterThan(0);
        }
      }

      // The same as the migration without kills: the same collections, the same documents.
      const books = [
        'schema_migrations',
        'migration_runs',
        'migration_partitions',
        'migration_stages',
      ];
      expect(b.names).toEqual(a.names);
      for (const name of a.names.filter((n) => !books.includes(n))) {
        const strip = (d: Document) =>
          normalize(name === 'migration_issues' ? { ...d, runId: null } : d, during);
        const [left, right] = [await dump(a.db, name), await dump(b.db, name)];
        const only = (x: Map<string, Document>, y: Map<string, Document>) =>
          [...x].filter(([id]) => !y.has(id)).map(([, d]) => strip(d));
        expect({ onlyAfterKills: only(right, left), onlyControl: only(left, right) }, name).toEqual(
          { onlyAfterKills: [], onlyControl: [] },
        );
        for (const [id, doc] of left) {
          expect(strip(right.get(id)!), `${name}/${id}`).toEqual(strip(doc));
        }
      }
    } finally {
      await a.db.close();
      await b.db.close();
    }
    console.info(`fidelity: ${Math.round((performance.now() - started) / 1000)} s`);
  }, 300_000);
});

/** The source documents as the migration reads them. */
async function readSource(dir: string) {
  const source = new NdjsonSource(dir);
  try {
    const snapshot = await source.openSnapshot();
    const out = [];
    for (const group of await source.listCollectionGroups()) {
      for (const partition of await source.partition(snapshot, group)) {
        for await (const { doc } of source.scan(snapshot, partition)) out.push({ group, doc });
      }
    }
    return out;
  } finally {
    await source.close();
  }
}
