import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { type DataKeyProvider, LocalDataKeyProvider } from './data-key-provider.js';
import { FieldCipher } from './field-cipher.js';
import { KeyUnavailableError } from './field-decryption.error.js';
import { FileKeyRingStore, loadLocalMasterKey } from './file-key-ring-store.js';
import { KeyRing } from './key-ring.js';

const where = { collection: 'members', field: 'phone', documentId: 'm_1' };
const TTL = 60_000;

/** The local provider with an off switch and a count of unwraps. */
class CountingProvider implements DataKeyProvider {
  readonly name = 'local';
  down = false;
  decrypts = 0;
  constructor(private readonly inner: DataKeyProvider) {}
  generateDataKey() {
    return this.down ? Promise.reject(new Error('kms unreachable')) : this.inner.generateDataKey();
  }
  decrypt(wrapped: Buffer) {
    this.decrypts += 1;
    return this.down ? Promise.reject(new Error('kms unreachable')) : this.inner.decrypt(wrapped);
  }
}

describe('KeyRing data key TTL', () => {
  let dir: string;
  let clock: { t: number };
  let provider: CountingProvider;
  let logger: { warn: Mock<(obj: object, msg: string) => void> };
  let sut: KeyRing;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-ttl-'));
    const keysDir = path.join(dir, 'keys');
    await KeyRing.openLocal(keysDir);
    provider = new CountingProvider(new LocalDataKeyProvider(await loadLocalMasterKey(keysDir)));
    clock = { t: 1_000_000 };
    logger = { warn: vi.fn() };
    sut = await KeyRing.open(
      new FileKeyRingStore(path.join(keysDir, 'field-keys.json')),
      provider,
      {
        ttlMs: TTL,
        now: () => clock.t,
        logger,
      },
    );
  });
  afterEach(async () => {
    await sut.settled();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands out a key only within its TTL and unwraps it again through ensure()', async () => {
    const key = sut.dataKey(1);
    expect(key).toBeDefined();
    clock.t += TTL;
    expect(sut.dataKey(1)).toBeUndefined();
    const before = provider.decrypts;
    expect((await sut.ensure())?.equals(key ?? Buffer.alloc(0))).toBe(true);
    expect(provider.decrypts).toBe(before + 1);
    expect(sut.dataKey(1)).toBe(key);
  });

  it('keeps the same key Buffer across unwraps, so a held key stays valid', async () => {
    const key = sut.dataKey(1);
    clock.t += TTL;
    await sut.ensure(1);
    expect(sut.dataKey(1)).toBe(key);
    expect(key?.equals(Buffer.alloc(32))).toBe(false);
  });

  it('refreshes a key used near its expiry in the background; it never expires in use', async () => {
    const before = provider.decrypts;
    clock.t += TTL * 0.8;
    expect(sut.dataKey(1)).toBeDefined();
    expect(provider.decrypts).toBe(before); // not yet in the refresh window
    clock.t += TTL * 0.1;
    expect(sut.dataKey(1)).toBeDefined();
    expect(sut.dataKey(1)).toBeDefined();
    await sut.settled();
    expect(provider.decrypts).toBe(before + 1);
    clock.t += TTL * 0.5; // past the first expiry, within the refreshed one
    expect(sut.dataKey(1)).toBeDefined();
  });

  it('a failed refresh is logged, the key works until it expires, and then it fails', async () => {
    const cipher = new FieldCipher(sut);
    const ciphertext = cipher.encrypt('01012345678', where);
    provider.down = true;
    clock.t += TTL * 0.9;
    expect(cipher.decrypt(ciphertext, where)).toBe('01012345678');
    await sut.settled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(cipher.decrypt(ciphertext, where)).toBe('01012345678');
    await sut.settled();
    expect(logger.warn).toHaveBeenCalledTimes(1); // no retry on every use
    clock.t += TTL * 0.1;
    expect(() => cipher.decrypt(ciphertext, where)).toThrow(KeyUnavailableError);
    await expect(cipher.decryptLoading(ciphertext, where)).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'key_unavailable',
    });
    await expect(cipher.encryptLoading('x', where)).rejects.toBeInstanceOf(KeyUnavailableError);
    provider.down = false;
    expect(await cipher.decryptLoading(ciphertext, where)).toBe('01012345678');
    expect(cipher.decrypt(await cipher.encryptLoading('x', where), where)).toBe('x');
  });

  it('concurrent ensure() of one expired version makes one unwrap', async () => {
    clock.t += TTL;
    const before = provider.decrypts;
    const keys = await Promise.all([sut.ensure(1), sut.ensure(1), sut.ensure(), sut.ensure(1)]);
    expect(provider.decrypts).toBe(before + 1);
    expect(new Set(keys).size).toBe(1);
  });

  it('encryptLoading unwraps an expired current key; sync encrypt answers 503 meanwhile', async () => {
    const cipher = new FieldCipher(sut);
    clock.t += TTL;
    expect(() => cipher.encrypt('x', where)).toThrow(KeyUnavailableError);
    const ciphertext = await cipher.encryptLoading('01012345678', where);
    expect(cipher.decrypt(ciphertext, where)).toBe('01012345678');
  });

  it('the blind index key expires too and is unwrapped again', async () => {
    const key = sut.blindIndexKey;
    clock.t += TTL;
    provider.down = true;
    expect(() => sut.blindIndexKey).toThrow(KeyUnavailableError);
    await expect(sut.ensureBlindIndexKey()).rejects.toBeInstanceOf(KeyUnavailableError);
    provider.down = false;
    expect((await sut.ensureBlindIndexKey()).equals(key)).toBe(true);
    expect(sut.blindIndexKey).toBe(key);
  });

  it('without a TTL keys never expire and the provider is not asked again', async () => {
    const forever = await KeyRing.openLocal(path.join(dir, 'keys'), { now: () => clock.t });
    clock.t += 10 * 365 * 24 * 3_600_000;
    expect(forever.dataKey(1)).toBeDefined();
    expect(forever.blindIndexKey).toBeDefined();
  });
});
