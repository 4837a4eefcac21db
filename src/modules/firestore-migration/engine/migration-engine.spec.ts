import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../../platform/storage/embedded/embedded-database.js';
import { fs, type SourceDoc } from '../firestore/value.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { MigrationEngine } from './migration-engine.js';
import { MigrationStateRepository } from './migration-state.repository.js';
import { STAGE_NAMES, type StageName, type StageWriter, type StageWriters } from './stages.js';

const silent = pino({ level: 'silent' });

/**
 * A writer that keeps what it was given in a collection keyed by source path (idempotent, as
 * every real writer must be), and counts how often each path was written.
 */
class RecordingWriter implements StageWriter {
  readonly writes = new Map<string, number>();
  failAfterBatches = Infinity;
  private batches = 0;
  constructor(
    private readonly db: Database,
    private readonly report: (doc: SourceDoc) => string | undefined = () => undefined,
  ) {}
  targetsOf(doc: SourceDoc) {
    return [{ collection: 'target', id: doc.path }];
  }
  async write(docs: readonly SourceDoc[]) {
    this.batches += 1;
    if (this.batches > this.failAfterBatches) throw new Error('the target went away');
    let written = 0;
    let unchanged = 0;
    const issues = [];
    for (const doc of docs) {
      const code = this.report(doc);
      if (code) {
        issues.push({ path: doc.path, code, detail: 'reported by the test writer' });
        continue;
      }
      this.writes.set(doc.path, (this.writes.get(doc.path) ?? 0) + 1);
      const result = await this.db
        .collection<{ _id: string }>('target')
        .updateOne(
          { _id: doc.path },
          { $set: { n: Object.keys(doc.fields).length } },
          { upsert: true },
        );
      if (result.upsertedCount) written += 1;
      else unchanged += 1;
    }
    return { written, unchanged, skipped: issues.length, issues };
  }
}

function seed(source: InMemorySource, users: number) {
  for (let i = 0; i < users; i += 1) {
    const uid = `u${String(i).padStart(4, '0')}`;
    source.set(`users/${uid}`, { name: `사용자 ${i}`, n: fs.int(i) });
    if (i % 3 === 0) source.set(`users/${uid}/bankAccounts/b1`, { bank: '088' });
  }
}

describe('the staged migration engine', () => {
  let dir: string;
  let db: Database;
  let state: MigrationStateRepository;
  let source: InMemorySource;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-migration-engine-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    state = new MigrationStateRepository(db);
    source = new InMemorySource();
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const writersFor = (writer: StageWriter): StageWriters =>
    Object.fromEntries(STAGE_NAMES.map((name) => [name, writer])) as Record<StageName, StageWriter>;
  const engine = (writer: StageWriter, owner = 'task-a', options = {}) =>
    new MigrationEngine({
      source,
      state,
      writers: writersFor(writer),
      logger: silent,
      owner,
      options: { partitionsPerGroup: 3, batchDocuments: 10, ...options },
    });

  it('copies a stage’s documents across its partitions, each once, and marks the stage copied', async () => {
    seed(source, 95);
    const writer = new RecordingWriter(db);

    const report = await engine(writer).run({ stages: ['members'] });

    expect(report).toMatchObject({
      outcome: 'done',
      counts: { read: 95, written: 95, unchanged: 0, skipped: 0 },
      stages: [{ stage: 'members', status: 'copied' }],
    });
    expect(writer.writes.size).toBe(95);
    expect([...writer.writes.values()].every((n) => n === 1)).toBe(true);
    expect(await state.partitionsOf('members', 1)).toHaveLength(3);
  });

  it('starts a stage only once the stages it depends on are verified', async () => {
    seed(source, 30);
    const writer = new RecordingWriter(db);

    const first = await engine(writer).run();
    expect(first.blocked).toEqual(
      expect.arrayContaining([
        { stage: 'worker-details', waitingFor: ['members'] },
        { stage: 'businesses', waitingFor: ['members'] },
      ]),
    );
    expect([...writer.writes.keys()].some((p) => p.includes('/bankAccounts/'))).toBe(false);

    await state.setStatus('members', 'verified', new Date());
    const second = await engine(writer).run();
    expect(second.stages.map((s) => s.stage)).toContain('worker-details');
    expect([...writer.writes.keys()].filter((p) => p.includes('/bankAccounts/'))).toHaveLength(10);
  });

  it('spends only the day’s quota, stopping at a batch boundary, and goes on the next day', async () => {
    seed(source, 95);
    const writer = new RecordingWriter(db);

    const day1 = await engine(writer).run({ stages: ['members'], quota: { documents: 40 } });
    expect(day1).toMatchObject({ outcome: 'quota', counts: { read: 40 } });
    expect((await state.stageStates(['members'])).get('members')?.status).toBe('copying');

    const day2 = await engine(writer).run({ stages: ['members'], quota: { documents: 40 } });
    const day3 = await engine(writer).run({ stages: ['members'], quota: { documents: 40 } });
    expect(day2.counts.read).toBe(40);
    expect(day3).toMatchObject({ outcome: 'done', counts: { read: 15 } });
    expect(writer.writes.size).toBe(95);
    expect([...writer.writes.values()].every((n) => n === 1)).toBe(true);
  });

  it('resumes after a crash from the last checkpoint: nothing lost, only the batch in flight written again', async () => {
    seed(source, 95);
    const writer = new RecordingWriter(db);
    writer.failAfterBatches = 4;

    await expect(
      engine(writer, 'task-a', { writeAttempts: 1 }).run({ stages: ['members'] }),
    ).rejects.toThrow('the target went away');
    const written = writer.writes.size;
    writer.failAfterBatches = Infinity;
    // The crashed task's lease has to run out before another takes its partition.
    const report = await engine(writer, 'task-b', { leaseMs: 0 }).run({
      now: () => new Date(Date.now() + 1),
      stages: ['members'],
    });

    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(95);
    expect(report.outcome).toBe('done');
    // At most the batch in flight (10 documents) is written a second time.
    expect([...writer.writes.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(10);
    expect(writer.writes.size).toBe(95);
    expect(await db.collection('target').countDocuments({})).toBe(95);
  });

  it('lets two tasks share a stage: every partition taken by one, every document written once', async () => {
    seed(source, 200);
    const writer = new RecordingWriter(db);

    const [a, b] = await Promise.all([
      engine(writer, 'task-a').run({ stages: ['members'] }),
      engine(writer, 'task-b').run({ stages: ['members'] }),
    ]);

    expect(a.counts.read + b.counts.read).toBe(200);
    expect(writer.writes.size).toBe(200);
    expect([...writer.writes.values()].every((n) => n === 1)).toBe(true);
    expect((await state.stageStates(['members'])).get('members')?.status).toBe('copied');
  });

  it('reports documents it cannot migrate with their path, once however often it runs, and goes on', async () => {
    seed(source, 20);
    const writer = new RecordingWriter(db, (doc) =>
      doc.path === 'users/u0007' ? 'ci_collision' : undefined,
    );

    const report = await engine(writer).run({ stages: ['members'] });
    expect(report.counts).toMatchObject({ read: 20, written: 19, skipped: 1 });
    await state.report(
      'members',
      'later',
      [{ path: 'users/u0007', code: 'ci_collision', detail: 'reported by the test writer' }],
      new Date(),
    );
    expect(await state.issuesOf('members')).toEqual([
      expect.objectContaining({ path: 'users/u0007', code: 'ci_collision', stage: 'members' }),
    ]);
  });

  it('reads the source at the snapshot its pass began at, not the changes made since', async () => {
    seed(source, 30);
    const writer = new RecordingWriter(db);
    await engine(writer).run({ stages: ['members'], quota: { documents: 10 } });
    source.set('users/zz-late', { name: 'arrived after the snapshot' });

    await engine(writer).run({ stages: ['members'] });

    expect(writer.writes.has('users/zz-late')).toBe(false);
    expect(writer.writes.size).toBe(30);
  });
});
