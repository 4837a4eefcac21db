import { Firestore, Timestamp } from '@google-cloud/firestore';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fs } from '../firestore/value.js';
import { describeSourceContract, firestoreCanHold } from './firestore-source.contract.js';
import {
  comparePaths,
  type Partition,
  type ScannedDoc,
  SnapshotExpiredError,
  SourceUnavailableError,
} from './firestore-source.js';
import { FakeFirestoreSdk } from './live-source.fake-sdk.js';
import { LiveFirestoreSource, type LiveSourceOptions, SourceReadError } from './live-source.js';
import { toSdkFields } from './live-values.js';
import type { SourceClock } from './read-throttle.js';

const T0 = Date.parse('2026-12-05T03:00:00Z');

/** Virtual time: sleeping moves the clock, so backoff and throttling cost no real time. */
function virtualClock(start = T0): SourceClock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

function setup(options: Omit<LiveSourceOptions, 'clock'> = {}, retentionMs?: number) {
  const clock = virtualClock();
  const fake = new FakeFirestoreSdk({
    now: clock.now,
    ...(retentionMs !== undefined ? { retentionMs } : {}),
  });
  const sut = new LiveFirestoreSource(fake.client(), {
    readsPerSecond: 1_000_000,
    backoff: { initialMs: 100, maxMs: 2_000 },
    ...options,
    clock,
  });
  const seed = (path: string, fields: Parameters<typeof toSdkFields>[0], at = T0 - 60_000) =>
    fake.set(
      path,
      toSdkFields(fields, (p) => fake.refs.doc(p)),
      at,
    );
  return { clock, fake, sut, seed };
}

const userPath = (i: number) => `users/u${String(i).padStart(3, '0')}`;

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describeSourceContract(
  'LiveFirestoreSource over a fake of the SDK (discovery)',
  (docs) => {
    const { sut, seed } = setup({ pageSize: 3 });
    for (const doc of docs) seed(doc.path, doc.fields);
    return Promise.resolve(sut);
  },
  { seedable: (fields) => firestoreCanHold({ map: fields }) },
);

describe('LiveFirestoreSource: keyset paging at the pinned read time', () => {
  it('reads a group in pages by __name__, each page after the last path, never the whole group', async () => {
    const { fake, sut, seed } = setup({ pageSize: 4, collectionGroups: ['users'] });
    for (let i = 0; i < 10; i += 1) seed(userPath(i), { n: fs.int(i) });
    const snapshot = await sut.openSnapshot();
    const [partition] = await sut.partition(snapshot, 'users', 1);
    const docs = await drain(sut.scan(snapshot, partition!));

    expect(docs.map((d) => d.doc.path)).toEqual(Array.from({ length: 10 }, (_, i) => userPath(i)));
    const queries = fake.reads.filter((r) => r.op === 'query');
    expect(queries.map((q) => [q.startAfter, q.limit, q.returned])).toEqual([
      [undefined, 4, 4],
      [userPath(3), 4, 4],
      [userPath(7), 4, 2],
    ]);
    const pinned =
      BigInt(snapshot.readTime!.seconds) * 1_000_000n + BigInt(snapshot.readTime!.nanos / 1000);
    expect(queries.every((q) => q.readTimeMicros === pinned)).toBe(true);
  });

  it('sees the database as it was at the read time while the old app keeps writing', async () => {
    const { clock, sut, seed, fake } = setup({ collectionGroups: ['users'] });
    seed('users/a', { v: fs.int(1) }, T0 - 120_000);
    seed('users/b', { v: fs.int(1) }, T0 - 60_000);
    const snapshot = await sut.openSnapshot();
    clock.advance(1_000);
    seed('users/a', { v: fs.int(2) }, clock.now());
    fake.delete('users/b', clock.now());
    seed('users/c', { v: fs.int(1) }, clock.now());

    const [partition] = await sut.partition(snapshot, 'users', 1);
    const docs = (await drain(sut.scan(snapshot, partition!))).map((d) => d.doc);
    expect(docs.map((d) => [d.path, d.fields])).toEqual([
      ['users/a', { v: fs.int(1) }],
      ['users/b', { v: fs.int(1) }],
    ]);
    expect(docs[0]!.createTime).toEqual({ seconds: BigInt((T0 - 120_000) / 1000), nanos: 0 });
    expect(docs[1]!.updateTime).toEqual({ seconds: BigInt((T0 - 60_000) / 1000), nanos: 0 });
    expect((await sut.get(snapshot, 'users/a'))?.fields).toEqual({ v: fs.int(1) });
    expect(await sut.get(snapshot, 'users/c')).toBeUndefined();
  });

  it('emits only the group, across parents, as a collection group query does', async () => {
    const { sut, seed } = setup({ pageSize: 2 });
    seed('users/u1', {});
    seed('users/u1/bankAccounts/b1', {});
    seed('businesses/x/bankAccounts/b9', {});
    seed('bankAccounts/root', {});
    const snapshot = await sut.openSnapshot();
    const paths: string[] = [];
    for (const p of await sut.partition(snapshot, 'bankAccounts', 2)) {
      for (const { doc } of await drain(sut.scan(snapshot, p))) paths.push(doc.path);
    }
    expect(paths).toEqual([
      'bankAccounts/root',
      'businesses/x/bankAccounts/b9',
      'users/u1/bankAccounts/b1',
    ]);
  });
});

describe('LiveFirestoreSource: one user’s documents (select)', () => {
  it('selects the documents directly under a parent, page by page by document id, at the snapshot', async () => {
    const { fake, sut, seed, clock } = setup({ pageSize: 2 });
    for (const id of ['b1', 'b2', 'b3']) seed(`users/u1/bankAccounts/${id}`, { n: fs.int(1) });
    seed('users/u2/bankAccounts/b1', {});
    seed('users/u1/identity/i1', {});
    const snapshot = await sut.openSnapshot();
    clock.advance(1_000);
    seed('users/u1/bankAccounts/b4', {}, clock.now());

    const docs = await drain(
      sut.select(snapshot, { collectionGroup: 'bankAccounts', parent: 'users/u1' }),
    );

    expect(docs.map((d) => d.path)).toEqual([
      'users/u1/bankAccounts/b1',
      'users/u1/bankAccounts/b2',
      'users/u1/bankAccounts/b3',
    ]);
    const queries = fake.reads.filter((r) => r.op === 'query');
    expect(queries.map((q) => [q.startAfter, q.returned])).toEqual([
      [undefined, 2],
      ['users/u1/bankAccounts/b2', 1],
    ]);
  });

  it('selects the documents whose field holds one of the values, a reference or an id, across parents', async () => {
    const { sut, seed } = setup({ pageSize: 10 });
    seed('matches/m1', { worker: fs.ref('users/u1') });
    seed('matches/m2', { worker: 'u1' });
    seed('matches/m3', { worker: fs.ref('users/u2') });
    seed('archive/2024/matches/m4', { worker: 'u1' });
    const snapshot = await sut.openSnapshot();

    const docs = await drain(
      sut.select(snapshot, {
        collectionGroup: 'matches',
        where: { field: 'worker', values: ['u1', 'users/u1', fs.ref('users/u1')] },
      }),
    );

    expect(docs.map((d) => d.path)).toEqual([
      'archive/2024/matches/m4',
      'matches/m1',
      'matches/m2',
    ]);
  });
});

describe('LiveFirestoreSource: partitions', () => {
  it('persists partition bounds as document paths, so a restarted run rebuilds the same pieces', async () => {
    const first = setup({ pageSize: 5 });
    for (let i = 0; i < 40; i += 1) first.seed(userPath(i), { n: fs.int(i) });
    const snapshot = await first.sut.openSnapshot();
    const partitions = await first.sut.partition(snapshot, 'users', 4);
    expect(partitions).toHaveLength(4);
    expect(partitions[0]!.bounds).toEqual({ endBefore: userPath(10) });
    expect(partitions[1]!.bounds).toEqual({ startAt: userPath(10), endBefore: userPath(20) });
    expect(partitions[3]!.bounds).toEqual({ startAt: userPath(30) });

    // A new process: the checkpoint held the snapshot and partitions as JSON.
    const saved = JSON.parse(
      JSON.stringify({ snapshot, partitions }, (_k, v: unknown) =>
        typeof v === 'bigint' ? `${v}n` : v,
      ),
      (_k, v: unknown) => (typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v),
    ) as { snapshot: typeof snapshot; partitions: Partition[] };
    const seen: string[] = [];
    for (const p of saved.partitions) {
      const docs = await drain(first.sut.scan(saved.snapshot, p));
      expect(await first.sut.count(saved.snapshot, p)).toBe(docs.length);
      seen.push(...docs.map((d) => d.doc.path));
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => userPath(i)));
  });

  it('keeps partitions of a snapshot exact when documents are added after it', async () => {
    const { clock, sut, seed } = setup();
    for (let i = 0; i < 12; i += 1) seed(userPath(i * 2), {});
    const snapshot = await sut.openSnapshot();
    clock.advance(1_000);
    for (let i = 0; i < 12; i += 1) seed(userPath(i * 2 + 1), {}, clock.now());
    // Split points come from the current state (no read time on PartitionQuery); reads are pinned.
    const seen: string[] = [];
    for (const p of await sut.partition(snapshot, 'users', 5)) {
      seen.push(...(await drain(sut.scan(snapshot, p))).map((d) => d.doc.path));
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => userPath(i * 2)));
  });

  it('reads the whole group as one partition from a server without PartitionQuery', async () => {
    const { fake, sut, seed } = setup();
    for (let i = 0; i < 5; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    fake.failNext(12, 1, 'partitions');
    const partitions = await sut.partition(snapshot, 'users', 4);
    expect(partitions).toEqual([{ collectionGroup: 'users', index: 0, bounds: {} }]);
    expect(await drain(sut.scan(snapshot, partitions[0]!))).toHaveLength(5);
  });

  it('never widens a partition for a cursor from before its start', async () => {
    const { sut, seed } = setup();
    for (let i = 0; i < 20; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    const [, second] = await sut.partition(snapshot, 'users', 2);
    const docs = await drain(sut.scan(snapshot, second!, { resumeAfter: userPath(2) }));
    expect(docs.map((d) => d.doc.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => userPath(i + 10)),
    );
  });
});

describe('LiveFirestoreSource: retries and backoff', () => {
  it('restarts a failed page from the last cursor on UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED', async () => {
    const { fake, sut, seed, clock } = setup({ pageSize: 3, collectionGroups: ['users'] });
    for (let i = 0; i < 9; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    const [partition] = await sut.partition(snapshot, 'users', 1);
    const out: ScannedDoc[] = [];
    for await (const item of sut.scan(snapshot, partition!)) {
      out.push(item);
      if (out.length === 3) {
        fake.failNext(14);
        fake.failNext(4);
        fake.failNext(8);
      }
    }
    expect(out.map((d) => d.doc.path)).toEqual(Array.from({ length: 9 }, (_, i) => userPath(i)));
    const queries = fake.reads.filter((r) => r.op === 'query');
    expect(queries.map((q) => [q.startAfter, q.failedWith])).toEqual([
      [undefined, undefined],
      [userPath(2), 14],
      [userPath(2), 4],
      [userPath(2), 8],
      [userPath(2), undefined],
      [userPath(5), undefined],
      [userPath(8), undefined],
    ]);
    // Three waits, with jitter, within the configured ceiling.
    expect(clock.sleeps).toHaveLength(3);
    expect(clock.sleeps.every((ms) => ms > 0 && ms <= 2_000)).toBe(true);
  });

  it('retries partitioning and counting as it retries pages', async () => {
    const { fake, sut, seed } = setup({ collectionGroups: ['users'] });
    for (let i = 0; i < 8; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    fake.failNext(14, 1, 'partitions');
    const partitions = await sut.partition(snapshot, 'users', 2);
    fake.failNext(4, 1, 'count');
    expect(await sut.count(snapshot, partitions[0]!)).toBe(4);
    fake.failNext(8, 1, 'doc');
    expect(await sut.get(snapshot, userPath(7))).toBeDefined();
    expect(fake.reads.map((r) => [r.op, r.failedWith])).toEqual([
      ['partitions', 14],
      ['partitions', undefined],
      ['count', 4],
      ['count', undefined],
      ['doc', 8],
      ['doc', undefined],
    ]);
  });

  it('answers SourceUnavailableError when the retries run out', async () => {
    const { fake, sut, seed } = setup({ maxAttempts: 4, collectionGroups: ['users'] });
    seed('users/a', {});
    const snapshot = await sut.openSnapshot();
    fake.failNext(14, 4);
    await expect(sut.get(snapshot, 'users/a')).rejects.toThrow(SourceUnavailableError);
    expect(fake.reads.filter((r) => r.failedWith === 14)).toHaveLength(4);
  });

  it('does not retry an error a retry cannot fix, and types it with its gRPC code', async () => {
    const { fake, sut, seed, clock } = setup({ collectionGroups: ['users'] });
    seed('users/a', {});
    const snapshot = await sut.openSnapshot();
    fake.failNext(7);
    const error = await sut.get(snapshot, 'users/a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceReadError);
    expect((error as SourceReadError).grpcCode).toBe(7);
    expect(clock.sleeps).toEqual([]);
  });

  it('halves the read rate on RESOURCE_EXHAUSTED and wins it back page by page', async () => {
    const { fake, sut, seed } = setup({
      readsPerSecond: 400,
      pageSize: 1,
      collectionGroups: ['users'],
    });
    for (let i = 0; i < 30; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    const [partition] = await sut.partition(snapshot, 'users', 1);
    fake.failNext(8, 2, 'query');
    const rates: number[] = [];
    for await (const _ of sut.scan(snapshot, partition!)) rates.push(sut.readsPerSecondNow);
    expect(rates[0]).toBe(400 / 4 + 20);
    expect(rates.at(-1)).toBe(400);
  });
});

describe('LiveFirestoreSource: the read-time retention window', () => {
  it('refuses a snapshot older than an hour without PITR', async () => {
    const { sut } = setup();
    await expect(sut.openSnapshot(new Date(T0 - 61 * 60_000))).rejects.toThrow(
      SnapshotExpiredError,
    );
    await expect(sut.openSnapshot(new Date(T0 - 59 * 60_000 + 123))).resolves.toMatchObject({
      readTime: { nanos: 123_000_000 },
    });
  });

  it('with PITR, takes whole minutes up to 7 days back and nothing else', async () => {
    const { sut } = setup({ pitr: true });
    const threeDays = T0 - 3 * 86_400_000;
    await expect(sut.openSnapshot(new Date(threeDays))).resolves.toBeDefined();
    await expect(sut.openSnapshot(new Date(threeDays + 1_500))).rejects.toThrow(/whole minute/);
    await expect(sut.openSnapshot(new Date(T0 - 8 * 86_400_000))).rejects.toThrow(
      SnapshotExpiredError,
    );
  });

  it('with PITR, pins the default snapshot to a whole minute, so it stays readable past the hour', async () => {
    const { clock, sut, seed } = setup({ pitr: true, collectionGroups: ['users'] });
    clock.advance(42_500);
    seed('users/a', {});
    const snapshot = await sut.openSnapshot();
    expect(snapshot.readTime).toEqual({ seconds: BigInt(T0 / 1000), nanos: 0 });
    clock.advance(2 * 86_400_000);
    expect(await sut.get(snapshot, 'users/a')).toBeDefined();
  });

  it('expires a run whose read time falls out of retention mid-scan', async () => {
    const { clock, sut, seed } = setup({ pageSize: 2, collectionGroups: ['users'] });
    for (let i = 0; i < 6; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    const [partition] = await sut.partition(snapshot, 'users', 1);
    const read: string[] = [];
    await expect(async () => {
      for await (const { doc } of sut.scan(snapshot, partition!)) {
        read.push(doc.path);
        clock.advance(31 * 60_000);
      }
    }).rejects.toThrow(SnapshotExpiredError);
    expect(read).toEqual([userPath(0), userPath(1)]);
  });

  it("takes the server's refusal of a too-old read time as SnapshotExpiredError", async () => {
    const { sut, seed } = setup({ collectionGroups: ['users'] }, 1_000);
    seed('users/a', {});
    const snapshot = await sut.openSnapshot();
    await expect(sut.get(snapshot, 'users/a')).rejects.toThrow(SnapshotExpiredError);
  });
});

describe('LiveFirestoreSource: the token bucket', () => {
  it('keeps reads within the configured rate, a page of N documents costing N', async () => {
    const { clock, sut, seed } = setup({
      readsPerSecond: 500,
      pageSize: 100,
      collectionGroups: ['users'],
    });
    for (let i = 0; i < 2_000; i += 1) seed(userPath(i), {});
    const snapshot = await sut.openSnapshot();
    const [partition] = await sut.partition(snapshot, 'users', 1);
    const start = clock.now();
    expect(await drain(sut.scan(snapshot, partition!))).toHaveLength(2_000);
    // A full bucket pays the first 500; the other 1,500 (+ the partition call) wait about 3 s.
    const seconds = (clock.now() - start) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(2.8);
    expect(seconds).toBeLessThan(3.6);
  });
});

describe('LiveFirestoreSource: discovery, counts, deltas', () => {
  it('answers the configured groups without asking Firestore', async () => {
    const { fake, sut } = setup({ collectionGroups: ['users', 'shifts', 'users'] });
    expect(await sut.listCollectionGroups(await sut.openSnapshot())).toEqual(['shifts', 'users']);
    expect(fake.reads).toEqual([]);
  });

  it('discovers groups to a limited depth, leaving out those with only missing documents', async () => {
    const { sut, seed } = setup({ discoveryDepth: 2 });
    seed('users/u1', {});
    seed('users/u1/bankAccounts/b1', {});
    seed('orgs/o1/members/m1', {});
    seed('users/u1/bankAccounts/b1/history/h1', {});
    expect(await sut.listCollectionGroups(await sut.openSnapshot())).toEqual([
      'bankAccounts',
      'members',
      'users',
    ]);
  });

  it('finds documents changed since a watermark, paging through equal timestamps by path', async () => {
    const { sut, seed } = setup({ pageSize: 2 });
    seed('users/a', { updatedAt: fs.ts(100) });
    seed('users/b', { updatedAt: fs.ts(300) });
    seed('users/c', { updatedAt: fs.ts(300) });
    seed('users/d', { updatedAt: fs.ts(300) });
    seed('users/e', { updatedAt: '2026-01-01' });
    seed('users/f', { updatedAt: fs.ts(250, 5_000) });
    const found = await drain(
      sut.changedSince(await sut.openSnapshot(), 'users', 'updatedAt', { seconds: 200n, nanos: 0 }),
    );
    expect(found.map((d) => d.path)).toEqual(['users/f', 'users/b', 'users/c', 'users/d']);
  });

  it('stops with SourceReadError when a server answers pages that do not move past the cursor', async () => {
    const clock = virtualClock();
    const fake = new FakeFirestoreSdk({ now: clock.now, ignoreStartCursors: true });
    for (const id of ['a', 'b', 'c'])
      fake.set(`users/${id}`, { updatedAt: new Timestamp(300, 0) }, T0 - 60_000);
    const sut = new LiveFirestoreSource(fake.client(), {
      pageSize: 2,
      clock,
      collectionGroups: ['users'],
    });
    const snapshot = await sut.openSnapshot();
    const [partition] = await sut.partition(snapshot, 'users', 1);
    await expect(drain(sut.scan(snapshot, partition!))).rejects.toThrow(/does not move past/);
    await expect(
      drain(sut.changedSince(snapshot, 'users', 'updatedAt', { seconds: 0n, nanos: 0 })),
    ).rejects.toThrow(SourceReadError);
  });

  it('refuses a path that names no document, and a page size below one', async () => {
    const { sut } = setup();
    const snapshot = await sut.openSnapshot();
    await expect(sut.get(snapshot, 'users')).rejects.toThrow(RangeError);
    await expect(sut.get(snapshot, 'users//x/y')).rejects.toThrow(RangeError);
    const [partition] = await sut.partition(snapshot, 'users', 1);
    await expect(drain(sut.scan(snapshot, partition!, { pageSize: 0 }))).rejects.toThrow(
      RangeError,
    );
  });

  it('terminates the client on close', async () => {
    const { fake, sut } = setup();
    await sut.close();
    expect(fake.isTerminated).toBe(true);
  });
});

describe('LiveFirestoreSource: the queries it builds are ones the real SDK accepts', () => {
  it('builds partition-bounded, resumed and watermark queries through a real client without error', async () => {
    // A real (never connected) client; only runTransaction is intercepted to answer pages.
    const real = new Firestore({ projectId: 'query-shapes', useBigInt: true });
    const doc = (path: string) => ({
      ref: real.doc(path),
      data: () => ({ updatedAt: new Timestamp(300, 0) }),
      get: () => new Timestamp(300, 0),
      createTime: new Timestamp(1, 0),
      updateTime: new Timestamp(2, 0),
    });
    let pages = 0;
    const built: unknown[] = [];
    const client = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'runTransaction')
          return Reflect.get(target, property, receiver) as unknown;
        return (fn: (tx: unknown) => Promise<unknown>, options: { readOnly: boolean }) => {
          expect(options.readOnly).toBe(true);
          return fn({
            get: (query: unknown) => {
              built.push(query);
              pages += 1;
              const docs = pages % 2 === 1 ? [doc(`users/u1/bankAccounts/b${pages}`)] : [];
              return Promise.resolve({ docs, size: docs.length });
            },
          });
        };
      },
    });
    const clock = virtualClock(Date.now());
    const sut = new LiveFirestoreSource(client, { pageSize: 1, clock });
    const snapshot = await sut.openSnapshot();
    const partition: Partition = {
      collectionGroup: 'bankAccounts',
      index: 1,
      bounds: { startAt: 'users/u0/bankAccounts/b0', endBefore: 'users/u9/bankAccounts/b9' },
    };
    await drain(sut.scan(snapshot, partition, { resumeAfter: 'users/u1/bankAccounts/b0' }));
    await drain(
      sut.changedSince(snapshot, 'bankAccounts', 'meta.updatedAt', { seconds: 1n, nanos: 0 }),
    );
    expect(built).toHaveLength(4);
    await real.terminate();
  });
});

describe('LiveFirestoreSource: exactly once, whatever the sizes and failures', () => {
  it('emits every document of the group once, in order, for any partition count, page size and injected retryable errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.constantFrom(4, 8, 14), { maxLength: 6 }),
        async (ids, desired, pageSize, faults) => {
          const { fake, sut, seed } = setup({
            pageSize,
            maxAttempts: 10,
            collectionGroups: ['users'],
          });
          for (const id of ids) seed(`users/${id}`, {});
          seed('users/x/users/nested', {});
          seed('shifts/s1', {});
          const snapshot = await sut.openSnapshot();
          const partitions = await sut.partition(snapshot, 'users', desired);
          for (const code of faults) fake.failNext(code, 1, 'query');
          const seen: string[] = [];
          for (const p of partitions) {
            for await (const { doc } of sut.scan(snapshot, p)) seen.push(doc.path);
          }
          const expected = [...ids.map((id) => `users/${id}`), 'users/x/users/nested'].sort(
            comparePaths,
          );
          expect(seen).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });
});
