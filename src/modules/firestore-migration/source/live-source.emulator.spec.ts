import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalText, fs, type FsFields } from '../firestore/value.js';
import { startFirestoreEmulator } from './firestore-emulator.fixture.js';
import { LiveFirestoreSource } from './live-source.js';
import { toSdkFields } from './live-values.js';

/**
 * Value round trips through a real Firestore server: documents with every type written by the
 * real SDK over gRPC to `@firestore-emulator/server`, read back through the live source (a pinned
 * read-only transaction and the converter). Only values: that emulator ignores cursors and has
 * no listCollections, so paging, partitions and discovery are tested against the SDK fake
 * (live-source.spec.ts) and Google's own emulator (live-source.official-emulator.spec.ts).
 *
 * What this emulator cannot hold, and so is covered by the SDK-object tests (live-values.spec.ts)
 * and the official emulator's contract run: an int64 beyond ±2^53 (it keeps integers as JS numbers and fails the commit). And what the Node
 * SDK cannot write: a double with an integral value (it sends 5.0 as the integer 5).
 */

let emulator: Awaited<ReturnType<typeof startFirestoreEmulator>>;
let client: Firestore;
let sut: LiveFirestoreSource;

beforeAll(async () => {
  // No probe of a cloud metadata server: the only traffic is to the emulator on 127.0.0.1.
  vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
  emulator = await startFirestoreEmulator();
  const [host, port] = emulator.host.split(':');
  client = new Firestore({
    projectId: 'workmatch-legacy',
    host: host!,
    port: Number(port),
    ssl: false,
    useBigInt: true,
    customHeaders: { Authorization: 'Bearer owner' },
  });
  sut = new LiveFirestoreSource(client, { collectionGroups: ['things'] });
});

afterAll(async () => {
  await sut?.close();
  emulator?.stop();
  vi.unstubAllEnvs();
});

const EVERY_TYPE: FsFields = {
  nothing: null,
  yes: true,
  no: false,
  text: '홍길동 10,320원 \u0000 🎉',
  empty: '',
  int: fs.int(42),
  negative: fs.int(-(2n ** 53n) + 1n),
  largestExact: fs.int(2n ** 53n - 1n),
  double: fs.double(3.25),
  tiny: fs.double(Number.MIN_VALUE),
  huge: fs.double(Number.MAX_VALUE),
  nan: fs.double(NaN),
  infinity: fs.double(Infinity),
  minusInfinity: fs.double(-Infinity),
  minusZero: fs.double(-0),
  when: fs.ts(1_733_367_600n, 123_456_000),
  before1970: fs.ts(-5n, 999_999_000),
  firstDay: fs.ts(-62_135_596_800n),
  place: fs.geo(37.5665, 126.978),
  owner: fs.ref('businesses/x'),
  nestedRef: fs.ref('users/u1/bankAccounts/b1'),
  bytes: fs.bytes(new Uint8Array([0, 1, 127, 128, 255])),
  noBytes: fs.bytes(new Uint8Array([])),
  embedding: fs.vector([0.5, -1.25, 3]),
  list: [fs.int(1), 'two', fs.double(3.5), null, fs.map({ inner: [] })],
  emptyList: [],
  emptyMap: fs.map({}),
  deep: fs.map({ a: fs.map({ b: [fs.map({ c: fs.map({ d: fs.ts(1n) }) })] }) }),
  'dotted.name': 'kept',
  $dollar: 'kept',
};

describe('LiveFirestoreSource against @firestore-emulator/server: value round trips', () => {
  it('reads back every value type written by the real SDK, exactly', async () => {
    await client.doc('things/every').set(toSdkFields(EVERY_TYPE, (p) => client.doc(p)));
    const doc = await sut.get(await sut.openSnapshot(new Date()), 'things/every');
    expect(doc?.path).toBe('things/every');
    for (const [name, value] of Object.entries(EVERY_TYPE)) {
      expect(canonicalText(doc!.fields[name]!), name).toBe(canonicalText(value));
    }
    expect(Object.keys(doc!.fields).sort()).toEqual(Object.keys(EVERY_TYPE).sort());
  });

  it('gives each document its create and update time', async () => {
    await client.doc('things/timed').set({ v: 1n });
    await client.doc('things/timed').set({ v: 2n });
    const doc = await sut.get(await sut.openSnapshot(new Date()), 'things/timed');
    expect(doc?.fields).toEqual({ v: fs.int(2) });
    expect(doc?.createTime).toBeDefined();
    expect(doc?.updateTime).toBeDefined();
    expect(doc!.updateTime!.seconds).toBeGreaterThan(0n);
  });

  it('reads a one-page group and counts it at the pinned read time (no cursor involved)', async () => {
    const snapshot = await sut.openSnapshot(new Date());
    const [partition] = await sut.partition(snapshot, 'things', 1);
    const paths: string[] = [];
    for await (const { doc } of sut.scan(snapshot, partition!, { pageSize: 100 })) {
      paths.push(doc.path);
    }
    expect(paths).toEqual(['things/every', 'things/timed']);
    expect(await sut.count(snapshot, partition!)).toBe(2);
  });

  it('answers nothing for a document that does not exist', async () => {
    expect(await sut.get(await sut.openSnapshot(new Date()), 'things/none')).toBeUndefined();
  });
});
