import {
  BSON,
  Binary,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BulkWriteError,
  ConcurrentModificationError,
  isDuplicateKeyError,
  retryOnConflict,
  updateWithVersion,
  type Collection,
  type Database,
  type Document,
  type Sort,
} from '../../src/platform/storage/index.js';

/** A document of the contract's collections: any _id type the tests use. */
interface Doc extends Document {
  _id?: string | number | ObjectId;
}

/** How the contract reaches one implementation. */
export interface DatabaseHarness {
  open(): Promise<Database>;
  /** Closes `db` and opens the same database again. */
  reopen(db: Database): Promise<Database>;
  /** Another connection to the same database, as another process would have. */
  openAnother(): Promise<Database>;
  /** How long a TTL index may take to expire a document (MongoDB's monitor runs every 60 s). */
  ttlWaitMs: number;
  /** Removes what `open` created (after the last close). */
  cleanup(): Promise<void>;
}

/**
 * The behaviour repositories rely on, stated once and run against every implementation: the
 * embedded engine always, a real MongoDB/DocumentDB when `MONGODB_URI` is set. A difference
 * between them is a bug in the embedded engine (or a limit to document), never in the test.
 */
export function describeDatabaseContract(
  name: string,
  makeHarness: () => Promise<DatabaseHarness>,
): void {
  describe(name, () => {
    let harness: DatabaseHarness;
    let sut: Database;
    let counter = 0;
    /** A fresh collection per test, so tests never see each other's documents. */
    const fresh = <T extends Document = Doc>(label: string): Collection<T> =>
      sut.collection<T>(`${label}_${++counter}`);

    beforeAll(async () => {
      harness = await makeHarness();
      sut = await harness.open();
    });

    afterAll(async () => {
      await sut?.close();
      await harness?.cleanup();
    });

    describe('insert and find', () => {
      it('assigns a new ObjectId to a document without _id, on the document and in the result', async () => {
        const people = fresh('people');
        const doc: Document = { name: 'Ann' };
        const result = await people.insertOne(doc);
        expect(result.insertedId).toBeInstanceOf(ObjectId);
        expect(doc._id).toBe(result.insertedId);
        expect(await people.findOne({ _id: result.insertedId })).toEqual({
          _id: result.insertedId,
          name: 'Ann',
        });
      });

      it('keeps an _id the caller chose, of any type', async () => {
        const people = fresh<{ _id: string; name: string }>('people');
        await people.insertOne({ _id: 'ann', name: 'Ann' });
        expect(await people.findOne({ _id: 'ann' })).toEqual({ _id: 'ann', name: 'Ann' });
      });

      it('refuses a second document with the same _id (code 11000) and keeps the first', async () => {
        const people = fresh('people');
        await people.insertOne({ _id: 'ann', name: 'Ann' });
        const error = await people
          .insertOne({ _id: 'ann', name: 'Other' })
          .catch((e: unknown) => e);
        expect(isDuplicateKeyError(error)).toBe(true);
        expect(error).toMatchObject({ code: 11000, keyValue: { _id: 'ann' } });
        expect(await people.find({}).toArray()).toEqual([{ _id: 'ann', name: 'Ann' }]);
      });

      it('returns every inserted id by position from insertMany', async () => {
        const people = fresh('people');
        const result = await people.insertMany([{ n: 0 }, { _id: 'one', n: 1 }, { n: 2 }]);
        expect(result.insertedCount).toBe(3);
        expect(result.insertedIds[1]).toBe('one');
        expect(result.insertedIds[0]).toBeInstanceOf(ObjectId);
        expect(await people.countDocuments({})).toBe(3);
      });

      it('hands out copies: changing a returned or inserted object does not change what is stored', async () => {
        const people = fresh('people');
        const doc = { _id: 'ann', tags: ['a'], address: { city: 'Seoul' } };
        await people.insertOne(doc);
        doc.tags.push('mutated');
        doc.address.city = 'mutated';
        const read = (await people.findOne({ _id: 'ann' }))!;
        (read.tags as string[]).push('mutated');
        (read.address as Document).city = 'mutated';
        const [listed] = await people.find({}).toArray();
        (listed!.address as Document).city = 'mutated';
        expect(await people.findOne({ _id: 'ann' })).toEqual({
          _id: 'ann',
          tags: ['a'],
          address: { city: 'Seoul' },
        });
      });

      it('returns null from findOne when nothing matches', async () => {
        expect(await fresh('empty').findOne({ _id: 'nobody' })).toBeNull();
      });
    });

    describe('filters', () => {
      let shifts: Collection<Doc>;
      beforeAll(async () => {
        shifts = fresh('shifts');
        await shifts.insertMany([
          {
            _id: 'a',
            n: 1,
            city: 'Seoul',
            tags: ['night', 'cafe'],
            pay: { hourly: 10000 },
            at: new Date('2026-01-01T00:00:00Z'),
          },
          {
            _id: 'b',
            n: 2,
            city: 'Busan',
            tags: ['cafe'],
            pay: { hourly: 12000 },
            at: new Date('2026-01-02T00:00:00Z'),
          },
          {
            _id: 'c',
            n: 3,
            city: 'Seoul',
            tags: [],
            pay: { hourly: 9000 },
            note: null,
            at: new Date('2026-01-03T00:00:00Z'),
          },
          {
            _id: 'd',
            n: 4,
            city: 'Incheon',
            slots: [
              { day: 1, open: true },
              { day: 2, open: false },
            ],
          },
        ]);
      });

      const cases: Array<[string, Document, string[]]> = [
        ['equality', { city: 'Seoul' }, ['a', 'c']],
        ['$ne also matches a missing field', { city: { $ne: 'Seoul' } }, ['b', 'd']],
        ['$gt/$lte ranges', { n: { $gt: 1, $lte: 3 } }, ['b', 'c']],
        ['$in', { city: { $in: ['Busan', 'Incheon'] } }, ['b', 'd']],
        ['$nin', { city: { $nin: ['Seoul'] } }, ['b', 'd']],
        ['a scalar against an array matches any element', { tags: 'cafe' }, ['a', 'b']],
        ['$all', { tags: { $all: ['night', 'cafe'] } }, ['a']],
        ['$size', { tags: { $size: 0 } }, ['c']],
        ['$exists false', { pay: { $exists: false } }, ['d']],
        ['null matches null and missing', { note: null }, ['a', 'b', 'c', 'd']],
        ['a dotted path into a subdocument', { 'pay.hourly': { $gte: 10000 } }, ['a', 'b']],
        [
          '$elemMatch on an array of subdocuments',
          { slots: { $elemMatch: { day: 2, open: false } } },
          ['d'],
        ],
        ['a dotted path through an array', { 'slots.open': true }, ['d']],
        ['$regex', { city: { $regex: '^S' } }, ['a', 'c']],
        ['$or', { $or: [{ n: 1 }, { city: 'Incheon' }] }, ['a', 'd']],
        ['$and with $not', { $and: [{ city: 'Seoul' }, { n: { $not: { $gt: 1 } } }] }, ['a']],
        [
          'dates compare by instant',
          { at: { $gte: new Date('2026-01-02T00:00:00Z') } },
          ['b', 'c'],
        ],
        ['$expr compares two fields', { $expr: { $gt: ['$n', 2] } }, ['c', 'd']],
        ['$type', { note: { $type: 'null' } }, ['c']],
      ];
      it.each(cases)('supports %s', async (_label, filter, expected) => {
        const found = await shifts
          .find(filter, { projection: { _id: 1 } })
          .sort({ _id: 1 })
          .toArray();
        expect(found.map((d) => d._id)).toEqual(expected);
      });
    });

    describe('sort, skip, limit, projection and cursors', () => {
      let items: Collection<{ _id: number; group: string; rank: number; at: Date; extra?: string }>;
      beforeAll(async () => {
        items = fresh('items');
        await items.insertMany(
          Array.from({ length: 25 }, (_, i) => ({
            _id: i,
            group: i % 2 ? 'odd' : 'even',
            rank: i % 5,
            // Only 5 distinct instants: paging must break ties by _id.
            at: new Date(Date.UTC(2026, 0, 1 + (i % 5))),
            extra: 'x',
          })),
        );
      });

      it('finds by a list of ids, and projects top-level fields with _id first or without it', async () => {
        const found = await items.find({ _id: { $in: [3, 99, 4, 3] } }).toArray();
        expect(found.map((d) => d._id).sort()).toEqual([3, 4]);
        expect(await items.findOne({ _id: 3 }, { projection: { rank: 1, missing: 1 } })).toEqual({
          _id: 3,
          rank: 3,
        });
        expect(await items.findOne({ _id: 3 }, { projection: { _id: 0, group: 1 } })).toEqual({
          group: 'odd',
        });
        const projected = await items.findOne({ _id: 4 }, { projection: { at: 1 } });
        projected?.at?.setUTCFullYear(1999); // a copy: the stored value stays
        expect((await items.findOne({ _id: 4 }))?.at).toEqual(new Date(Date.UTC(2026, 0, 5)));
      });

      it('applies sort, then skip, then limit, whatever order the cursor calls come in', async () => {
        const a = await items.find({}).limit(3).skip(2).sort({ rank: -1, _id: 1 }).toArray();
        const b = await items.find({}, { sort: { rank: -1, _id: 1 }, skip: 2, limit: 3 }).toArray();
        expect(a.map((d) => d._id)).toEqual([14, 19, 24]);
        expect(b.map((d) => d._id)).toEqual([14, 19, 24]);
      });

      it('treats limit 0 as no limit', async () => {
        expect(await items.find({}).limit(0).toArray()).toHaveLength(25);
      });

      it('pages through every document exactly once with a (date, _id) cursor', async () => {
        const sort = { at: -1, _id: -1 } as const;
        const all = await items.find({}).sort(sort).toArray();
        const seen: number[] = [];
        let last: { at: Date; _id: number } | undefined;
        for (let page = 0; page < 10; page++) {
          const filter = last
            ? { $or: [{ at: { $lt: last.at } }, { at: last.at, _id: { $lt: last._id } }] }
            : {};
          const batch = await items.find(filter).sort(sort).limit(7).toArray();
          if (batch.length === 0) break;
          seen.push(...batch.map((d) => d._id));
          last = batch.at(-1)!;
        }
        expect(seen).toEqual(all.map((d) => d._id));
        expect(new Set(seen).size).toBe(25);
      });

      it('projects included fields (and _id unless excluded) or everything but excluded ones', async () => {
        expect(await items.findOne({ _id: 3 }, { projection: { rank: 1 } })).toEqual({
          _id: 3,
          rank: 3,
        });
        expect(await items.findOne({ _id: 3 }, { projection: { rank: 1, _id: 0 } })).toEqual({
          rank: 3,
        });
        expect(await items.findOne({ _id: 3 }, { projection: { at: 0, extra: 0 } })).toEqual({
          _id: 3,
          group: 'odd',
          rank: 3,
        });
        const projected = await items
          .find({ _id: 4 })
          .project<{ group: string }>({ group: 1, _id: 0 })
          .toArray();
        expect(projected).toEqual([{ group: 'even' }]);
      });

      it('is lazy and can be read by async iteration', async () => {
        const cursor = items.find({ group: 'even' }).sort({ _id: 1 });
        await items.insertOne({ _id: 100, group: 'even', rank: 0, at: new Date(0) });
        const ids: number[] = [];
        for await (const doc of cursor) ids.push(doc._id);
        expect(ids).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 100]);
        await items.deleteOne({ _id: 100 });
      });

      it('counts matches, honouring skip and limit', async () => {
        expect(await items.countDocuments({ group: 'odd' })).toBe(12);
        expect(await items.countDocuments({ group: 'odd' }, { skip: 10 })).toBe(2);
        expect(await items.countDocuments({}, { limit: 5 })).toBe(5);
        expect(await items.countDocuments()).toBe(25);
      });

      it('returns each distinct value once, flattening arrays', async () => {
        const tagged = fresh('tagged');
        await tagged.insertMany([
          { tags: ['a', 'b'], k: 1 },
          { tags: ['b', 'c'], k: 1 },
          { tags: 'd', k: 2 },
          { k: 2 },
        ]);
        expect((await tagged.distinct('tags')).sort()).toEqual(['a', 'b', 'c', 'd']);
        expect((await tagged.distinct('tags', { k: 2 })).sort()).toEqual(['d']);
      });
    });

    describe('update operators', () => {
      const cases: Array<[string, Document, Document, Document, Document?]> = [
        [
          '$set sets fields and nested paths',
          { a: 1 },
          { $set: { a: 2, 'b.c': 3 } },
          { a: 2, b: { c: 3 } },
        ],
        ['$unset removes fields', { a: 1, b: 2 }, { $unset: { b: '' } }, { a: 1 }],
        ['$inc adds, creating missing fields', { n: 5 }, { $inc: { n: -2, m: 1 } }, { n: 3, m: 1 }],
        ['$push appends', { list: [1] }, { $push: { list: 2 } }, { list: [1, 2] }],
        [
          '$push with $each appends several',
          { list: [1] },
          { $push: { list: { $each: [2, 3] } } },
          { list: [1, 2, 3] },
        ],
        [
          '$pull removes matching elements',
          { list: [1, 2, 3, 2] },
          { $pull: { list: 2 } },
          { list: [1, 3] },
        ],
        [
          '$pull with a condition',
          { list: [1, 5, 9] },
          { $pull: { list: { $gte: 5 } } },
          { list: [1] },
        ],
        [
          '$addToSet adds only what is missing',
          { set: ['a'] },
          { $addToSet: { set: { $each: ['a', 'b'] } } },
          { set: ['a', 'b'] },
        ],
        ['$min keeps the smaller value', { low: 5 }, { $min: { low: 3 } }, { low: 3 }],
        ['$max keeps the larger value', { high: 5 }, { $max: { high: 8 } }, { high: 8 }],
        [
          'the positional $ updates the element the filter matched',
          {
            slots: [
              { day: 1, taken: false },
              { day: 2, taken: false },
            ],
          },
          { $set: { 'slots.$.taken': true } },
          {
            slots: [
              { day: 1, taken: false },
              { day: 2, taken: true },
            ],
          },
          { 'slots.day': 2 },
        ],
        [
          '$[] updates every element',
          { scores: [1, 2] },
          { $inc: { 'scores.$[]': 10 } },
          { scores: [11, 12] },
        ],
      ];
      it.each(cases)('%s', async (_label, initial, update, expected, extraFilter) => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1, ...initial });
        const result = await docs.updateOne({ _id: 1, ...extraFilter }, update);
        expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedId: null });
        expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, ...expected });
      });

      it('applies arrayFilters to the elements they select', async () => {
        const docs = fresh('docs');
        await docs.insertOne({
          _id: 1,
          slots: [
            { day: 1, n: 0 },
            { day: 2, n: 0 },
            { day: 3, n: 0 },
          ],
        });
        await docs.updateOne(
          { _id: 1 },
          { $set: { 'slots.$[s].n': 9 } },
          { arrayFilters: [{ 's.day': { $gte: 2 } }] },
        );
        expect(await docs.findOne({ _id: 1 })).toEqual({
          _id: 1,
          slots: [
            { day: 1, n: 0 },
            { day: 2, n: 9 },
            { day: 3, n: 9 },
          ],
        });
      });

      it('counts a match that changes nothing as matched, not modified', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1, a: 1 });
        expect(await docs.updateOne({ _id: 1 }, { $set: { a: 1 } })).toMatchObject({
          matchedCount: 1,
          modifiedCount: 0,
        });
        expect(await docs.updateOne({ _id: 2 }, { $set: { a: 1 } })).toMatchObject({
          matchedCount: 0,
          modifiedCount: 0,
        });
      });

      it('updates every match with updateMany and only the first with updateOne', async () => {
        const docs = fresh('docs');
        await docs.insertMany([
          { _id: 1, g: 'x' },
          { _id: 2, g: 'x' },
          { _id: 3, g: 'y' },
        ]);
        expect(await docs.updateMany({ g: 'x' }, { $set: { seen: true } })).toMatchObject({
          matchedCount: 2,
          modifiedCount: 2,
        });
        expect(await docs.countDocuments({ seen: true })).toBe(2);
        expect(
          await docs.updateOne({ g: { $in: ['x', 'y'] } }, { $inc: { hits: 1 } }),
        ).toMatchObject({ matchedCount: 1 });
        expect(await docs.countDocuments({ hits: 1 })).toBe(1);
      });

      it('upserts from the filter equalities, the update and $setOnInsert when nothing matches', async () => {
        const docs = fresh('docs');
        const result = await docs.updateOne(
          { email: 'a@x.kr', 'profile.kind': 'worker', n: { $gt: 0 } },
          { $set: { name: 'Ann' }, $setOnInsert: { createdBy: 'upsert' }, $inc: { visits: 1 } },
          { upsert: true },
        );
        expect(result).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
        expect(result.upsertedId).toBeInstanceOf(ObjectId);
        expect(await docs.findOne({ _id: result.upsertedId! }, { projection: { _id: 0 } })).toEqual(
          {
            email: 'a@x.kr',
            profile: { kind: 'worker' },
            name: 'Ann',
            createdBy: 'upsert',
            visits: 1,
          },
        );
      });

      it('updates an existing match on upsert and leaves $setOnInsert out', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1, email: 'a@x.kr', visits: 1 });
        const result = await docs.updateOne(
          { email: 'a@x.kr' },
          { $inc: { visits: 1 }, $setOnInsert: { createdBy: 'upsert' } },
          { upsert: true },
        );
        expect(result).toMatchObject({
          matchedCount: 1,
          modifiedCount: 1,
          upsertedCount: 0,
          upsertedId: null,
        });
        expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, email: 'a@x.kr', visits: 2 });
      });

      it('refuses to change _id', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1 });
        await expect(docs.updateOne({ _id: 1 }, { $set: { _id: 2 } })).rejects.toMatchObject({
          code: 66,
        });
        expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1 });
      });

      it('refuses an update document without operators', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1 });
        await expect(docs.updateOne({ _id: 1 }, { a: 1 } as Document)).rejects.toThrow(
          /atomic operators/,
        );
      });

      it('replaces a whole document and keeps its _id', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1, a: 1, b: 2 });
        expect(await docs.replaceOne({ _id: 1 }, { c: 3 })).toMatchObject({
          matchedCount: 1,
          modifiedCount: 1,
        });
        expect(await docs.findOne({ _id: 1 })).toEqual({ _id: 1, c: 3 });
      });

      it('inserts the replacement on replaceOne with upsert, taking _id from the filter', async () => {
        const docs = fresh('docs');
        const result = await docs.replaceOne({ _id: 'k' }, { c: 3 }, { upsert: true });
        expect(result).toMatchObject({ upsertedCount: 1, upsertedId: 'k' });
        expect(await docs.findOne({ _id: 'k' })).toEqual({ _id: 'k', c: 3 });
      });

      it('returns the document before the update by default and after it on request', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 1, n: 1 });
        expect(await docs.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } })).toEqual({
          _id: 1,
          n: 1,
        });
        expect(
          await docs.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
        ).toEqual({
          _id: 1,
          n: 3,
        });
        expect(await docs.findOneAndUpdate({ _id: 9 }, { $inc: { n: 1 } })).toBeNull();
      });

      it('takes the first match by sort in findOneAndUpdate and projects the result', async () => {
        const docs = fresh('jobs');
        await docs.insertMany([
          { _id: 1, state: 'queued', priority: 1 },
          { _id: 2, state: 'queued', priority: 5 },
          { _id: 3, state: 'done', priority: 9 },
        ]);
        const claimed = await docs.findOneAndUpdate(
          { state: 'queued' },
          { $set: { state: 'running' } },
          { sort: { priority: -1 }, returnDocument: 'after', projection: { state: 1 } },
        );
        expect(claimed).toEqual({ _id: 2, state: 'running' });
      });

      it('returns the inserted document from findOneAndUpdate with upsert and returnDocument after', async () => {
        const docs = fresh('counters');
        const first = await docs.findOneAndUpdate(
          { _id: 'seq' },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after' },
        );
        expect(first).toEqual({ _id: 'seq', value: 1 });
        expect(
          await docs.findOneAndUpdate({ _id: 'seq2' }, { $inc: { value: 1 } }, { upsert: true }),
        ).toBeNull();
      });
    });

    describe('delete', () => {
      it('deletes one or every match and reports the count', async () => {
        const docs = fresh('docs');
        await docs.insertMany([{ g: 1 }, { g: 1 }, { g: 1 }, { g: 2 }]);
        expect(await docs.deleteOne({ g: 1 })).toMatchObject({ deletedCount: 1 });
        expect(await docs.deleteMany({ g: 1 })).toMatchObject({ deletedCount: 2 });
        expect(await docs.deleteMany({ g: 3 })).toMatchObject({ deletedCount: 0 });
        expect(await docs.countDocuments({})).toBe(1);
      });

      it('removes and returns the first match by sort with findOneAndDelete', async () => {
        const docs = fresh('docs');
        await docs.insertMany([
          { _id: 1, p: 2 },
          { _id: 2, p: 7 },
          { _id: 3, p: 4 },
        ]);
        expect(await docs.findOneAndDelete({}, { sort: { p: -1 } })).toEqual({ _id: 2, p: 7 });
        expect(await docs.findOneAndDelete({ _id: 2 })).toBeNull();
        expect(await docs.countDocuments({})).toBe(2);
      });
    });

    describe('indexes', () => {
      it('refuses a duplicate in a unique index with the server error shape and writes nothing', async () => {
        const members = fresh('members');
        expect(
          await members.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }),
        ).toBe('email_unique');
        await members.insertOne({ _id: 1, email: 'a@x.kr' });
        const error = await members.insertOne({ _id: 2, email: 'a@x.kr' }).catch((e: unknown) => e);
        expect(isDuplicateKeyError(error)).toBe(true);
        expect(error).toMatchObject({
          code: 11000,
          keyPattern: { email: 1 },
          keyValue: { email: 'a@x.kr' },
        });
        expect((error as Error).message).toMatch(
          new RegExp(
            `^E11000 duplicate key error collection: \\S+\\.${members.collectionName} index: email_unique dup key: \\{ email: "a@x\\.kr" \\}`,
          ),
        );
        expect(await members.countDocuments({})).toBe(1);
      });

      it('names an index like the server when no name is given, and creating it again is a no-op', async () => {
        const members = fresh('members');
        expect(await members.createIndex({ tenant: 1, createdAt: -1 })).toBe(
          'tenant_1_createdAt_-1',
        );
        expect(await members.createIndex({ tenant: 1, createdAt: -1 })).toBe(
          'tenant_1_createdAt_-1',
        );
      });

      it('drops a named index (its rule goes with it); a missing one is no error, `_id_` is refused', async () => {
        const members = fresh('members');
        await members.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
        await members.insertOne({ _id: 1, email: 'a@x.kr' });
        await members.dropIndex('email_unique');
        await members.insertOne({ _id: 2, email: 'a@x.kr' });
        expect(await members.countDocuments({ email: 'a@x.kr' })).toBe(2);
        await members.dropIndex('email_unique');
        await fresh('never_created').dropIndex('anything');
        await expect(members.dropIndex('_id_')).rejects.toThrow();
        // The name is free again, for an index of another shape.
        expect(await members.createIndex({ email: 1, _id: 1 }, { name: 'email_unique' })).toBe(
          'email_unique',
        );
      });

      it('refuses an update that would duplicate a unique key and leaves the document as it was', async () => {
        const members = fresh('members');
        await members.createIndex({ email: 1 }, { unique: true });
        await members.insertMany([
          { _id: 1, email: 'a@x.kr' },
          { _id: 2, email: 'b@x.kr' },
        ]);
        const error = await members
          .updateOne({ _id: 2 }, { $set: { email: 'a@x.kr' } })
          .catch((e: unknown) => e);
        expect(isDuplicateKeyError(error)).toBe(true);
        expect(await members.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'b@x.kr' });
        // The old key is free again once its holder moves away.
        await members.updateOne({ _id: 1 }, { $set: { email: 'c@x.kr' } });
        await members.updateOne({ _id: 2 }, { $set: { email: 'a@x.kr' } });
        expect(await members.findOne({ email: 'a@x.kr' })).toMatchObject({ _id: 2 });
      });

      it('refuses an upsert or a replacement that would duplicate a unique key', async () => {
        const members = fresh('members');
        await members.createIndex({ email: 1 }, { unique: true });
        await members.insertOne({ _id: 1, email: 'a@x.kr' });
        await expect(
          members.updateOne({ _id: 2 }, { $set: { email: 'a@x.kr' } }, { upsert: true }),
        ).rejects.toMatchObject({ code: 11000 });
        await members.insertOne({ _id: 3, email: 'c@x.kr' });
        await expect(members.replaceOne({ _id: 3 }, { email: 'a@x.kr' })).rejects.toMatchObject({
          code: 11000,
        });
        expect(await members.find({}).sort({ _id: 1 }).toArray()).toEqual([
          { _id: 1, email: 'a@x.kr' },
          { _id: 3, email: 'c@x.kr' },
        ]);
      });

      it('makes a compound unique key collide only when every field is equal', async () => {
        const slots = fresh('slots');
        await slots.createIndex({ shiftId: 1, workerId: 1 }, { unique: true });
        await slots.insertMany([
          { shiftId: 's1', workerId: 'w1' },
          { shiftId: 's1', workerId: 'w2' },
          { shiftId: 's2', workerId: 'w1' },
        ]);
        await expect(slots.insertOne({ shiftId: 's1', workerId: 'w2' })).rejects.toMatchObject({
          code: 11000,
          keyValue: { shiftId: 's1', workerId: 'w2' },
        });
      });

      it('treats a missing field as null in a unique index, unless the index is sparse', async () => {
        const plain = fresh('plain');
        await plain.createIndex({ phone: 1 }, { unique: true });
        await plain.insertOne({ name: 'a' });
        await expect(plain.insertOne({ name: 'b' })).rejects.toMatchObject({ code: 11000 });

        const sparse = fresh('sparse');
        await sparse.createIndex({ phone: 1 }, { unique: true, sparse: true });
        await sparse.insertMany([{ name: 'a' }, { name: 'b' }, { phone: '010' }]);
        await expect(sparse.insertOne({ phone: '010' })).rejects.toMatchObject({ code: 11000 });
      });

      it('constrains only documents matching the partial filter of a partial unique index', async () => {
        const assignments = fresh('assignments');
        await assignments.createIndex(
          { shiftId: 1 },
          { unique: true, partialFilterExpression: { state: 'confirmed' } },
        );
        await assignments.insertMany([
          { shiftId: 's1', state: 'applied' },
          { shiftId: 's1', state: 'applied' },
          { shiftId: 's1', state: 'confirmed' },
        ]);
        await expect(
          assignments.insertOne({ shiftId: 's1', state: 'confirmed' }),
        ).rejects.toMatchObject({ code: 11000 });
        expect(await assignments.countDocuments({ shiftId: 's1' })).toBe(3);
      });

      it('indexes each element of an array field in a unique index', async () => {
        const accounts = fresh('accounts');
        await accounts.createIndex({ emails: 1 }, { unique: true });
        await accounts.insertOne({ emails: ['a@x.kr', 'b@x.kr'] });
        await expect(accounts.insertOne({ emails: ['c@x.kr', 'b@x.kr'] })).rejects.toMatchObject({
          code: 11000,
          keyValue: { emails: 'b@x.kr' },
        });
      });

      it('fails to create a unique index over existing duplicates', async () => {
        const members = fresh('members');
        await members.insertMany([{ email: 'a@x.kr' }, { email: 'a@x.kr' }]);
        await expect(members.createIndex({ email: 1 }, { unique: true })).rejects.toMatchObject({
          code: 11000,
        });
        await members.insertOne({ email: 'a@x.kr' });
        expect(await members.countDocuments({})).toBe(3);
      });

      it('answers equality queries through a secondary index exactly as a scan would', async () => {
        const shifts = fresh('shifts');
        await shifts.createIndex({ city: 1 });
        await shifts.createIndex({ tags: 1 });
        const docs = Array.from({ length: 60 }, (_, i) => ({
          _id: i,
          city: ['Seoul', 'Busan', 'Daegu'][i % 3],
          tags: i % 4 === 0 ? ['cafe', 'night'] : ['cafe'],
          n: i,
        }));
        await shifts.insertMany(docs);
        await shifts.updateMany({ n: { $lt: 10 } }, { $set: { city: 'Jeju' } });
        await shifts.deleteMany({ n: { $gte: 50 } });
        const live = docs
          .filter((d) => d.n < 50)
          .map((d) => ({ ...d, city: d.n < 10 ? 'Jeju' : d.city }));
        const ids = async (filter: Document) =>
          (await shifts.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
        expect(await ids({ city: 'Seoul' })).toEqual(
          live.filter((d) => d.city === 'Seoul').map((d) => d._id),
        );
        expect(await ids({ city: { $in: ['Jeju', 'Daegu'] }, n: { $gt: 5 } })).toEqual(
          live
            .filter((d) => (d.city === 'Jeju' || d.city === 'Daegu') && d.n > 5)
            .map((d) => d._id),
        );
        expect(await ids({ tags: 'night' })).toEqual(
          live.filter((d) => d.tags.includes('night')).map((d) => d._id),
        );
        expect(await ids({ city: 'Nowhere' })).toEqual([]);
      });
    });

    describe('index-served queries', () => {
      const minute = 60_000;
      const base = Date.UTC(2026, 11, 1);
      const at = (i: number) => new Date(base + i * minute);

      async function shiftsWithIndex() {
        const shifts = fresh<{ _id: number; status: string; startsAt: Date }>('shifts');
        await shifts.createIndex({ status: 1, startsAt: 1, _id: 1 }, { name: 'status_startsAt' });
        const docs = Array.from({ length: 300 }, (_, i) => ({
          _id: i,
          status: i % 3 === 0 ? 'cancelled' : 'open',
          // Starts spread out of insertion order, with ties that _id breaks.
          startsAt: at((i * 7919) % 150),
        }));
        await shifts.insertMany(docs);
        return { shifts, docs };
      }

      it('reads a range in index order and stops at the limit, forwards and backwards, without sorting', async () => {
        const { shifts, docs } = await shiftsWithIndex();
        const filter = { status: 'open', startsAt: { $gte: at(40), $lt: at(120) } };
        const expected = docs
          .filter((d) => d.status === 'open' && d.startsAt >= at(40) && d.startsAt < at(120))
          .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a._id - b._id)
          .map((d) => d._id);

        const forwards = shifts.find(filter).sort({ startsAt: 1, _id: 1 }).limit(10);
        const backwards = shifts.find(filter).sort({ startsAt: -1, _id: -1 }).limit(10);

        expect((await forwards.toArray()).map((d) => d._id)).toEqual(expected.slice(0, 10));
        expect((await backwards.toArray()).map((d) => d._id)).toEqual(
          expected.slice(-10).reverse(),
        );
        for (const cursor of [
          shifts.find(filter).sort({ startsAt: 1, _id: 1 }).limit(10),
          shifts.find(filter).sort({ startsAt: -1, _id: -1 }).limit(10),
        ]) {
          const plan = await cursor.explain();
          expect(plan).toMatchObject({
            stage: 'IXSCAN',
            indexName: 'status_startsAt',
            sortedInMemory: false,
            returned: 10,
          });
          expect(plan.docsExamined).toBeLessThanOrEqual(11);
        }
      });

      it('still serves ranges through its indexes after a reopen', async () => {
        const { shifts } = await shiftsWithIndex();
        sut = await harness.reopen(sut);
        const reopened = sut.collection(shifts.collectionName);
        const plan = await reopened
          .find({ status: 'open', startsAt: { $gt: at(10) } })
          .sort({ startsAt: 1, _id: 1 })
          .limit(5)
          .explain();
        expect(plan).toMatchObject({ stage: 'IXSCAN', sortedInMemory: false, returned: 5 });
      });

      it('serves a compound index of mixed directions both ways, and sorts in memory otherwise', async () => {
        const items = fresh<{ _id: number; group: string; rank: number }>('items');
        await items.createIndex({ group: 1, rank: -1 }, { name: 'group_rank' });
        const docs = Array.from({ length: 60 }, (_, i) => ({
          _id: i,
          group: ['a', 'b', 'c'][(i * 7) % 3]!,
          rank: (i * 13) % 17,
        }));
        await items.insertMany(docs);
        const by = (g: number, r: number) => (x: (typeof docs)[0], y: (typeof docs)[0]) =>
          (x.group < y.group ? -g : x.group > y.group ? g : 0) ||
          r * (x.rank - y.rank) ||
          x._id - y._id;

        const inB = await items.find({ group: 'b' }).sort({ rank: -1, _id: 1 }).toArray();
        expect(inB.map((d) => d._id)).toEqual(
          docs
            .filter((d) => d.group === 'b')
            .sort(by(1, -1))
            .map((d) => d._id),
        );
        const reversed = items.find({}).sort({ group: -1, rank: 1 });
        const plain = items.find({}).sort({ group: 1, rank: 1 });
        const reversedIds = (await reversed.toArray()).map((d) => [d.group, d.rank]);
        expect(reversedIds).toEqual([...docs].sort(by(-1, 1)).map((d) => [d.group, d.rank]));
        expect((await plain.toArray()).map((d) => [d.group, d.rank])).toEqual(
          [...docs].sort(by(1, 1)).map((d) => [d.group, d.rank]),
        );
        expect(await items.find({ group: 'b' }).sort({ rank: -1 }).explain()).toMatchObject({
          indexName: 'group_rank',
          sortedInMemory: false,
        });
        expect(await items.find({}).sort({ group: -1, rank: 1 }).explain()).toMatchObject({
          indexName: 'group_rank',
          sortedInMemory: false,
        });
        expect(await items.find({}).sort({ group: 1, rank: 1 }).explain()).toMatchObject({
          sortedInMemory: true,
        });
      });

      it('matches array elements through a multikey index, even when two bounds are met by different elements', async () => {
        const tagged = fresh<{ _id: number; tags?: string[] | string }>('tagged');
        // With _id, the index could give the sorts below, if arrays did not sort by all their elements.
        await tagged.createIndex({ tags: 1, _id: 1 });
        await tagged.insertMany([
          { _id: 1, tags: ['a', 'z'] },
          { _id: 2, tags: ['d'] },
          { _id: 3, tags: [] },
          { _id: 4, tags: 'd' },
          { _id: 5 },
        ]);
        const ids = async (filter: Document, sort: Sort = { _id: 1 }) =>
          (await tagged.find(filter).sort(sort).toArray()).map((d) => d._id);

        expect(await ids({ tags: { $gt: 'c', $lt: 'e' } })).toEqual([1, 2, 4]);
        expect(await ids({ tags: 'd' })).toEqual([2, 4]);
        expect(await ids({ tags: { $in: ['a', 'q'] } })).toEqual([1]);
        // An array sorts by its smallest element ascending, its largest descending; [] before null.
        expect(await ids({}, { tags: 1, _id: 1 })).toEqual([3, 5, 1, 2, 4]);
        expect(await ids({}, { tags: -1, _id: 1 })).toEqual([1, 2, 4, 5, 3]);
        // The whole array counts, not only the elements the filter matched.
        expect(await ids({ tags: { $gte: 'c' } }, { tags: 1, _id: 1 })).toEqual([1, 2, 4]);
        expect(await ids({ tags: { $lte: 'e' } }, { tags: -1, _id: 1 })).toEqual([1, 2, 4]);
      });

      it('orders values of different types as MongoDB does, with or without an index', async () => {
        // In ascending order; equal sort values (null and missing) keep _id order.
        const values: unknown[] = [
          new MinKey(),
          null,
          undefined,
          -1,
          1,
          Long.fromNumber(2),
          2.5,
          Decimal128.fromString('3'),
          2 ** 53,
          Long.fromString('9007199254740993'),
          '10',
          '9',
          'a',
          { a: 1 },
          { a: 2 },
          { b: 0 },
          new Binary(Buffer.from([1, 2, 3])),
          ObjectId.createFromHexString('65a000000000000000000000'),
          false,
          true,
          new Date(0),
          new Date(1000),
          new Timestamp({ t: 1, i: 1 }),
          /abc/,
          new MaxKey(),
        ];
        const plain = fresh('mixed');
        const indexed = fresh('mixedIndexed');
        await indexed.createIndex({ v: 1 });
        const docs = values.map((v, i) => (v === undefined ? { _id: i } : { _id: i, v }));
        await plain.insertMany(docs);
        await indexed.insertMany(docs);
        const ascending = values.map((_v, i) => i);
        // Descending, null (_id 1) and missing (_id 2) still tie, so _id orders them.
        const descending = [...ascending].reverse();
        descending.splice(descending.indexOf(2), 2, 1, 2);
        for (const collection of [plain, indexed]) {
          const up = await collection.find({}).sort({ v: 1, _id: 1 }).toArray();
          const down = await collection.find({}).sort({ v: -1, _id: 1 }).toArray();
          expect(up.map((d) => d._id)).toEqual(ascending);
          expect(down.map((d) => d._id)).toEqual(descending);
        }
      });

      it('refuses to index two different arrays of one document (parallel arrays)', async () => {
        const pairs = fresh('pairs');
        await pairs.createIndex({ a: 1, b: 1 });
        await pairs.insertOne({ _id: 1, a: [1, 2], b: 3 });
        await expect(pairs.insertOne({ _id: 2, a: [1, 2], b: [3, 4] })).rejects.toMatchObject({
          code: 171,
        });
        expect(await pairs.countDocuments({})).toBe(1);
      });
    });

    describe('TTL indexes', () => {
      it('expire documents whose date is past, and leave the others', async () => {
        const sessions = fresh('sessions');
        await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
        await sessions.insertMany([
          { _id: 'past', expiresAt: new Date(Date.now() - 60_000) },
          { _id: 'future', expiresAt: new Date(Date.now() + 3_600_000) },
          { _id: 'not-a-date', expiresAt: 'tomorrow' },
          { _id: 'no-field' },
        ]);
        const deadline = Date.now() + harness.ttlWaitMs;
        while ((await sessions.findOne({ _id: 'past' })) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect((await sessions.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([
          'future',
          'no-field',
          'not-a-date',
        ]);
      }, 180_000);
    });

    describe('two connections', () => {
      it('lose no update when both write the same documents conditionally at once', async () => {
        const name = `counters_${++counter}`;
        const other = await harness.openAnother();
        try {
          const here = sut.collection<{ _id: string; version: number; value: number }>(name);
          const there = other.collection<{ _id: string; version: number; value: number }>(name);
          await here.insertMany([
            { _id: 'versioned', version: 0, value: 0 },
            { _id: 'incremented', version: 0, value: 0 },
          ]);
          const writer = async (counters: typeof here) => {
            for (let i = 0; i < 30; i++) {
              await retryOnConflict(
                async () => {
                  const current = (await counters.findOne({ _id: 'versioned' }))!;
                  return updateWithVersion(counters, { _id: 'versioned' }, current.version, {
                    $set: { value: current.value + 1 },
                  });
                },
                { attempts: 100 },
              );
              await counters.findOneAndUpdate({ _id: 'incremented' }, { $inc: { value: 1 } });
            }
          };
          await Promise.all([writer(here), writer(there)]);
          expect(await there.findOne({ _id: 'versioned' })).toEqual({
            _id: 'versioned',
            version: 60,
            value: 60,
          });
          expect(await here.findOne({ _id: 'incremented' })).toMatchObject({ value: 60 });
        } finally {
          await other.close();
        }
      });
    });

    describe('insertMany and bulkWrite', () => {
      it('stops an ordered insertMany at the first duplicate: earlier documents stay, later ones are not written', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 2 });
        const error = await docs
          .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BulkWriteError);
        expect(isDuplicateKeyError(error)).toBe(true);
        const bulk = error as BulkWriteError;
        expect(bulk.writeErrors.map((w) => [w.index, w.code])).toEqual([[1, 11000]]);
        expect(bulk.result.insertedCount).toBe(1);
        expect((await docs.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([1, 2]);
      });

      it('writes every non-colliding document of an unordered insertMany and reports each failure', async () => {
        const docs = fresh('docs');
        await docs.insertOne({ _id: 2 });
        const error = await docs
          .insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }, { _id: 3 }, { _id: 4 }], {
            ordered: false,
          })
          .catch((e: unknown) => e);
        const bulk = error as BulkWriteError;
        expect(bulk).toBeInstanceOf(BulkWriteError);
        expect(bulk.writeErrors.map((w) => [w.index, w.code])).toEqual([
          [1, 11000],
          [3, 11000],
        ]);
        expect(bulk.result.insertedCount).toBe(3);
        expect((await docs.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([
          1, 2, 3, 4,
        ]);
      });

      it('applies mixed bulk operations in order and counts each kind', async () => {
        const docs = fresh('docs');
        await docs.insertMany([
          { _id: 1, n: 1 },
          { _id: 2, n: 2 },
          { _id: 3, n: 3 },
        ]);
        const result = await docs.bulkWrite([
          { insertOne: { document: { _id: 4, n: 4 } } },
          { updateOne: { filter: { _id: 1 }, update: { $inc: { n: 10 } } } },
          { updateMany: { filter: { n: { $gte: 3 } }, update: { $set: { big: true } } } },
          { replaceOne: { filter: { _id: 2 }, replacement: { n: 20 } } },
          { updateOne: { filter: { _id: 5 }, update: { $set: { n: 5 } }, upsert: true } },
          { deleteOne: { filter: { _id: 3 } } },
          { deleteMany: { filter: { n: { $gt: 100 } } } },
        ]);
        expect(result).toMatchObject({
          insertedCount: 1,
          matchedCount: 5,
          modifiedCount: 5,
          deletedCount: 1,
          upsertedCount: 1,
        });
        expect(result.upsertedIds[4]).toBe(5);
        expect(await docs.find({}).sort({ _id: 1 }).toArray()).toEqual([
          { _id: 1, n: 11, big: true },
          { _id: 2, n: 20 },
          { _id: 4, n: 4, big: true },
          { _id: 5, n: 5 },
        ]);
      });

      it('stops an ordered bulkWrite at the failing operation and continues an unordered one', async () => {
        const ordered = fresh('ordered');
        await ordered.createIndex({ key: 1 }, { unique: true });
        const ops = [
          { insertOne: { document: { _id: 1, key: 'a' } } },
          { insertOne: { document: { _id: 2, key: 'a' } } },
          { updateOne: { filter: { _id: 1 }, update: { $set: { touched: true } } } },
        ];
        const first = (await ordered.bulkWrite(ops).catch((e: unknown) => e)) as BulkWriteError;
        expect(first).toBeInstanceOf(BulkWriteError);
        expect(first.writeErrors.map((w) => w.index)).toEqual([1]);
        expect(await ordered.findOne({ _id: 1 })).toEqual({ _id: 1, key: 'a' });

        const unordered = fresh('unordered');
        await unordered.createIndex({ key: 1 }, { unique: true });
        const second = (await unordered
          .bulkWrite(structuredClone(ops), { ordered: false })
          .catch((e: unknown) => e)) as BulkWriteError;
        expect(second.writeErrors.map((w) => w.index)).toEqual([1]);
        expect(second.result).toMatchObject({ insertedCount: 1, modifiedCount: 1 });
        expect(await unordered.findOne({ _id: 1 })).toEqual({ _id: 1, key: 'a', touched: true });
      });
    });

    describe('concurrency', () => {
      it('lets concurrent upserts on a unique key create exactly one document', async () => {
        const members = fresh('members');
        await members.createIndex({ email: 1 }, { unique: true });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, () =>
            members.updateOne({ email: 'a@x.kr' }, { $inc: { logins: 1 } }, { upsert: true }),
          ),
        );
        for (const o of outcomes)
          if (o.status === 'rejected') expect(isDuplicateKeyError(o.reason)).toBe(true);
        const succeeded = outcomes.filter((o) => o.status === 'fulfilled').length;
        expect(await members.find({ email: 'a@x.kr' }).toArray()).toEqual([
          { _id: expect.anything(), email: 'a@x.kr', logins: succeeded },
        ]);
      });

      it('applies a versioned update and increments the version', async () => {
        const shifts = fresh<{ _id: string; version: number; seats: number }>('shifts');
        await shifts.insertOne({ _id: 's1', version: 1, seats: 3 });
        const updated = await updateWithVersion(shifts, { _id: 's1' }, 1, { $inc: { seats: -1 } });
        expect(updated).toEqual({ _id: 's1', version: 2, seats: 2 });
      });

      it('throws ConcurrentModificationError when the version moved, and returns null when the document is gone', async () => {
        const shifts = fresh<{ _id: string; version: number; seats: number }>('shifts');
        await shifts.insertOne({ _id: 's1', version: 3, seats: 3 });
        const error = await updateWithVersion(shifts, { _id: 's1' }, 2, {
          $set: { seats: 0 },
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrentModificationError);
        expect(error).toMatchObject({ expectedVersion: 2, actualVersion: 3 });
        expect(await shifts.findOne({ _id: 's1' })).toEqual({ _id: 's1', version: 3, seats: 3 });
        expect(
          await updateWithVersion(shifts, { _id: 'gone' }, 1, { $set: { seats: 0 } }),
        ).toBeNull();
      });

      it('lets exactly one of two writers holding the same version win', async () => {
        const shifts = fresh<{ _id: string; version: number; holder?: string }>('shifts');
        await shifts.insertOne({ _id: 's1', version: 1 });
        const results = await Promise.allSettled([
          updateWithVersion(shifts, { _id: 's1' }, 1, { $set: { holder: 'a' } }),
          updateWithVersion(shifts, { _id: 's1' }, 1, { $set: { holder: 'b' } }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(loser.reason).toBeInstanceOf(ConcurrentModificationError);
        expect(await shifts.findOne({ _id: 's1' })).toMatchObject({ version: 2 });
      });

      it('loses no increment when read-modify-write loops retry on conflict', async () => {
        const counters = fresh<{ _id: string; version: number; value: number }>('counters');
        await counters.insertOne({ _id: 'c', version: 0, value: 0 });
        const writers = 8;
        await Promise.all(
          Array.from({ length: writers }, () =>
            retryOnConflict(
              async () => {
                const current = (await counters.findOne({ _id: 'c' }))!;
                return updateWithVersion(counters, { _id: 'c' }, current.version, {
                  $set: { value: current.value + 1 },
                });
              },
              { attempts: writers + 1 },
            ),
          ),
        );
        expect(await counters.findOne({ _id: 'c' })).toEqual({
          _id: 'c',
          version: writers,
          value: writers,
        });
      });
    });

    describe('aggregation', () => {
      let shifts: Collection<Doc>;
      let workers: Collection<Doc>;
      beforeAll(async () => {
        shifts = fresh('shifts');
        workers = fresh('workers');
        await workers.insertMany([
          { _id: 'w1', name: 'Ann' },
          { _id: 'w2', name: 'Bo' },
        ]);
        await shifts.insertMany([
          { _id: 1, city: 'Seoul', pay: 10, workerIds: ['w1', 'w2'], ownerId: 'w1' },
          { _id: 2, city: 'Seoul', pay: 20, workerIds: ['w1'], ownerId: 'w2' },
          { _id: 3, city: 'Busan', pay: 25, workerIds: [], ownerId: 'w1' },
          { _id: 4, city: 'Daegu', pay: 40, workerIds: ['w2'], ownerId: 'nobody' },
        ]);
      });

      it('groups with $match, $group, $sort and $limit', async () => {
        const result = await shifts
          .aggregate([
            { $match: { pay: { $gte: 10 } } },
            {
              $group: {
                _id: '$city',
                total: { $sum: '$pay' },
                avg: { $avg: '$pay' },
                n: { $sum: 1 },
              },
            },
            { $sort: { total: -1 } },
            { $limit: 2 },
          ])
          .toArray();
        expect(result).toEqual([
          { _id: 'Daegu', total: 40, avg: 40, n: 1 },
          { _id: 'Seoul', total: 30, avg: 15, n: 2 },
        ]);
      });

      it('reshapes with $project and $addFields', async () => {
        const result = await shifts
          .aggregate([
            { $match: { _id: 2 } },
            { $addFields: { doubled: { $multiply: ['$pay', 2] } } },
            { $project: { _id: 0, city: 1, doubled: 1 } },
          ])
          .toArray();
        expect(result).toEqual([{ city: 'Seoul', doubled: 40 }]);
      });

      it('unwinds arrays and counts with $unwind and $count', async () => {
        const perWorker = await shifts
          .aggregate([
            { $unwind: '$workerIds' },
            { $group: { _id: '$workerIds', n: { $sum: 1 } } },
            { $sort: { _id: 1 } },
          ])
          .toArray();
        expect(perWorker).toEqual([
          { _id: 'w1', n: 2 },
          { _id: 'w2', n: 2 },
        ]);
        expect(
          await shifts.aggregate([{ $match: { city: 'Seoul' } }, { $count: 'n' }]).toArray(),
        ).toEqual([{ n: 2 }]);
      });

      it('joins another collection with the simple $lookup form', async () => {
        const result = await shifts
          .aggregate([
            {
              $lookup: {
                from: workers.collectionName,
                localField: 'ownerId',
                foreignField: '_id',
                as: 'owner',
              },
            },
            { $unwind: { path: '$owner', preserveNullAndEmptyArrays: true } },
            { $project: { _id: 1, ownerName: '$owner.name' } },
            { $sort: { _id: 1 } },
          ])
          .toArray();
        expect(result).toEqual([
          { _id: 1, ownerName: 'Ann' },
          { _id: 2, ownerName: 'Bo' },
          { _id: 3, ownerName: 'Ann' },
          { _id: 4 },
        ]);
      });

      it('streams results through async iteration and leaves stored documents untouched', async () => {
        const seen: unknown[] = [];
        for await (const doc of shifts.aggregate([
          { $sort: { _id: -1 } },
          { $addFields: { 'meta.flag': true } },
        ])) {
          seen.push(doc._id);
        }
        expect(seen).toEqual([4, 3, 2, 1]);
        expect(await shifts.findOne({ _id: 1 })).not.toHaveProperty('meta');
      });
    });

    describe('types and durability', () => {
      it('round-trips Date, ObjectId, Long, Decimal128, Binary, UUID and numbers exactly through a reopen', async () => {
        const name = `types_${++counter}`;
        const original = {
          _id: new ObjectId(),
          at: new Date('2026-03-01T12:34:56.789Z'),
          ref: new ObjectId(),
          bigLong: Long.fromString('9007199254740993'),
          smallLong: Long.fromNumber(42),
          int: new Int32(7),
          double: new Double(2),
          hugeDouble: 2 ** 60,
          fraction: 0.1,
          negativeZero: -0,
          money: Decimal128.fromString('1234.5600'),
          bytes: new Binary(Buffer.from([0, 1, 2, 250, 255])),
          uuid: new UUID('0f5d3c1e-8a2b-4c3d-9e8f-123456789abc'),
          nested: { list: [1, 'two', { three: new Date(3) }], empty: {} },
          nothing: null,
          text: '한국어 ✓',
        };
        // What the driver itself returns for these values: small Longs and Int32/Double promoted.
        const expected = BSON.deserialize(BSON.serialize(original));
        await sut.collection<Doc>(name).insertOne(original);
        sut = await harness.reopen(sut);
        const found = (await sut.collection<Doc>(name).findOne({ _id: original._id }))!;
        expect(found).toEqual(expected);
        expect(Buffer.from(BSON.serialize(found))).toEqual(Buffer.from(BSON.serialize(expected)));
        expect(found.bigLong).toBeInstanceOf(Long);
        expect((found.bigLong as Long).toString()).toBe('9007199254740993');
        expect(found.smallLong).toBe(42);
        expect(found.hugeDouble).toBe(2 ** 60);
        expect(Object.is(found.negativeZero, -0)).toBe(true);
        expect((found.money as Decimal128).toString()).toBe('1234.5600');
        expect(found.uuid).toBeInstanceOf(UUID);
        expect(
          await sut.collection<Doc>(name).findOne({ ref: original.ref, at: original.at }),
        ).not.toBeNull();
      });

      it('keeps documents, updates, deletions and unique indexes across a reopen', async () => {
        const name = `durable_${++counter}`;
        const before = sut.collection<Doc>(name);
        await before.createIndex({ email: 1 }, { unique: true });
        await before.insertMany([
          { _id: 1, email: 'a@x.kr' },
          { _id: 2, email: 'b@x.kr' },
          { _id: 3, email: 'c@x.kr' },
        ]);
        await before.updateOne({ _id: 1 }, { $set: { name: 'Ann' } });
        await before.deleteOne({ _id: 2 });
        sut = await harness.reopen(sut);
        const after = sut.collection<Doc>(name);
        expect(await after.find({}).sort({ _id: 1 }).toArray()).toEqual([
          { _id: 1, email: 'a@x.kr', name: 'Ann' },
          { _id: 3, email: 'c@x.kr' },
        ]);
        await expect(after.insertOne({ _id: 4, email: 'c@x.kr' })).rejects.toMatchObject({
          code: 11000,
        });
      });

      it('answers ping while open', async () => {
        await expect(sut.ping()).resolves.toBeUndefined();
      });
    });
  });
}
