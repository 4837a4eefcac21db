import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDataKeyProvider } from './data-key-provider.js';
import { FileKeyRingStore } from './file-key-ring-store.js';
import { KeyRing, type KeyRingRecord } from './key-ring.js';

describe('KeyRing (local)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), 'wm-keys-')), 'keys');
  });
  afterEach(async () => {
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it('creates the key files with mode 0600 on first start and reuses them', async () => {
    const sut = await KeyRing.openLocal(dir);
    for (const name of ['master.key', 'field-keys.json']) {
      expect((await stat(path.join(dir, name))).mode & 0o777).toBe(0o600);
    }
    const again = await KeyRing.openLocal(dir);
    expect(again.currentVersion).toBe(1);
    expect(again.dataKey(1)?.equals(sut.dataKey(1) ?? Buffer.alloc(0))).toBe(true);
    expect(again.blindIndexKey.equals(sut.blindIndexKey)).toBe(true);
  });

  it('opened by several processes at once, all end up with the same keys', async () => {
    const rings = await Promise.all([1, 2, 3, 4].map(() => KeyRing.openLocal(dir)));
    const first = rings[0]?.dataKey(1);
    for (const ring of rings) expect(ring.dataKey(1)?.equals(first ?? Buffer.alloc(0))).toBe(true);
    const leftovers = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('stores wrapped keys only: no plaintext key appears in the key ring file', async () => {
    const sut = await KeyRing.openLocal(dir);
    const text = await readFile(path.join(dir, 'field-keys.json'), 'utf8');
    expect(text).not.toContain(sut.dataKey(1)?.toString('base64'));
    expect(text).not.toContain(sut.blindIndexKey.toString('base64'));
  });

  it('rotates to a new current version, keeps the old ones and persists the change', async () => {
    const sut = await KeyRing.openLocal(dir);
    const first = sut.dataKey(1);
    expect(await sut.rotate()).toBe(2);
    expect(sut.currentVersion).toBe(2);
    expect(sut.versions).toEqual([1, 2]);
    expect(sut.dataKey(1)).toBe(first);
    expect(sut.dataKey(2)?.equals(first ?? Buffer.alloc(0))).toBe(false);
    const reopened = await KeyRing.openLocal(dir);
    expect(reopened.currentVersion).toBe(2);
    expect((await stat(path.join(dir, 'field-keys.json'))).mode & 0o777).toBe(0o600);
  });

  it('keeps the blind index key across rotations', async () => {
    const sut = await KeyRing.openLocal(dir);
    const before = Buffer.from(sut.blindIndexKey);
    await sut.rotate();
    expect((await KeyRing.openLocal(dir)).blindIndexKey.equals(before)).toBe(true);
  });

  it('refuses a key ring written by another provider', async () => {
    const store = new FileKeyRingStore(path.join(dir, 'field-keys.json'));
    await KeyRing.openLocal(dir);
    const record = (await store.load()) as KeyRingRecord;
    await store.replace({ ...record, provider: 'kms' }, 1);
    await expect(KeyRing.openLocal(dir)).rejects.toThrow(/kms provider, not local/);
  });

  it('fails with key_unavailable when a wrapped key does not unwrap', async () => {
    await KeyRing.openLocal(dir);
    const store = new FileKeyRingStore(path.join(dir, 'field-keys.json'));
    const otherMaster = new LocalDataKeyProvider(Buffer.alloc(32, 7));
    await expect(KeyRing.open(store, otherMaster)).rejects.toMatchObject({
      code: 'key_unavailable',
      kind: 'unavailable',
    });
  });
});
