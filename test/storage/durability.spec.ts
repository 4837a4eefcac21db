import { spawnSync } from 'node:child_process';
import {
  appendFile,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseLockedError,
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

async function journalFile(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('journal-')).sort();
  return path.join(dir, names.at(-1)!);
}

describe('crash recovery', () => {
  it('keeps every acknowledged write and no partial one after a SIGKILL in the middle of writes', async () => {
    const dir = await tempDir();
    const writer = child(['write', dir]);
    await writer.waitForLine((l) => l === 'ready');
    // Enough acknowledged writes that many group commits happened; the writer never pauses.
    await writer.waitForLine((l) => l.startsWith('ack w') && Number(l.slice(5)) >= 400);
    await writer.kill();
    const acked = writer.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
    const batches = writer.lines.filter((l) => l.startsWith('batch ')).map((l) => l.slice(6));
    const rounds = writer.lines
      .filter((l) => l.startsWith('round '))
      .map((l) => Number(l.slice(6)));

    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    try {
      const docs = await db.collection<Doc>('docs').find({}).toArray();
      const byId = new Map(docs.map((d) => [d._id as string, d]));
      for (const id of acked) expect(byId.has(id), `acknowledged ${id} is missing`).toBe(true);
      for (const d of docs) expect(intact(d), `document ${String(d._id)} is damaged`).toBe(true);
      // A bulkWrite is one journal record: all five of a batch, or none.
      const perBatch = new Map<string, number>();
      for (const d of docs) if (d.batch) perBatch.set(d.batch, (perBatch.get(d.batch) ?? 0) + 1);
      for (const count of perBatch.values()) expect(count).toBe(5);
      for (const tag of batches) expect(perBatch.get(tag)).toBe(5);
      // An updateMany is one record too: every group document carries the same round.
      const groups = await db.collection<Doc>('groups').find({}).toArray();
      expect(groups).toHaveLength(20);
      const seenRounds = new Set(groups.map((g) => g.round as number));
      expect(seenRounds.size).toBe(1);
      expect([...seenRounds][0]).toBeGreaterThanOrEqual(Math.max(...rounds));
    } finally {
      await db.close();
    }
  });

  it('reopens with the good prefix when the last record is torn, says so, and goes on writing', async () => {
    const dir = await tempDir();
    let db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    for (let i = 0; i < 10; i++)
      await db.collection<Doc>('docs').insertOne({ _id: i, text: 'x'.repeat(100) });
    await db.close();
    const file = await journalFile(dir);
    const full = (await stat(file)).size;
    await truncate(file, full - 30);

    const logger = memoryLogger();
    db = await EmbeddedDatabase.open(dir, { logger });
    expect((await db.collection<Doc>('docs').find({}).toArray()).map((d) => d._id)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(logger.messages('warn').join('\n')).toMatch(/incomplete write/);
    await db.collection<Doc>('docs').insertOne({ _id: 'after', text: 'y' });
    await db.close();

    db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    expect(await db.collection<Doc>('docs').countDocuments({})).toBe(10);
    expect(await db.collection<Doc>('docs').findOne({ _id: 'after' })).toEqual({
      _id: 'after',
      text: 'y',
    });
    await db.close();
  });

  it.each([
    [
      'garbage appended after the last record',
      async (file: string) => appendFile(file, Buffer.from('\x07\x00\x00\x00garbage!')),
    ],
    [
      'zeros appended after the last record',
      async (file: string) => appendFile(file, Buffer.alloc(64)),
    ],
    [
      'a flipped byte inside the last record',
      async (file: string) => {
        const data = await readFile(file);
        data[data.length - 5]! ^= 0xff;
        await writeFile(file, data);
      },
    ],
  ])('drops only the damaged tail when there is %s', async (_label, damage) => {
    const dir = await tempDir();
    let db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    for (let i = 0; i < 5; i++) await db.collection<Doc>('docs').insertOne({ _id: i });
    await db.close();
    await damage(await journalFile(dir));

    const logger = memoryLogger();
    db = await EmbeddedDatabase.open(dir, { logger });
    const ids = (await db.collection<Doc>('docs').find({}).toArray()).map((d) => d._id);
    expect(ids).toEqual(_label.startsWith('a flipped') ? [0, 1, 2, 3] : [0, 1, 2, 3, 4]);
    expect(logger.messages('warn')).toHaveLength(1);
    await db.close();
  });
});

describe('interrupted compaction', () => {
  it.each(['journal-rotated', 'snapshot-written', 'snapshot-installed'])(
    'reopens to the complete state after a SIGKILL at %s',
    async (step) => {
      const dir = await tempDir();
      const proc = child(['compact', dir, step]);
      await proc.waitForLine((l) => l === `at ${step}`);
      await proc.kill();
      const acked = proc.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));

      const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
      try {
        const docs = await db.collection<Doc>('docs').find({}).toArray();
        const byId = new Map(docs.map((d) => [d._id as string, d]));
        for (const id of acked) {
          const seq = Number(/\d+$/.exec(id)![0]);
          if (id.startsWith('before') && seq >= 190)
            expect(byId.has(id), `${id} was deleted`).toBe(false);
          else expect(byId.has(id), `acknowledged ${id} is missing`).toBe(true);
        }
        expect(docs).toHaveLength(190 + 20);
        expect(docs.filter((d) => d.updated === true)).toHaveLength(100);
        for (const d of docs) expect(intact(d)).toBe(true);
        // The directory is clean again and a new compaction completes.
        expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
        await db.compact();
        expect((await readdir(dir)).filter((n) => n.startsWith('journal-'))).toHaveLength(1);
      } finally {
        await db.close();
      }
      const again = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
      expect(await again.collection<Doc>('docs').countDocuments({})).toBe(210);
      await again.close();
    },
  );

  it('ignores and removes a half-written snapshot temp file', async () => {
    const dir = await tempDir();
    let db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    await db.collection<Doc>('docs').insertMany([{ _id: 1 }, { _id: 2 }]);
    await db.close();
    await writeFile(
      path.join(dir, 'snapshot.wmdb.tmp'),
      Buffer.from('\x40\x00\x00\x00half a snapsh'),
    );

    const logger = memoryLogger();
    db = await EmbeddedDatabase.open(dir, { logger });
    expect(await db.collection<Doc>('docs').countDocuments({})).toBe(2);
    expect(logger.messages('warn').join('\n')).toMatch(/unfinished compaction/);
    expect(await readdir(dir)).not.toContain('snapshot.wmdb.tmp');
    await db.close();
  });
});

describe('single writer', () => {
  it('refuses a second process on the same directory, naming the directory and the owner pid', async () => {
    const dir = await tempDir();
    const holder = child(['hold', dir]);
    await holder.waitForLine((l) => l === 'ready');
    const error = await EmbeddedDatabase.open(dir, { logger: memoryLogger() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as Error).message).toContain(dir);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
    expect(error).toMatchObject({ ownerPid: holder.pid });
  });

  it('refuses to open the same directory twice in one process', async () => {
    const dir = await tempDir();
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    await expect(EmbeddedDatabase.open(dir, { logger: memoryLogger() })).rejects.toThrow(
      /already open here/,
    );
    await db.close();
    const reopened = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    await reopened.close();
  });

  it('reclaims the lock of a process that died without releasing it', async () => {
    const dir = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(
      path.join(dir, 'LOCK'),
      JSON.stringify({ pid: dead, hostname: os.hostname(), startedAt: new Date(0).toISOString() }),
    );
    const logger = memoryLogger();
    const db = await EmbeddedDatabase.open(dir, { logger });
    expect(logger.entries.find((e) => e.level === 'warn')).toMatchObject({
      obj: { stalePid: dead },
    });
    await db.collection<Doc>('docs').insertOne({ _id: 1 });
    await db.close();
    expect(await readdir(dir)).not.toContain('LOCK');
  });

  it('takes over the directory after the owner was killed', async () => {
    const dir = await tempDir();
    const writer = child(['write', dir]);
    await writer.waitForLine((l) => l.startsWith('ack '));
    await writer.kill();
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    expect(await db.collection<Doc>('docs').countDocuments({})).toBeGreaterThan(0);
    await db.close();
  });
});
