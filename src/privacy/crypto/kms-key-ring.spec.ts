import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KmsStub } from '../../../test/support/kms-stub.js';
import { type AppConfig, loadConfig } from '../../config/config.js';
import { toProblem } from '../../platform/http/problem.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { KEY_RING_COLLECTION } from './database-key-ring-store.js';
import { FieldCipher } from './field-cipher.js';
import { KeyUnavailableError } from './field-decryption.error.js';
import type { KeyRing } from './key-ring.js';
import { openKeyRing, type OpenKeyRingOptions } from './open-key-ring.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const where = { collection: 'members', field: 'phone', documentId: 'm_1' };
const TTL_SECONDS = 600;
const TTL = TTL_SECONDS * 1_000;

/** Rejects with the error a promise rejects with, to inspect it. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('key ring over KMS and the database (aws mode)', () => {
  let stub: KmsStub;
  let dir: string;
  let db: Database;
  let keyId: string;
  let config: AppConfig;
  let clock: { t: number };
  const rings: KeyRing[] = [];

  /** One task of the service: its own KMS client and key ring over the shared database. */
  const instance = async (options: OpenKeyRingOptions = {}) => {
    const ring = await openKeyRing(config, db, {
      maxAttempts: 1,
      now: () => clock.t,
      ...options,
    });
    rings.push(ring);
    return ring;
  };

  beforeAll(async () => {
    stub = await KmsStub.start();
  });
  afterAll(async () => {
    await stub.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-kms-ring-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    config = loadConfig({
      APP_MODE: 'local',
      DATA_DIR: dir,
      AWS_REGION: stub.region,
      KMS_KEY_ID: (keyId = stub.createKey()),
      KMS_ENDPOINT: stub.endpoint,
      DATA_KEY_TTL_SECONDS: String(TTL_SECONDS),
    });
    clock = { t: 1_000_000 };
    stub.down = false;
  });
  afterEach(async () => {
    await Promise.all(rings.splice(0).map((ring) => ring.settled()));
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the kms kind from the configuration, storing only KMS-wrapped keys in the database', async () => {
    expect(config.privacy.keys.kind).toBe('kms');
    const sut = await instance();
    const stored = await db
      .collection<{ _id: string }>(KEY_RING_COLLECTION)
      .findOne({ _id: 'field-keys' });
    expect(stored).toMatchObject({ provider: `kms:${keyId}`, current: 1 });
    expect(JSON.stringify(stored)).not.toContain(sut.dataKey(1)?.toString('base64'));
    expect(JSON.stringify(stored)).not.toContain(sut.blindIndexKey.toString('base64'));
  });

  it('two instances share the keys and a rotation by either', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const first = new FieldCipher(a).encrypt('01012345678', where);
    expect(new FieldCipher(b).decrypt(first, where)).toBe('01012345678');
    expect(a.blindIndexKey.equals(b.blindIndexKey)).toBe(true);
    expect(await a.rotate()).toBe(2);
    const rotated = new FieldCipher(a).encrypt('01087654321', where);
    expect(await new FieldCipher(b).decryptLoading(rotated, where)).toBe('01087654321');
    expect(b.currentVersion).toBe(2);
    expect(await b.rotate()).toBe(3);
    expect(a.versions).toEqual([1, 2]);
    expect(
      await new FieldCipher(a).decryptLoading(new FieldCipher(b).encrypt('x', where), where),
    ).toBe('x');
    expect(a.currentVersion).toBe(3);
  });

  it('refuses to open a ring written under another KMS key', async () => {
    await instance();
    const otherKey = stub.createKey();
    config = {
      ...config,
      privacy: {
        ...config.privacy,
        keys: { kind: 'kms', keyId: otherKey, endpoint: stub.endpoint },
      },
    };
    await expect(instance()).rejects.toThrow(`not kms:${otherKey}`);
  });

  it('KMS outage: a cold key answers 503, fresh keys work, expired keys fail until KMS is back', async () => {
    const writer = await instance();
    const reader = await instance();
    const cached = new FieldCipher(reader).encrypt('01012345678', where);
    await writer.rotate();
    const cold = new FieldCipher(writer).encrypt('01087654321', where);
    await stub.stop(); // connection refused
    try {
      const sut = new FieldCipher(reader);
      const error = await rejection(sut.decryptLoading(cold, where));
      expect(error).toBeInstanceOf(KeyUnavailableError);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'key_unavailable' });
      expect(toProblem(error).status).toBe(503);
      expect(await sut.decryptLoading(cached, where)).toBe('01012345678');
      expect(sut.encrypt('x', where).readUInt32BE(2)).toBe(1); // still the version it holds
      clock.t += TTL;
      await expect(sut.decryptLoading(cached, where)).rejects.toBeInstanceOf(KeyUnavailableError);
      await expect(sut.encryptLoading('x', where)).rejects.toBeInstanceOf(KeyUnavailableError);
    } finally {
      await stub.start();
    }
    const sut = new FieldCipher(reader);
    expect(await sut.decryptLoading(cached, where)).toBe('01012345678');
    expect(await sut.decryptLoading(cold, where)).toBe('01087654321');
    expect((await sut.encryptLoading('x', where)).readUInt32BE(2)).toBe(2);
  });

  it('KMS answering 500: keys within their TTL keep working, an expired one fails, then recovers', async () => {
    const sut = new FieldCipher(await instance());
    const ciphertext = sut.encrypt('01012345678', where);
    stub.down = true;
    clock.t += TTL - 1;
    expect(sut.decrypt(ciphertext, where)).toBe('01012345678');
    clock.t += 1;
    expect(() => sut.decrypt(ciphertext, where)).toThrow(KeyUnavailableError);
    await expect(sut.decryptLoading(ciphertext, where)).rejects.toMatchObject({
      kind: 'unavailable',
    });
    stub.down = false;
    expect(await sut.decryptLoading(ciphertext, where)).toBe('01012345678');
  });

  it('refresh-ahead renews a key before it expires, without a failing request', async () => {
    const ring = await instance();
    const sut = new FieldCipher(ring);
    const ciphertext = sut.encrypt('01012345678', where);
    const before = stub.calls.Decrypt;
    for (let t = 0; t <= 3 * TTL; t += TTL / 20) {
      clock.t += TTL / 20;
      expect(sut.decrypt(ciphertext, where)).toBe('01012345678'); // never the slow path
      expect(sut.encrypt('x', where).length).toBeGreaterThan(0);
      await ring.settled();
    }
    const refreshes = stub.calls.Decrypt - before;
    expect(refreshes).toBeGreaterThanOrEqual(3);
    expect(refreshes).toBeLessThanOrEqual(4);
  });

  it('concurrent ensure() of one expired version makes one KMS Decrypt call', async () => {
    const sut = await instance();
    clock.t += TTL;
    const before = stub.calls.Decrypt;
    const keys = await Promise.all(Array.from({ length: 8 }, () => sut.ensure(1)));
    expect(stub.calls.Decrypt).toBe(before + 1);
    expect(new Set(keys).size).toBe(1);
  });

  it('a disabled KMS key stops decryption once the TTL passes', async () => {
    const sut = new FieldCipher(await instance());
    const ciphertext = sut.encrypt('01012345678', where);
    stub.setEnabled(keyId, false);
    clock.t += TTL;
    const error = await rejection(sut.decryptLoading(ciphertext, where));
    expect(error).toBeInstanceOf(KeyUnavailableError);
    expect((error as Error).message).toContain('DisabledException: ');
    expect((error as Error).message).toContain('is disabled');
  });
});

describe('openKeyRing (file kind)', () => {
  it('opens the local key file ring with the configured TTL', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wm-file-ring-'));
    try {
      const config = loadConfig({ APP_MODE: 'local', DATA_DIR: dir, DATA_KEY_TTL_SECONDS: '60' });
      let t = 0;
      const db = {} as Database; // the file kind does not touch the database
      const sut = await openKeyRing(config.privacy, db, { now: () => t });
      expect(sut.dataKey(1)).toBeDefined();
      t += 60_000;
      expect(sut.dataKey(1)).toBeUndefined();
      expect(await sut.ensure()).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
