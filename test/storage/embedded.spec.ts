import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseUnavailableError,
  EmbeddedDatabase,
  type Document,
} from '../../src/platform/storage/index.js';
import { scanFrames } from '../../src/platform/storage/embedded/journal.js';
import { memoryLogger } from './support/memory-logger.js';

interface Doc extends Document {
  _id?: string | number;
}

/** What only the embedded engine promises (the contract suite covers what both promise). */
describe('EmbeddedDatabase', () => {
  let dir: string;
  let sut: EmbeddedDatabase;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-embedded-'));
    sut = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), compaction: { auto: false } });
  });

  afterEach(async () => {
    await sut.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function journalRecords(): Promise<Document[]> {
    const names = (await readdir(dir)).filter((n) => n.startsWith('journal-')).sort();
    const out: Document[] = [];
    for (const name of names) {
      scanFrames(await readFile(path.join(dir, name)), (payload) =>
        out.push(JSON.parse(payload) as Document),
      );
    }
    return out;
  }

  it('journals a multi-document write as one record', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, g: i % 2 })));
    await docs.updateMany({ g: 0 }, { $set: { even: true } });
    await docs.deleteMany({ g: 1 });
    await docs.updateOne({ _id: 'none' }, { $set: { a: 1 } });
    const records = await journalRecords();
    expect(records.map((r) => (r.ops as unknown[]).length)).toEqual([50, 25, 25]);
  });

  it('shares one sync among writes issued together (group commit)', async () => {
    const docs = sut.collection<Doc>('docs');
    const before = sut.stats().syncs;
    await Promise.all(Array.from({ length: 100 }, (_, i) => docs.insertOne({ _id: i })));
    expect(sut.stats().syncs - before).toBeLessThan(100);
    expect(await docs.countDocuments({})).toBe(100);
  });

  it('refuses the $lookup forms DocumentDB 5.0 lacks, and $out', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.insertOne({ _id: 1 });
    await expect(
      docs
        .aggregate([{ $lookup: { from: 'other', let: { id: '$_id' }, pipeline: [], as: 'x' } }])
        .toArray(),
    ).rejects.toThrow(/DocumentDB 5\.0 lacks/);
    await expect(docs.aggregate([{ $out: 'copy' }]).toArray()).rejects.toThrow(/\$out/);
  });

  it('refuses server-side JavaScript, as DocumentDB does', async () => {
    await expect(
      sut.collection<Doc>('docs').find({ $where: 'true' }).toArray(),
    ).rejects.toMatchObject({ code: 2 });
  });

  it('refuses collection names the server refuses', () => {
    expect(() => sut.collection('a$b')).toThrow(/Invalid collection name/);
    expect(() => sut.collection('system.users')).toThrow(/Invalid collection name/);
  });

  it('compacts into a snapshot and one fresh journal, keeping every document and index', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ email: 1 }, { unique: true });
    for (let round = 0; round < 5; round++) {
      await docs.bulkWrite(
        Array.from({ length: 40 }, (_, i) => ({
          replaceOne: {
            filter: { _id: i },
            replacement: { email: `${i}@x.kr`, round },
            upsert: true,
          },
        })),
      );
    }
    const grown = sut.stats().journalBytes;
    await sut.compact();
    expect(sut.stats().journalBytes).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['LOCK', 'journal-00000002.log', 'snapshot.wmdb']);
    await docs.insertOne({ _id: 'after', email: 'after@x.kr' });
    await sut.close();

    sut = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), compaction: { auto: false } });
    const reopened = sut.collection<Doc>('docs');
    expect(await reopened.countDocuments({ round: 4 })).toBe(40);
    expect(await reopened.findOne({ _id: 'after' })).toEqual({ _id: 'after', email: 'after@x.kr' });
    await expect(reopened.insertOne({ email: '3@x.kr' })).rejects.toMatchObject({ code: 11000 });
    expect(sut.stats().liveBytes).toBeLessThan(grown);
  });

  it('compacts by itself once the journal outgrows the live data', async () => {
    await sut.close();
    const logger = memoryLogger();
    sut = await EmbeddedDatabase.open(dir, {
      logger,
      compaction: { minJournalBytes: 10_000, ratio: 2 },
    });
    const docs = sut.collection<Doc>('docs');
    await docs.insertOne({ _id: 'counter', n: 0, pad: 'x'.repeat(200) });
    for (let i = 0; i < 200; i++) await docs.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });
    await sut.close();
    expect(logger.messages('info')).toContain('embedded database compacted');
    sut = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
    expect(
      await sut.collection<Doc>('docs').findOne({ _id: 'counter' }, { projection: { n: 1 } }),
    ).toEqual({
      _id: 'counter',
      n: 200,
    });
  });

  it('answers every operation with DatabaseUnavailableError once closed', async () => {
    await sut.close();
    await expect(sut.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(sut.collection<Doc>('docs').insertOne({})).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
    await expect(sut.collection<Doc>('docs').find({}).toArray()).rejects.toBeInstanceOf(
      DatabaseUnavailableError,
    );
  });

  it('stores what the driver would: undefined as null, Int32 and small Long as numbers', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.insertOne({ _id: 1, missing: undefined, nested: { list: [undefined] } });
    expect(await docs.findOne({ _id: 1 })).toEqual({
      _id: 1,
      missing: null,
      nested: { list: [null] },
    });
  });
});
