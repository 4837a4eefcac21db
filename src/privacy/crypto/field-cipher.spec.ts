import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CIPHERTEXT_OVERHEAD,
  FIELD_ALGORITHMS,
  type FieldAlgorithm,
  FieldCipher,
  FORMAT_VERSION,
} from './field-cipher.js';
import { type FieldBinding, FieldDecryptionError } from './field-decryption.error.js';
import { KeyRing } from './key-ring.js';

const where: FieldBinding = { collection: 'members', field: 'phone', documentId: 'm_1' };
const values = [
  '010-1234-5678',
  '900101-1234567',
  'hong@example.com',
  '서울특별시 중구 세종대로 110',
];

describe('FieldCipher', () => {
  let dir: string;
  let keys: KeyRing;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-cipher-'));
    keys = await KeyRing.openLocal(path.join(dir, 'keys'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const refusal = (fn: () => unknown): FieldDecryptionError => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(FieldDecryptionError);
      return error as FieldDecryptionError;
    }
    throw new Error('expected a FieldDecryptionError');
  };

  describe.each(FIELD_ALGORITHMS)('%s', (algorithm) => {
    it('round-trips values of 13 to 40 bytes, including Korean text', () => {
      const sut = new FieldCipher(keys, algorithm);
      for (const value of values) {
        const ciphertext = sut.encrypt(value, where);
        expect(ciphertext.length).toBe(CIPHERTEXT_OVERHEAD + Buffer.byteLength(value));
        expect(ciphertext.includes(Buffer.from(value))).toBe(false);
        expect(sut.decrypt(ciphertext, where)).toBe(value);
      }
    });

    it('round-trips the empty string', () => {
      const sut = new FieldCipher(keys, algorithm);
      expect(sut.decrypt(sut.encrypt('', where), where)).toBe('');
    });
  });

  it('refuses an algorithm it does not know at construction', () => {
    expect(() => new FieldCipher(keys, 'seed-cbc' as FieldAlgorithm)).toThrow(
      'unknown field algorithm seed-cbc',
    );
  });

  it('writes a self-describing header: format, algorithm, key version', () => {
    const ciphertext = new FieldCipher(keys, 'aria-256-gcm').encrypt('01012345678', where);
    expect(ciphertext[0]).toBe(FORMAT_VERSION);
    expect(ciphertext[1]).toBe(2);
    expect(ciphertext.readUInt32BE(2)).toBe(1);
  });

  it('uses a fresh IV: the same value encrypts differently each time', () => {
    const sut = new FieldCipher(keys);
    expect(sut.encrypt('01012345678', where).equals(sut.encrypt('01012345678', where))).toBe(false);
  });

  it('never hands out an IV twice, across the refills of its pool of random bytes', () => {
    const sut = new FieldCipher(keys);
    const ivs = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      ivs.add(sut.encrypt('01012345678', where).subarray(6, 18).toString('hex'));
    }
    expect(ivs.size).toBe(2_000);
    expect(ivs.has('0'.repeat(24))).toBe(false);
  });

  it('decrypts what the other algorithm wrote (the algorithm comes from the ciphertext)', () => {
    const aria = new FieldCipher(keys, 'aria-256-gcm').encrypt('01012345678', where);
    expect(new FieldCipher(keys, 'aes-256-gcm').decrypt(aria, where)).toBe('01012345678');
  });

  it('after rotation writes the new version and still decrypts the old one', async () => {
    const sut = new FieldCipher(keys);
    const old = sut.encrypt('01012345678', where);
    await keys.rotate();
    const fresh = sut.encrypt('01087654321', where);
    expect(old.readUInt32BE(2)).toBe(1);
    expect(fresh.readUInt32BE(2)).toBe(2);
    expect(sut.decrypt(old, where)).toBe('01012345678');
    expect(sut.decrypt(fresh, where)).toBe('01087654321');
    const reopened = new FieldCipher(await KeyRing.openLocal(path.join(dir, 'keys')));
    expect(reopened.decrypt(old, where)).toBe('01012345678');
  });

  it.each([
    ['another document', { ...where, documentId: 'm_2' }],
    ['another field', { ...where, field: 'emergencyPhone' }],
    ['another collection', { ...where, collection: 'businesses' }],
  ])('refuses a value copied to %s, naming where it was read', (_, elsewhere) => {
    const sut = new FieldCipher(keys);
    const error = refusal(() => sut.decrypt(sut.encrypt('01012345678', where), elsewhere));
    expect(error).toMatchObject({ ...elsewhere, reason: 'authentication_failed' });
    expect(error.message).toContain(`${elsewhere.collection}.${elsewhere.field}`);
    expect(error.message).toContain(elsewhere.documentId);
    expect(error.message).not.toContain('01012345678');
  });

  it('binds the parts unambiguously (no shifting of characters between them)', () => {
    const sut = new FieldCipher(keys);
    const a = { collection: 'a', field: 'b.c', documentId: 'd' };
    const b = { collection: 'a.b', field: 'c', documentId: 'd' };
    refusal(() => sut.decrypt(sut.encrypt('x', a), b));
  });

  const CASES: [string, number][] = [
    ['the algorithm byte', 1],
    ['the key version', 5],
    ['the IV', 6],
    ['the tag', 18],
    ['the ciphertext body', 34],
    ['the last byte', -1],
  ];
  it.each(CASES)('refuses a ciphertext with %s changed', (_, at) => {
    const sut = new FieldCipher(keys);
    const ciphertext = sut.encrypt('01012345678', where);
    const i = at < 0 ? ciphertext.length + at : at;
    ciphertext[i] = (ciphertext[i] ?? 0) ^ 0x01;
    const error = refusal(() => sut.decrypt(ciphertext, where));
    expect(error).toMatchObject({ collection: 'members', field: 'phone', documentId: 'm_1' });
    expect(['authentication_failed', 'unknown_key_version', 'unknown_algorithm']).toContain(
      error.reason,
    );
  });

  it('refuses a truncated ciphertext, a wrong format version and an unknown algorithm', () => {
    const sut = new FieldCipher(keys);
    const ciphertext = sut.encrypt('01012345678', where);
    expect(refusal(() => sut.decrypt(ciphertext.subarray(0, 20), where)).reason).toBe('malformed');
    const format = Buffer.from(ciphertext);
    format[0] = 9;
    expect(refusal(() => sut.decrypt(format, where)).reason).toBe('unsupported_format');
    const algorithm = Buffer.from(ciphertext);
    algorithm[1] = 77;
    expect(refusal(() => sut.decrypt(algorithm, where)).reason).toBe('unknown_algorithm');
  });

  it('refuses an unknown key version, naming the version', () => {
    const sut = new FieldCipher(keys);
    const ciphertext = sut.encrypt('01012345678', where);
    ciphertext.writeUInt32BE(42, 2);
    const error = refusal(() => sut.decrypt(ciphertext, where));
    expect(error).toMatchObject({ reason: 'unknown_key_version', keyVersion: 42 });
    expect(error.message).toBe(
      'cannot decrypt members.phone of document m_1: unknown_key_version (key version 42)',
    );
  });

  it('refuses data written under another key ring', async () => {
    const other = await KeyRing.openLocal(path.join(dir, 'other-keys'));
    const ciphertext = new FieldCipher(other).encrypt('01012345678', where);
    expect(refusal(() => new FieldCipher(keys).decrypt(ciphertext, where)).reason).toBe(
      'authentication_failed',
    );
  });

  it('decrypts from a plain Uint8Array (as a BSON Binary hands it back)', () => {
    const sut = new FieldCipher(keys);
    const ciphertext = sut.encrypt('01012345678', where);
    const copy = new Uint8Array(ciphertext.length + 3).subarray(3);
    copy.set(ciphertext);
    expect(sut.decrypt(copy, where)).toBe('01012345678');
  });
});
