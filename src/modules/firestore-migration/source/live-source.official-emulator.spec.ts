import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalText, fs } from '../firestore/value.js';
import { describeSourceContract, firestoreCanHold } from './firestore-source.contract.js';
import { createLiveFirestore } from './source-from-config.js';
import { LiveFirestoreSource } from './live-source.js';
import {
  officialEmulatorInstalled,
  type OfficialEmulator,
  startOfficialEmulator,
} from './official-emulator.fixture.js';

/**
 * The live source against Google's own Firestore emulator, when the machine has it: the shared
 * contract suite (documents written over REST with exact values, so 5.0 stays a double and an
 * int64 above 2^53 stays exact; it answers -0 as 0, so no -0 is seeded here), keyset paging with real cursors, and reads at a pinned read time
 * while later writes land. It has no PartitionQuery, so each group is read as one partition here;
 * split points are tested against the SDK fake (live-source.spec.ts).
 */
const installed = officialEmulatorInstalled();
let emulator: OfficialEmulator;
let projects = 0;
const sources: LiveFirestoreSource[] = [];

/** A fresh project per source: the emulator keeps each project's data apart. */
function newProject(): string {
  projects += 1;
  return `workmatch-legacy-${process.pid}-${projects}`;
}

beforeAll(async () => {
  if (!installed) return;
  vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
  emulator = await startOfficialEmulator();
  vi.stubEnv('FIRESTORE_EMULATOR_HOST', emulator.host);
}, 90_000);

afterAll(async () => {
  await Promise.all(sources.map((s) => s.close().catch(() => undefined)));
  emulator?.stop();
  vi.unstubAllEnvs();
});

function open(
  projectId: string,
  options: ConstructorParameters<typeof LiveFirestoreSource>[1] = {},
) {
  const source = new LiveFirestoreSource(createLiveFirestore({ projectId }), options);
  sources.push(source);
  return source;
}

describe.skipIf(!installed)('against the official Firestore emulator', () => {
  describeSourceContract(
    'LiveFirestoreSource on the official emulator',
    async (docs) => {
      const projectId = newProject();
      await emulator.write(projectId, docs);
      // The contract reads what was just written: a snapshot at now, a moment after the writes.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return open(projectId, { pageSize: 4, snapshotLagMs: 0 });
    },
    {
      // The emulator also answers every -0 as 0 (a double, an array item, a vector item).
      seedable: (fields) =>
        firestoreCanHold({ map: fields }) && !canonicalText({ map: fields }).includes('-0'),
    },
  );

  it('pages with real cursors at the pinned read time while the old app keeps writing', async () => {
    const projectId = newProject();
    const path = (i: number) => `users/u${String(i).padStart(3, '0')}`;
    await emulator.write(
      projectId,
      Array.from({ length: 23 }, (_, i) => ({ path: path(i), fields: { n: fs.int(i) } })),
    );
    const sut = open(projectId, { pageSize: 5, collectionGroups: ['users'] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const snapshot = await sut.openSnapshot(new Date());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await emulator.write(projectId, [
      { path: path(0), fields: { n: fs.int(1000) } },
      { path: path(99), fields: { n: fs.int(99) } },
    ]);

    const [partition] = await sut.partition(snapshot, 'users', 3);
    const all = [];
    for await (const item of sut.scan(snapshot, partition!)) all.push(item);
    expect(all.map((d) => d.doc.path)).toEqual(Array.from({ length: 23 }, (_, i) => path(i)));
    expect(all[0]!.doc.fields).toEqual({ n: fs.int(0) });
    expect(await sut.count(snapshot, partition!)).toBe(23);

    const rest = [];
    for await (const item of sut.scan(snapshot, partition!, { resumeAfter: path(16) })) {
      rest.push(item.doc.path);
    }
    expect(rest).toEqual([17, 18, 19, 20, 21, 22].map(path));
  });

  it('finds documents changed since a watermark at the pinned read time', async () => {
    const projectId = newProject();
    await emulator.write(projectId, [
      { path: 'users/a', fields: { updatedAt: fs.ts(100) } },
      { path: 'users/b', fields: { updatedAt: fs.ts(300) } },
      { path: 'users/c', fields: { updatedAt: fs.ts(300) } },
      { path: 'users/d', fields: { updatedAt: '300' } },
      { path: 'orgs/o/users/e', fields: { updatedAt: fs.ts(250) } },
    ]);
    const sut = open(projectId, { pageSize: 1 });
    const found: string[] = [];
    for await (const doc of sut.changedSince(
      await sut.openSnapshot(new Date()),
      'users',
      'updatedAt',
      { seconds: 200n, nanos: 0 },
    )) {
      found.push(doc.path);
    }
    expect(found).toEqual(['orgs/o/users/e', 'users/b', 'users/c']);
  });
});

if (!installed) {
  // Said once in the run's output: this machine cannot run these specs.
  describe.skip('against the official Firestore emulator: needs google-cloud-cli-firestore-emulator and Java', () => {
    it('runs the live source against it', () => undefined);
  });
}
