import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { LocalDataKeyProvider } from './data-key-provider.js';
import { DatabaseKeyRingStore, KEY_RING_COLLECTION } from './database-key-ring-store.js';
import { FieldCipher } from './field-cipher.js';
import { KeyRing, type KeyRingRecord } from './key-ring.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const where = { collection: 'members', field: 'phone', documentId: 'm_1' };

const record = (latest: number): KeyRingRecord => ({
  format: 1,
  provider: 'local',
  current: latest,
  dataKeys: Array.from({ length: latest }, (_, i) => ({
    version: i + 1,
    wrapped: `wrapped-${i + 1}`,
    createdAt: '2026-03-01T00:00:00.000Z',
  })),
  blindIndexKey: { wrapped: 'wrapped-index', createdAt: '2026-03-01T00:00:00.000Z' },
});

describe(DatabaseKeyRingStore.name, () => {
  let dir: string;
  let db: Database;
  let sut: DatabaseKeyRingStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-key-ring-db-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    sut = new DatabaseKeyRingStore(db);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads nothing before the first record and the record as stored after it', async () => {
    expect(await sut.load()).toBeUndefined();
    expect(await sut.create(record(1))).toBe(true);
    expect(await sut.load()).toEqual(record(1));
  });

  it('keeps one document, so the first of two creates wins and the second resolves false', async () => {
    const results = await Promise.all([sut.create(record(1)), sut.create(record(2))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await db.collection(KEY_RING_COLLECTION).countDocuments({})).toBe(1);
  });

  it('replaces only while the stored latest version is the expected one (compare-and-swap)', async () => {
    await sut.create(record(1));
    expect(await sut.replace(record(2), 1)).toBe(true);
    expect(await sut.replace(record(3), 1)).toBe(false);
    expect((await sut.load())?.current).toBe(2);
    expect(await sut.replace(record(3), 2)).toBe(true);
    expect(await db.collection(KEY_RING_COLLECTION).findOne({})).toMatchObject({
      _id: 'field-keys',
      latest: 3,
    });
  });

  it('shares one ring between instances: two rotations at once both land', async () => {
    const provider = new LocalDataKeyProvider(randomBytes(32));
    const [a, b] = await Promise.all([
      KeyRing.open(new DatabaseKeyRingStore(db), provider),
      KeyRing.open(new DatabaseKeyRingStore(db), provider),
    ]);
    expect(a.dataKey(1)?.equals(b.dataKey(1) ?? Buffer.alloc(0))).toBe(true);
    const versions = await Promise.all([a.rotate(), b.rotate()]);
    expect(versions.sort()).toEqual([2, 3]);
    const fromA = new FieldCipher(a).encrypt('01012345678', where);
    const fromB = new FieldCipher(b).encrypt('01087654321', where);
    const reopened = new FieldCipher(await KeyRing.open(new DatabaseKeyRingStore(db), provider));
    expect(reopened.decrypt(fromA, where)).toBe('01012345678');
    expect(reopened.decrypt(fromB, where)).toBe('01087654321');
    expect((await new DatabaseKeyRingStore(db).load())?.dataKeys.map((k) => k.version)).toEqual([
      1, 2, 3,
    ]);
  });
});
