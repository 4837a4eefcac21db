import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DataKeyProvider, LocalDataKeyProvider } from './data-key-provider.js';
import { FieldCipher } from './field-cipher.js';
import { FieldDecryptionError, KeyUnavailableError } from './field-decryption.error.js';
import { FileKeyRingStore, loadLocalMasterKey } from './file-key-ring-store.js';
import { KeyRing } from './key-ring.js';

const where = { collection: 'members', field: 'phone', documentId: 'm_1' };

/** The local provider with an off switch, standing in for KMS going away. */
class FlakyProvider implements DataKeyProvider {
  readonly name = 'local';
  down = false;
  constructor(private readonly inner: DataKeyProvider) {}
  generateDataKey() {
    return this.down ? Promise.reject(new Error('kms unreachable')) : this.inner.generateDataKey();
  }
  decrypt(wrapped: Buffer) {
    return this.down ? Promise.reject(new Error('kms unreachable')) : this.inner.decrypt(wrapped);
  }
}

describe('key rotation across instances', () => {
  let dir: string;
  let provider: FlakyProvider;
  let writer: KeyRing;
  let reader: KeyRing;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-rotation-'));
    const keysDir = path.join(dir, 'keys');
    writer = await KeyRing.openLocal(keysDir);
    provider = new FlakyProvider(new LocalDataKeyProvider(await loadLocalMasterKey(keysDir)));
    reader = await KeyRing.open(
      new FileKeyRingStore(path.join(keysDir, 'field-keys.json')),
      provider,
    );
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a version another instance added when a ciphertext names it', async () => {
    const old = new FieldCipher(reader).encrypt('01012345678', where);
    await writer.rotate();
    const fresh = new FieldCipher(writer).encrypt('01087654321', where);
    const sut = new FieldCipher(reader);
    expect(() => sut.decrypt(fresh, where)).toThrow(FieldDecryptionError);
    expect(await sut.decryptLoading(fresh, where)).toBe('01087654321');
    expect(await sut.decryptLoading(old, where)).toBe('01012345678');
    expect(reader.currentVersion).toBe(2);
    expect(sut.encrypt('x', where).readUInt32BE(2)).toBe(2);
  });

  it('rotating after another instance did continues the numbering', async () => {
    await writer.rotate();
    expect(await reader.rotate()).toBe(3);
    expect(reader.versions).toEqual([1, 2, 3]);
  });

  it('two rotations at once both land: no key is lost', async () => {
    const [a, b] = await Promise.all([writer.rotate(), reader.rotate()]);
    expect([a, b].sort()).toEqual([2, 3]);
    const fromWriter = new FieldCipher(writer).encrypt('01012345678', where);
    const fromReader = new FieldCipher(reader).encrypt('01087654321', where);
    const reopened = new FieldCipher(await KeyRing.openLocal(path.join(dir, 'keys')));
    expect(reopened.decrypt(fromWriter, where)).toBe('01012345678');
    expect(reopened.decrypt(fromReader, where)).toBe('01087654321');
  });

  it('answers 503 for a cold key while the provider is down; cached keys keep working', async () => {
    const cached = new FieldCipher(reader).encrypt('01012345678', where);
    await writer.rotate();
    const cold = new FieldCipher(writer).encrypt('01087654321', where);
    provider.down = true;
    const sut = new FieldCipher(reader);
    await expect(sut.decryptLoading(cold, where)).rejects.toBeInstanceOf(KeyUnavailableError);
    await expect(sut.decryptLoading(cold, where)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await sut.decryptLoading(cached, where)).toBe('01012345678');
    expect(sut.encrypt('x', where).readUInt32BE(2)).toBe(1);
    provider.down = false;
    expect(await sut.decryptLoading(cold, where)).toBe('01087654321');
  });

  it('still refuses a version that exists nowhere, naming the record and field', async () => {
    const ciphertext = new FieldCipher(reader).encrypt('01012345678', where);
    ciphertext.writeUInt32BE(9, 2);
    await expect(new FieldCipher(reader).decryptLoading(ciphertext, where)).rejects.toMatchObject({
      name: 'FieldDecryptionError',
      reason: 'unknown_key_version',
      collection: 'members',
      field: 'phone',
      documentId: 'm_1',
    });
  });
});
