import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CollectionTables } from '../../src/platform/storage/embedded/collection-tables.js';
import {
  DatabaseUnavailableError,
  EmbeddedDatabase,
  isDuplicateKeyError,
  type Document,
} from '../../src/platform/storage/index.js';
import { memoryLogger } from './support/memory-logger.js';

interface Doc extends Document {
  _id?: string | number;
}

/** What only the embedded engine promises (the contract suite covers what both promise). */
describe('EmbeddedDatabase', () => {
  let dir: string;
  let sut: EmbeddedDatabase;
  const others: EmbeddedDatabase[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-embedded-'));
    sut = await EmbeddedDatabase.open(dir, { logger: memoryLogger() });
  });

  afterEach(async () => {
    await Promise.all(others.splice(0).map((db) => db.close()));
    await sut.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function openAnother(options: { busyTimeoutMs?: number } = {}): Promise<EmbeddedDatabase> {
    const db = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), ...options });
    others.push(db);
    return db;
  }

  it('keeps its data in one SQLite file named after the database', async () => {
    const named = await EmbeddedDatabase.open(dir, { logger: memoryLogger(), dbName: 'demo' });
    others.push(named);
    expect(sut.file).toBe(path.join(dir, 'workmatch.sqlite'));
    expect(named.file).toBe(path.join(dir, 'demo.sqlite'));
    await expect(
      EmbeddedDatabase.open(dir, { logger: memoryLogger(), dbName: '../escape' }),
    ).rejects.toThrow(/Invalid database name/);
  });

  it('commits writes issued together as one transaction, each still atomic on its own', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ email: 1 }, { unique: true });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        docs.insertOne({ _id: i, email: i === 30 ? 'dup@x.kr' : `${i}@x.kr` }),
      ).concat([docs.insertOne({ _id: 'late', email: 'dup@x.kr' })]),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(isDuplicateKeyError(failed.reason)).toBe(true);
    expect(await docs.countDocuments({})).toBe(50);
    expect(await docs.findOne({ _id: 'late' })).toBeNull();
  });

  it('keeps the documents an updateMany changed before a duplicate key, as the server does', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ code: 1 }, { unique: true });
    await docs.insertMany([
      { _id: 1, code: 'a', n: 1 },
      { _id: 2, code: 'b', n: 2 },
      { _id: 3, code: 'taken', n: 3 },
    ]);
    const error = await docs
      .updateMany({ n: { $lte: 2 } }, { $set: { code: 'taken' } })
      .catch((e: unknown) => e);
    expect(isDuplicateKeyError(error)).toBe(true);
    expect(await docs.countDocuments({ code: 'taken' })).toBe(1);
  });

  it('says which index answered a query and how many keys and documents it read', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ status: 1, at: 1 }, { name: 'status_at' });
    await docs.insertMany(
      Array.from({ length: 200 }, (_, i) => ({ _id: i, status: i % 2 ? 'open' : 'closed', at: i })),
    );
    const indexed = await docs
      .find({ status: 'open', at: { $gte: 100 } })
      .sort({ at: 1 })
      .limit(5)
      .explain();
    const scanned = await docs.find({ other: 1 }).explain();
    const byId = await docs.find({ _id: 7 }).explain();

    expect(indexed).toEqual({
      stage: 'IXSCAN',
      indexName: 'status_at',
      sortedInMemory: false,
      keysExamined: 5,
      docsExamined: 5,
      returned: 5,
    });
    expect(scanned).toMatchObject({ stage: 'COLLSCAN', docsExamined: 200, returned: 0 });
    expect(byId).toMatchObject({ stage: 'IDHACK', docsExamined: 1, returned: 1 });
  });

  it('counts a filter its index bounds answer exactly from the keys alone, reading no document', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ origin: 1, at: 1 }, { name: 'origin_at' });
    const day = (d: number) => new Date(Date.UTC(2026, 10, d));
    const all = Array.from({ length: 300 }, (_, i) => ({
      _id: i,
      origin: i % 3 ? 'application' : 'proposal',
      at: day(1 + (i % 30)),
    }));
    await docs.insertMany(all);
    await docs.createIndex({ n: 1 }, { name: 'n' });
    // Another connection: nothing of these documents in its cache.
    const reader = (await openAnother()).collection<Doc>('docs');
    const decoded = vi.spyOn(CollectionTables.prototype, 'decode');
    const november10to20 = { $gte: day(10), $lt: day(20) };
    const expected = all.filter(
      (d) => d.origin === 'application' && d.at >= day(10) && d.at < day(20),
    ).length;

    expect(expected).toBeGreaterThan(0);
    expect(await reader.countDocuments({ origin: 'application', at: november10to20 })).toBe(
      expected,
    );
    expect(await reader.countDocuments({ origin: { $in: ['application', 'proposal'] } })).toBe(300);
    expect(decoded).not.toHaveBeenCalled();

    // A number range is tested document by document (mingo compares numbers within their type),
    // and so is a condition on a field the index does not hold.
    expect(await reader.countDocuments({ n: { $lte: 0 } })).toBe(0);
    expect(await reader.countDocuments({ origin: 'proposal', other: 1 })).toBe(0);
    expect(decoded).toHaveBeenCalledTimes(100);
    decoded.mockRestore();
  });

  it('groups from the keys alone when an index bounds the $match exactly and holds every field the $group reads', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex(
      { at: 1, shift: 1, state: 1, hours: 1 },
      { name: 'at_shift_state_hours' },
    );
    const day = (d: number) => new Date(Date.UTC(2026, 10, d));
    const all = Array.from({ length: 300 }, (_, i) => ({
      _id: i,
      at: day(1 + (i % 30)),
      shift: `s${i % 4}`,
      state: i % 3 ? 'completed' : 'cancelled',
      ...(i % 3 ? { hours: 4 + (i % 2) / 2 } : {}),
      note: 'not in the index',
    }));
    await docs.insertMany(all);
    const reader = (await openAnother()).collection<Doc>('docs');
    const decoded = vi.spyOn(CollectionTables.prototype, 'decode');
    const inRange = all.filter((d) => d.at >= day(10) && d.at < day(20));
    const expected = new Map<string, { count: number; hours: number }>();
    for (const d of inRange) {
      const key = `${d.shift}/${d.state}`;
      const row = expected.get(key) ?? { count: 0, hours: 0 };
      expected.set(key, { count: row.count + 1, hours: row.hours + (d.hours ?? 0) });
    }

    const rows = await reader
      .aggregate<{ _id: { shift: string; state: string }; count: number; hours: number }>([
        { $match: { at: { $gte: day(10), $lt: day(20) } } },
        {
          $group: {
            _id: { shift: '$shift', state: '$state' },
            count: { $sum: 1 },
            hours: { $sum: { $ifNull: ['$hours', 0] } },
          },
        },
        { $sort: { count: -1 } },
      ])
      .toArray();

    expect(
      new Map(
        rows.map((r) => [`${r._id.shift}/${r._id.state}`, { count: r.count, hours: r.hours }]),
      ),
    ).toEqual(expected);
    expect(rows.map((r) => r.count)).toEqual([...rows.map((r) => r.count)].sort((a, b) => b - a));
    expect(decoded).not.toHaveBeenCalled();

    // A field the index does not hold, or a null in a group's `_id` (null or missing? the key
    // cannot say), and the documents are read.
    await reader
      .aggregate([
        { $match: { at: { $gte: day(10), $lt: day(11) } } },
        { $group: { _id: '$note' } },
      ])
      .toArray();
    expect(decoded).toHaveBeenCalled();
    decoded.mockClear();
    const byHours = await reader
      .aggregate([
        { $match: { at: { $gte: day(10), $lt: day(12) } } },
        { $group: { _id: { h: '$hours' } } },
      ])
      .toArray();
    expect(byHours).toContainEqual({ _id: {} });
    expect(decoded).toHaveBeenCalled();
    decoded.mockRestore();
  });

  it('reads every key of a covered group, however many share one key (paged by key and row)', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ at: 1, state: 1 }, { name: 'at_state' });
    // A unique index keeps its keys in a table of its own shape.
    const numbered = sut.collection<Doc>('numbered');
    await numbered.createIndex({ at: 1, n: 1 }, { name: 'at_n', unique: true });
    const at = new Date(Date.UTC(2026, 10, 5));
    // More identical keys than a page holds, and a page boundary inside a run of them.
    const all = Array.from({ length: 4_500 }, (_, i) => ({
      _id: i,
      at,
      state: i < 4_321 ? 'completed' : 'cancelled',
    }));
    await docs.insertMany(all);
    await numbered.insertMany(all.map((d) => ({ ...d, n: d._id })));
    const decoded = vi.spyOn(CollectionTables.prototype, 'decode');
    const keyed = vi.spyOn(CollectionTables.prototype, 'keys');

    const byState = await docs
      .aggregate([
        { $match: { at } },
        { $group: { _id: '$state', n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    const total = await numbered
      .aggregate([
        { $match: { at } },
        { $group: { _id: null, n: { $sum: 1 }, sum: { $sum: '$n' } } },
      ])
      .toArray();

    expect(byState).toEqual([
      { _id: 'cancelled', n: 179 },
      { _id: 'completed', n: 4_321 },
    ]);
    expect(total).toEqual([{ _id: null, n: 4_500, sum: (4_499 * 4_500) / 2 }]);
    expect(keyed).toHaveBeenCalledTimes(2);
    expect(decoded).not.toHaveBeenCalled();
    decoded.mockRestore();
    keyed.mockRestore();
  });

  it('bounds a range on an index holding arrays by whichever end reaches fewer keys', async () => {
    const workers = sut.collection<Doc>('workers');
    await workers.createIndex({ 'history.at': 1 }, { name: 'history_at' });
    const day = (month: number, d: number) => new Date(Date.UTC(2026, month - 1, d));
    await workers.insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        _id: i,
        history: [{ at: day(11, 1 + (i % 28)) }, { at: day(11, 2 + (i % 28)) }],
      })),
    );
    // One condition bounds a field of such an index (two may be met by different elements).
    const october = { 'history.at': { $gte: day(10, 1), $lt: day(11, 1) } };
    const december = { 'history.at': { $gte: day(12, 1), $lt: new Date(Date.UTC(2027, 0, 1)) } };
    const lateNovember = { 'history.at': { $gte: day(11, 28), $lt: day(12, 1) } };

    expect(await workers.find(october).explain()).toMatchObject({ keysExamined: 0, returned: 0 });
    expect(await workers.find(december).explain()).toMatchObject({ keysExamined: 0, returned: 0 });
    const late = await workers.find(lateNovember).explain();
    expect(late.returned).toBe(14);
    expect(late.keysExamined).toBeLessThan(50);
  });

  it('maintains and uses an index another connection created, from its next operation', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.insertOne({ _id: 1, email: 'a@x.kr' });
    const other = await openAnother();
    await other.collection<Doc>('docs').createIndex({ email: 1 }, { unique: true });

    await expect(docs.insertOne({ _id: 2, email: 'a@x.kr' })).rejects.toMatchObject({
      code: 11000,
    });
    await docs.insertOne({ _id: 3, email: 'c@x.kr' });
    expect(await other.collection<Doc>('docs').findOne({ email: 'c@x.kr' })).toEqual({
      _id: 3,
      email: 'c@x.kr',
    });
    expect(await docs.find({ email: 'c@x.kr' }).explain()).toMatchObject({ stage: 'IXSCAN' });
  });

  it('never serves a cached document another connection has changed or deleted since', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ k: 1 });
    await docs.insertMany([
      { _id: 1, k: 'a', v: 1 },
      { _id: 2, k: 'b', v: 1 },
    ]);
    expect(await docs.findOne({ _id: 1 })).toMatchObject({ v: 1 });
    expect(await docs.findOne({ k: 'b' })).toMatchObject({ v: 1 });
    const other = (await openAnother()).collection<Doc>('docs');

    await other.updateOne({ _id: 1 }, { $set: { v: 2 } });
    await other.deleteOne({ k: 'b' });
    await other.insertOne({ _id: 3, k: 'b', v: 3 });

    expect(await docs.findOne({ _id: 1 })).toMatchObject({ v: 2 });
    expect(await docs.find({ k: 'b' }).toArray()).toEqual([{ _id: 3, k: 'b', v: 3 }]);
    const returned = (await docs.findOne({ _id: 1 }))!;
    returned.v = 99;
    expect(await docs.findOne({ _id: 1 })).toMatchObject({ v: 2 });
  });

  it('waits for another process’s write lock without blocking the event loop, then writes', async () => {
    const holder = new DatabaseSync(sut.file);
    holder.exec('BEGIN IMMEDIATE');
    const insert = sut.collection<Doc>('docs').insertOne({ _id: 'waited' });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    holder.exec('COMMIT');
    holder.close();
    await insert;
    clearInterval(ticker);

    expect(ticks).toBeGreaterThan(5);
    expect(await sut.collection<Doc>('docs').findOne({ _id: 'waited' })).toEqual({ _id: 'waited' });
  });

  it('fails a write with DatabaseUnavailableError once the busy timeout passes', async () => {
    const impatient = await openAnother({ busyTimeoutMs: 50 });
    const holder = new DatabaseSync(sut.file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      await expect(impatient.collection<Doc>('docs').insertOne({ _id: 1 })).rejects.toThrow(
        DatabaseUnavailableError,
      );
      await expect(impatient.collection<Doc>('docs').insertOne({ _id: 1 })).rejects.toThrow(
        /stayed locked by another process for 50 ms/,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    await impatient.collection<Doc>('docs').insertOne({ _id: 1 });
  });

  it('compacts the file (VACUUM) while keeping every document and index', async () => {
    const docs = sut.collection<Doc>('docs');
    await docs.createIndex({ email: 1 }, { unique: true });
    await docs.insertMany(
      Array.from({ length: 2000 }, (_, i) => ({
        _id: i,
        email: `${i}@x.kr`,
        pad: 'x'.repeat(500),
      })),
    );
    await docs.deleteMany({ _id: { $gte: 100 } });
    const { beforeBytes, afterBytes } = await sut.compact();
    expect(afterBytes).toBeLessThan(beforeBytes);
    expect(await docs.countDocuments({})).toBe(100);
    await expect(docs.insertOne({ _id: 'x', email: '7@x.kr' })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await sut.check()).toMatchObject({ ok: true, documents: 100 });
  });

  it('expires documents of a TTL index when it sweeps, and only those', async () => {
    const sessions = sut.collection<Doc>('sessions');
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 60 });
    const now = new Date('2026-12-01T00:00:00Z');
    const ago = (s: number) => new Date(now.getTime() - s * 1000);
    await sessions.insertMany([
      { _id: 'old', expiresAt: ago(61) },
      { _id: 'fresh', expiresAt: ago(59) },
      { _id: 'array-with-an-old-date', expiresAt: [ago(1), ago(120)] },
      { _id: 'not-a-date', expiresAt: 'yesterday' },
      { _id: 'no-field' },
    ]);

    expect(await sut.sweepExpired(now)).toBe(2);
    expect((await sessions.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([
      'fresh',
      'no-field',
      'not-a-date',
    ]);
  });

  it('hands out no stored document from an aggregation, whatever its stages, even from the cache', async () => {
    const things = sut.collection<Doc>('things');
    await things.createIndex({ n: 1 }, { name: 'n' });
    await things.insertMany([
      { _id: 'a', n: 1, place: { city: '서울' }, tags: ['x'] },
      { _id: 'b', n: 2, place: { city: '부산' }, tags: ['y'] },
      { _id: 'c', n: 3, place: { city: '대구' }, tags: [] },
      { _id: 'd', n: 4, place: { city: '광주' }, tags: 'solo' },
    ]);
    // Read once, so the documents sit in the engine's cache.
    await things.find({ n: { $gte: 1 } }).toArray();

    const grouped = await things
      .aggregate([
        { $match: { n: { $gte: 1 } } },
        { $group: { _id: '$place', tags: { $push: '$tags' } } },
      ])
      .toArray();
    const projected = await things
      .aggregate([{ $match: { n: { $gte: 1 } } }, { $project: { place: 1, tags: 1 } }])
      .toArray();
    const unwound = await things
      .aggregate([{ $match: { n: { $gte: 1 } } }, { $unwind: '$tags' }])
      .toArray();
    // These two forms write into their input: the stored documents must not be it.
    await things
      .aggregate([
        { $match: { n: { $gte: 1 } } },
        { $unwind: { path: '$tags', includeArrayIndex: 'at' } },
      ])
      .toArray();
    await things
      .aggregate([
        { $match: { n: { $gte: 1 } } },
        { $unwind: { path: '$tags', preserveNullAndEmptyArrays: true } },
      ])
      .toArray();
    for (const doc of unwound as Document[]) {
      (doc.place as Document).city = 'changed';
      doc.tags = 'changed';
    }
    for (const doc of [...grouped, ...projected] as Document[]) {
      const place = (doc._id as Document | undefined)?.city ? doc._id : doc.place;
      (place as Document).city = 'changed';
      const tags = doc.tags as unknown[] | string;
      if (Array.isArray(tags)) {
        (tags[0] as unknown[] | undefined)?.push?.('changed');
        tags.push('changed');
      }
    }

    expect(await things.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 'a', n: 1, place: { city: '서울' }, tags: ['x'] },
      { _id: 'b', n: 2, place: { city: '부산' }, tags: ['y'] },
      { _id: 'c', n: 3, place: { city: '대구' }, tags: [] },
      { _id: 'd', n: 4, place: { city: '광주' }, tags: 'solo' },
    ]);
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

  it('refuses collection names the server refuses, and an array _id', async () => {
    expect(() => sut.collection('a$b')).toThrow(/Invalid collection name/);
    expect(() => sut.collection('system.users')).toThrow(/Invalid collection name/);
    await expect(
      sut.collection<Doc>('docs').insertOne({ _id: [1, 2] } as unknown as Doc),
    ).rejects.toMatchObject({ code: 53 });
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

  describe('a batch', () => {
    it('commits the writes made inside it as one transaction, seen by other connections only at its end', async () => {
      const docs = sut.collection<Doc>('docs');
      const reader = (await openAnother()).collection<Doc>('docs');
      const before = (await sut.stats()).commits;
      const seenMeanwhile = await sut.batch(async () => {
        for (let i = 0; i < 20; i++) await docs.insertOne({ _id: i, n: i });
        await docs.updateOne({ _id: 3 }, { $set: { n: 'three' } });
        return reader.countDocuments({});
      });
      expect(seenMeanwhile).toBe(0);
      expect(await reader.countDocuments({})).toBe(20);
      expect(await reader.findOne({ _id: 3 })).toEqual({ _id: 3, n: 'three' });
      expect((await sut.stats()).commits - before).toBe(1);
    });

    it('lets reads inside it see its own writes', async () => {
      const docs = sut.collection<Doc>('docs');
      const seen = await sut.batch(async () => {
        await docs.insertOne({ _id: 'a', n: 1 });
        await docs.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
        return [await docs.findOne({ _id: 'a' }), await docs.countDocuments({})];
      });
      expect(seen).toEqual([{ _id: 'a', n: 2 }, 1]);
    });

    it('undoes all of its writes when its function fails, and only the refused one when a write is refused', async () => {
      const docs = sut.collection<Doc>('docs');
      await docs.createIndex({ email: 1 }, { unique: true });
      await docs.insertOne({ _id: 'kept', email: 'kept@x.kr' });
      const failure = new Error('the batch gave up');
      await expect(
        sut.batch(async () => {
          await docs.insertOne({ _id: 1, email: '1@x.kr' });
          await docs.updateOne({ _id: 'kept' }, { $set: { email: 'changed@x.kr' } });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await docs.find({}).toArray()).toEqual([{ _id: 'kept', email: 'kept@x.kr' }]);

      const refused = await sut.batch(async () => {
        await docs.insertOne({ _id: 2, email: '2@x.kr' });
        const error = await docs.insertOne({ _id: 3, email: 'kept@x.kr' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        await docs.insertOne({ _id: 4, email: '4@x.kr' });
        return error;
      });
      expect(isDuplicateKeyError(refused)).toBe(true);
      expect((await docs.find({}).toArray()).map((d) => d._id)).toEqual(['kept', 2, 4]);
    });

    it('makes work elsewhere in the process wait for it: reads see all of it or none, writes are not part of it', async () => {
      const docs = sut.collection<Doc>('docs');
      await docs.insertOne({ _id: 'before', n: 0 });
      const { promise: opened, resolve: open } = Promise.withResolvers<void>();
      // Started outside the batch: its reads and writes are another request's.
      const elsewhere = (async () => {
        await opened;
        const count = docs.countDocuments({});
        const written = docs.insertOne({ _id: 'elsewhere', n: 1 });
        return { count: await count, written: await written.then(() => 'ok') };
      })();
      const failure = new Error('rolled back');
      await expect(
        sut.batch(async () => {
          await docs.insertOne({ _id: 'inside', n: 1 });
          open();
          await new Promise((resolve) => setTimeout(resolve, 20));
          expect(await docs.findOne({ _id: 'elsewhere' })).toBeNull();
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await elsewhere).toEqual({ count: 1, written: 'ok' });
      expect((await docs.find({}).toArray()).map((d) => d._id).sort()).toEqual([
        'before',
        'elsewhere',
      ]);
    });

    it('waits for another process’s lock to open, and the writes queued meanwhile neither fail nor join it', async () => {
      const docs = sut.collection<Doc>('docs');
      const holder = new DatabaseSync(sut.file);
      holder.exec('BEGIN IMMEDIATE');
      const failure = new Error('rolled back');
      const batch = sut.batch(async () => {
        await docs.insertOne({ _id: 'inside' });
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw failure;
      });
      const queued = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return docs.insertOne({ _id: 'queued' });
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      holder.exec('COMMIT');
      holder.close();

      await expect(batch).rejects.toBe(failure);
      await expect(queued).resolves.toEqual({ acknowledged: true, insertedId: 'queued' });
      expect(await docs.find({}).toArray()).toEqual([{ _id: 'queued' }]);
    });

    it('joins a batch already open in the same context, and runs one batch at a time', async () => {
      const docs = sut.collection<Doc>('docs');
      const order: string[] = [];
      const first = sut.batch(async () => {
        await sut.batch(async () => {
          await docs.insertOne({ _id: 'inner' });
        });
        order.push('first writes');
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push('first ends');
      });
      const second = sut.batch(async () => {
        order.push('second starts');
        await docs.insertOne({ _id: 'second' });
      });
      await Promise.all([first, second]);
      expect(order).toEqual(['first writes', 'first ends', 'second starts']);
      expect(await docs.countDocuments({})).toBe(2);
    });

    it('answers writes issued after it ended, from a context it started, as any other', async () => {
      const docs = sut.collection<Doc>('docs');
      let later: (() => Promise<unknown>) | undefined;
      await sut.batch(async () => {
        later = () => docs.insertOne({ _id: 'later' });
      });
      await later!();
      const reader = (await openAnother()).collection<Doc>('docs');
      expect(await reader.findOne({ _id: 'later' })).toEqual({ _id: 'later' });
    });
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
