import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fs } from '../firestore/value.js';
import { ExportWriter } from '../export/export-directory.js';
import { ExportSource } from './export-source.js';
import { describeSourceContract } from './firestore-source.contract.js';
import {
  collectionGroupOf,
  comparePaths,
  parentOf,
  SnapshotExpiredError,
} from './firestore-source.js';
import { InMemorySource } from './in-memory-source.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describeSourceContract('InMemorySource', (docs) => {
  const source = new InMemorySource();
  for (const doc of docs) source.set(doc.path, doc.fields);
  return Promise.resolve(source);
});

describeSourceContract('ExportSource (several output files)', async (docs) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-export-source-'));
  dirs.push(dir);
  // Small files, so a group spans several partitions.
  const writer = new ExportWriter(dir, { bytesPerFile: 600 });
  for (const doc of docs) await writer.add(doc.path, doc.fields);
  await writer.finish();
  return new ExportSource(dir);
});

describe('InMemorySource keeps history, as a pinned read time sees it', () => {
  const T1 = new Date('2026-12-01T00:00:00Z');
  const T2 = new Date('2026-12-02T00:00:00Z');
  const T3 = new Date('2026-12-03T00:00:00Z');

  it('reads the database as it was at the snapshot while later writes land', async () => {
    const source = new InMemorySource();
    source.set('users/a', { v: fs.int(1) }, T1);
    source.set('users/b', { v: fs.int(1) }, T1);
    const snapshot = await source.openSnapshot(T1);
    source.set('users/a', { v: fs.int(2) }, T2);
    source.delete('users/b', T2);
    source.set('users/c', { v: fs.int(1) }, T3);

    expect((await source.get(snapshot, 'users/a'))?.fields).toEqual({ v: fs.int(1) });
    expect(await source.get(snapshot, 'users/b')).toBeDefined();
    expect(await source.get(snapshot, 'users/c')).toBeUndefined();
    const later = await source.openSnapshot(T3);
    expect((await source.get(later, 'users/a'))?.updateTime).toEqual({
      seconds: BigInt(T2.getTime() / 1000),
      nanos: 0,
    });
    expect(await source.get(later, 'users/b')).toBeUndefined();
  });

  it('finds documents changed since a watermark by the field the old app sets', async () => {
    const source = new InMemorySource();
    source.set('users/a', { updatedAt: fs.ts(100) }, T1);
    source.set('users/b', { updatedAt: fs.ts(300) }, T2);
    source.set('users/c', { name: 'no updatedAt' }, T3);
    const found: string[] = [];
    for await (const doc of source.changedSince!(
      await source.openSnapshot(),
      'users',
      'updatedAt',
      {
        seconds: 200n,
        nanos: 0,
      },
    )) {
      found.push(doc.path);
    }
    expect(found).toEqual(['users/b']);
  });

  it('refuses a snapshot older than its retention with SnapshotExpiredError', async () => {
    let now = T1;
    const source = new InMemorySource({ retentionMs: 3_600_000, now: () => now });
    source.set('users/a', {}, T1);
    const snapshot = await source.openSnapshot(T1);
    now = new Date(T1.getTime() + 2 * 3_600_000);
    await expect(source.get(snapshot, 'users/a')).rejects.toThrow(SnapshotExpiredError);
  });
});

describe('document order', () => {
  it('orders by segment, numeric ids first and by value, strings by UTF-8 bytes', () => {
    const paths = [
      'users/b',
      'users/__id10__',
      'users/a/x/1',
      'users/a',
      'users/__id9__',
      'users/가',
    ];
    expect([...paths].sort(comparePaths)).toEqual([
      'users/__id9__',
      'users/__id10__',
      'users/a',
      'users/a/x/1',
      'users/b',
      'users/가',
    ]);
  });

  it('names a document’s collection group and parent document', () => {
    expect(collectionGroupOf('users/u1/bankAccounts/b1')).toBe('bankAccounts');
    expect(parentOf('users/u1/bankAccounts/b1')).toBe('users/u1');
    expect(parentOf('users/u1')).toBeNull();
  });
});
