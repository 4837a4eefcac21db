import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseCorruptError,
  EmbeddedDatabase,
  type Document,
} from '../../src/platform/storage/index.js';
import { Child, compileStorageForChildren } from './support/child-runtime.js';
import { memoryLogger } from './support/memory-logger.js';

interface Doc extends Document {
  _id?: string | number;
}

let entry: string;
let cleanupBuild: () => Promise<void>;
const dirs: string[] = [];
const children: Child[] = [];

beforeAll(async () => {
  ({ entry, cleanup: cleanupBuild } = await compileStorageForChildren());
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
});

afterAll(async () => {
  await cleanupBuild?.();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-durability-'));
  dirs.push(dir);
  return dir;
}

function child(args: string[]): Child {
  const c = new Child(entry, args);
  children.push(c);
  return c;
}

function intact(doc: Document): boolean {
  return (
    typeof doc.payload === 'string' &&
    doc.payload.length === doc.length &&
    doc.payload.startsWith(`${doc._id}:`)
  );
}

describe('crash safety', () => {
  it('keeps every acknowledged write and no partial one across 20 SIGKILLs in the middle of writes', async () => {
    const dir = await tempDir();
    const acked = new Set<string>();
    const batches = new Set<string>();
    for (let round = 1; round <= 20; round++) {
      const writer = child(['write', dir, String(round)]);
      await writer.waitForLine((l) => l === 'ready');
      // A different point each time; the writer never pauses between writes.
      const enough = 40 + ((round * 37) % 160);
      await writer.waitForLine(
        () => writer.lines.filter((l) => l.startsWith('ack ')).length >= enough,
      );
      await writer.kill();
      for (const line of writer.lines) {
        if (line.startsWith('ack ')) acked.add(line.slice(4));
        if (line.startsWith('batch ')) batches.add(line.slice(6));
      }
      const rounds = writer.lines
        .filter((l) => l.startsWith('round '))
        .map((l) => Number(l.slice(6)));

      const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), ttlSweepMs: 0 });
      try {
        const docs = await db.collection<Doc>('docs').find({}).toArray();
        const byId = new Map(docs.map((d) => [d._id as string, d]));
        for (const id of acked) expect(byId.has(id), `acknowledged ${id} is missing`).toBe(true);
        for (const d of docs) expect(intact(d), `document ${String(d._id)} is damaged`).toBe(true);
        // A bulkWrite of five is one transaction: all five of a batch, or none.
        const perBatch = new Map<string, number>();
        for (const d of docs) if (d.batch) perBatch.set(d.batch, (perBatch.get(d.batch) ?? 0) + 1);
        for (const count of perBatch.values()) expect(count).toBe(5);
        for (const tag of batches) expect(perBatch.get(tag)).toBe(5);
        // An updateMany is one transaction too: every group document carries the same round.
        const groups = await db.collection<Doc>('groups').find({}).toArray();
        expect(groups).toHaveLength(20);
        const seen = new Set(groups.map((g) => g.round as number));
        expect(seen.size).toBe(1);
        if (rounds.length > 0) expect([...seen][0]).toBeGreaterThanOrEqual(Math.max(...rounds));
        // The unique index still holds exactly the documents' keys.
        expect(await db.collection<Doc>('docs').countDocuments({ email: { $gte: '' } })).toBe(
          docs.length,
        );
      } finally {
        await db.close();
      }
    }
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), ttlSweepMs: 0 });
    const report = await db.check();
    await db.close();
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.documents).toBeGreaterThanOrEqual(acked.size);
  }, 180_000);
});

describe('two processes on one file', () => {
  it('lose no conditional update when both increment the same counters concurrently', async () => {
    const dir = await tempDir();
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), busyTimeoutMs: 30_000 });
    const counters = db.collection<{ _id: string; value: number; version?: number }>('counters');
    await counters.insertMany([
      { _id: 'c', value: 0, version: 0 },
      { _id: 'i', value: 0 },
    ]);
    const rounds = 150;
    const other = child(['increment', dir, String(rounds)]);
    for (let i = 0; i < rounds; i++) {
      for (;;) {
        const current = (await counters.findOne({ _id: 'c' }))!;
        const result = await counters.updateOne(
          { _id: 'c', version: current.version },
          { $set: { value: current.value + 1 }, $inc: { version: 1 } },
        );
        if (result.modifiedCount === 1) break;
      }
      await counters.findOneAndUpdate({ _id: 'i' }, { $inc: { value: 1 } });
    }
    await other.waitForLine((l) => l === 'done');

    expect(await counters.findOne({ _id: 'c' })).toEqual({
      _id: 'c',
      value: 2 * rounds,
      version: 2 * rounds,
    });
    expect(await counters.findOne({ _id: 'i' })).toEqual({ _id: 'i', value: 2 * rounds });
    await db.close();
  }, 60_000);

  it('hand each queued job to exactly one of two claiming processes', async () => {
    const dir = await tempDir();
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    await db
      .collection<Doc>('jobs')
      .insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, state: 'queued' })));
    await db.close();
    const claimers = [child(['claim', dir, 'a']), child(['claim', dir, 'b'])];
    await Promise.all(claimers.map((c) => c.waitForLine((l) => l === 'done')));

    const claimed = claimers.flatMap((c) =>
      c.lines.filter((l) => l.startsWith('claimed ')).map((l) => Number(l.slice(8))),
    );
    expect(claimed.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    const reopened = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    expect(await reopened.collection<Doc>('jobs').countDocuments({ state: 'taken' })).toBe(300);
    await reopened.close();
  }, 60_000);
});

describe('corruption', () => {
  async function filled(dir: string): Promise<string> {
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    const docs = db.collection<Doc>('docs');
    await docs.createIndex({ email: 1 }, { unique: true });
    await docs.insertMany(
      Array.from({ length: 3000 }, (_, i) => ({
        _id: i,
        email: `${i}@x.kr`,
        note: `MARK${String(i).padStart(5, '0')}${'.'.repeat(200)}`,
      })),
    );
    const file = db.file;
    // Closing checkpoints the write-ahead log into the file: all data is in `file` now.
    await db.close();
    return file;
  }

  it('refuses a file that is not a database, naming it and what SQLite says', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'workmatch.sqlite'), Buffer.alloc(8192, 7));
    const error = await EmbeddedDatabase.open(dir, { logger: memoryLogger() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseCorruptError);
    expect((error as Error).message).toContain(path.join(dir, 'workmatch.sqlite'));
    expect((error as Error).message).toMatch(/not a database/);
  });

  it('refuses to open a file with a damaged page, quoting PRAGMA integrity_check', async () => {
    const dir = await tempDir();
    const file = await filled(dir);
    const inspect = new DatabaseSync(file, { readOnly: true });
    const { pageno, size } = inspect
      .prepare(
        "SELECT pageno, (SELECT page_size FROM pragma_page_size) AS size FROM dbstat WHERE name = 'c1' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 10",
      )
      .get() as { pageno: number; size: number };
    inspect.close();
    const handle = await open(file, 'r+');
    await handle.write(Buffer.alloc(64, 0xa5), 0, 64, (pageno - 1) * size + 8);
    await handle.close();

    const error = await EmbeddedDatabase.open(dir, { logger: memoryLogger() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseCorruptError);
    expect((error as DatabaseCorruptError).file).toBe(file);
    expect((error as Error).message).toMatch(/PRAGMA integrity_check: .*(page|malformed)/is);
  });

  it('refuses a document whose bytes changed on disk, and db check reports it', async () => {
    const dir = await tempDir();
    const file = await filled(dir);
    const data = await readFile(file);
    const at = data.indexOf('MARK01234');
    expect(at).toBeGreaterThan(0);
    data[at + 6]! ^= 0x01; // one flipped bit inside document 1234's stored BSON
    await writeFile(file, data);

    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    try {
      const docs = db.collection<Doc>('docs');
      expect(await docs.findOne({ _id: 1233 })).toMatchObject({ _id: 1233 });
      const error = await docs.findOne({ _id: 1234 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseCorruptError);
      expect((error as Error).message).toMatch(/collection docs fails its checksum/);
      await expect(docs.find({}).toArray()).rejects.toBeInstanceOf(DatabaseCorruptError);
      const report = await db.check();
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.stringMatching(/docs fails its checksum/)]);
    } finally {
      await db.close();
    }
  });
});
