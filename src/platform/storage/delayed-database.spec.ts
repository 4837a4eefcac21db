import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import type { Collection, Database, FindCursor } from './database.js';
import { DelayedDatabase } from './delayed-database.js';

const DELAY = 5;

/** Starts `call`, and shows that `inner` is reached only once the whole delay has passed. */
async function expectDelayed<R>(call: () => Promise<R>, inner: () => unknown): Promise<R> {
  const pending = call();
  await vi.advanceTimersByTimeAsync(DELAY - 1);
  expect(inner).not.toHaveBeenCalled();
  await vi.advanceTimersByTimeAsync(1);
  expect(inner).toHaveBeenCalledOnce();
  return pending;
}

describe('DelayedDatabase (bench-only BENCH_DB_DELAY_MS)', () => {
  let db: StrictFake<Database>;
  let collection: StrictFake<Collection>;
  let sut: DelayedDatabase;

  beforeEach(() => {
    vi.useFakeTimers();
    db = strictFake<Database>('db');
    collection = strictFake<Collection>('collection');
    db.collection.mockReturnValue(collection);
    sut = new DelayedDatabase(db, DELAY);
  });
  afterEach(() => vi.useRealTimers());

  const answering: Array<[keyof Collection, unknown[]]> = [
    ['insertOne', [{ _id: 'a' }]],
    ['insertMany', [[{ _id: 'a' }]]],
    ['findOne', [{ _id: 'a' }]],
    ['countDocuments', [{}]],
    ['distinct', ['status', {}]],
    ['updateOne', [{ _id: 'a' }, { $set: { n: 1 } }]],
    ['updateMany', [{}, { $set: { n: 1 } }]],
    ['replaceOne', [{ _id: 'a' }, { n: 1 }]],
    ['findOneAndUpdate', [{ _id: 'a' }, { $set: { n: 1 } }]],
    ['findOneAndDelete', [{ _id: 'a' }]],
    ['deleteOne', [{ _id: 'a' }]],
    ['deleteMany', [{}]],
    ['bulkWrite', [[]]],
    ['createIndex', [{ n: 1 }]],
    ['dropIndex', ['n_1']],
  ];

  it.each(answering)(
    'waits the delay before every %s, then answers what the database does',
    async (method, args) => {
      const inner = collection[method] as unknown as Mock<(...args: unknown[]) => Promise<unknown>>;
      inner.mockResolvedValue({ answer: method });
      const delayed = sut.collection('things');
      const result = await expectDelayed(
        () => (delayed[method] as (...a: unknown[]) => Promise<unknown>)(...args),
        inner,
      );
      expect(result).toEqual({ answer: method });
      expect(inner).toHaveBeenCalledWith(...args);
      expect(db.collection).toHaveBeenCalledWith('things');
    },
  );

  it('waits once per cursor read, after the builders, for find and aggregate', async () => {
    const cursor = strictFake<FindCursor<{ _id: string }>>('cursor');
    cursor.sort.mockReturnValue(cursor);
    cursor.limit.mockReturnValue(cursor);
    cursor.toArray.mockResolvedValue([{ _id: 'a' }]);
    collection.find.mockReturnValue(cursor);
    collection.aggregate.mockReturnValue(cursor);
    const delayed = sut.collection('things');

    const found = await expectDelayed(
      () => delayed.find({ n: 1 }).sort({ n: 1 }).limit(2).toArray(),
      cursor.toArray,
    );
    expect(found).toEqual([{ _id: 'a' }]);
    expect(cursor.sort).toHaveBeenCalledWith({ n: 1 });
    expect(cursor.limit).toHaveBeenCalledWith(2);

    cursor.toArray.mockClear();
    const aggregated = await expectDelayed(
      () => delayed.aggregate([{ $match: {} }]).toArray(),
      cursor.toArray,
    );
    expect(aggregated).toEqual([{ _id: 'a' }]);
  });

  it('waits before iterating a cursor', async () => {
    const iterate = vi.fn(async function* () {
      yield { _id: 'a' };
    });
    collection.find.mockReturnValue({
      [Symbol.asyncIterator]: iterate,
    } as unknown as FindCursor<never>);
    const read = async () => {
      const out: unknown[] = [];
      for await (const doc of sut.collection('things').find({})) out.push(doc);
      return out;
    };
    expect(await expectDelayed(read, iterate)).toEqual([{ _id: 'a' }]);
  });

  it('waits before a ping, and closes at once', async () => {
    db.ping.mockResolvedValue(undefined);
    db.close.mockResolvedValue(undefined);
    await expectDelayed(() => sut.ping(), db.ping);
    await sut.close();
    expect(db.close).toHaveBeenCalledOnce();
  });
});

describe('openDatabase', () => {
  it('wraps the database in the delay only when the config names one', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { openDatabase } = await import('./open-database.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'wm-delayed-'));
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const config = {
      kind: 'embedded' as const,
      dir,
      file: path.join(dir, 'test.sqlite'),
      dbName: 'test',
      synchronous: 'normal' as const,
      busyTimeoutMs: 1_000,
    };
    try {
      const plain = await openDatabase(config, logger);
      expect(plain).not.toBeInstanceOf(DelayedDatabase);
      await plain.close();
      const delayed = await openDatabase({ ...config, benchDelayMs: 2 }, logger);
      expect(delayed).toBeInstanceOf(DelayedDatabase);
      expect((delayed as DelayedDatabase).delayMs).toBe(2);
      await delayed.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
