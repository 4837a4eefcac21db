import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/errors/domain.error.js';
import { BlindIndex } from '../crypto/blind-index.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { FieldDecryptionError } from '../crypto/field-decryption.error.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PersonalDataCodec } from './codec.js';
import { definePersonalData } from './policy.js';

const policy = definePersonalData({
  collection: 'people',
  description: 'test people',
  fields: {
    name: { description: 'name', storage: 'plain', masking: 'name' },
    phone: { description: 'phone', storage: 'encrypted', masking: 'phone', blindIndex: 'phone' },
    account: { description: 'account', storage: 'encrypted', masking: 'bankAccount' },
  },
  retention: { class: 'member-account', from: 'withdrawnAt', method: 'anonymize' },
  revealableBy: ['operator'],
});

describe('PersonalDataCodec', () => {
  let dir: string;
  let keys: KeyRing;
  let sut: PersonalDataCodec<'name' | 'phone' | 'account'>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-codec-'));
    keys = await KeyRing.openLocal(dir);
    sut = new PersonalDataCodec(
      policy,
      new FieldCipher(keys),
      new BlindIndex(await keys.ensureBlindIndexKey()),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores encrypted fields only as ciphertext, with a lookup for indexed ones', async () => {
    const stored = await sut.seal('p1', {
      name: '홍길동',
      phone: '010-1234-5678',
      account: '110-123-456789',
    });
    expect(stored.name).toBe('홍길동');
    expect(stored.phone).toBeInstanceOf(Binary);
    expect(stored.account).toBeInstanceOf(Binary);
    expect(JSON.stringify(stored)).not.toMatch(/5678|456789/);
    expect(stored.phoneLookup).toBe(await sut.lookup('phone', '+82 10 1234 5678'));
    expect(stored).not.toHaveProperty('accountLookup');
  });

  it('opens masked by default and in plaintext only the fields asked for', async () => {
    const stored = await sut.seal('p1', { name: '홍길동', phone: '01012345678', account: null });
    expect(await sut.open(stored, 'p1')).toEqual({
      name: '홍*동',
      phone: '010-****-5678',
      account: undefined,
    });
    expect(await sut.open(stored, 'p1', { plaintext: ['phone'] })).toEqual({
      name: '홍*동',
      phone: '01012345678',
      account: undefined,
    });
  });

  it('leaves fields it was not given out of the stored form (a partial $set)', async () => {
    expect(await sut.seal('p1', { name: '김수' })).toEqual({ name: '김수' });
  });

  it('clears a field and its lookup when given null', async () => {
    expect(await sut.seal('p1', { phone: null })).toEqual({ phone: null, phoneLookup: null });
  });

  it('refuses a value copied from another record, naming the record and field', async () => {
    const stored = await sut.seal('p1', { phone: '01012345678' });
    await expect(sut.open(stored, 'p2')).rejects.toThrow(FieldDecryptionError);
    await expect(sut.open(stored, 'p2')).rejects.toThrow(/people\.phone of document p2/);
  });

  it('does not take a string where a ciphertext belongs as the plaintext', async () => {
    await expect(sut.open({ phone: '01012345678' }, 'p1')).rejects.toThrow(FieldDecryptionError);
  });

  it('answers a value that cannot be indexed with a 400 naming the field, not the value', async () => {
    const error = await sut.seal('p1', { phone: '12' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_phone' });
    expect(String((error as Error).message)).not.toContain('12 ');
  });

  it('destroys by removing every personal field and lookup', () => {
    expect(sut.destruction()).toEqual({ name: '', phone: '', phoneLookup: '', account: '' });
  });

  it('re-encrypts fields under an older key version, and nothing when all are current', async () => {
    const stored = await sut.seal('p1', { phone: '01012345678', account: '110123456789' });
    const version = await keys.rotate();
    const resealed = await sut.reseal(stored, 'p1', version);
    expect(Object.keys(resealed?.set ?? {}).sort()).toEqual(['account', 'phone']);
    expect(resealed?.expected.phone).toBe(stored.phone);
    const updated = { ...stored, ...resealed?.set };
    expect(await sut.open(updated, 'p1', { plaintext: ['phone', 'account'] })).toMatchObject({
      phone: '01012345678',
      account: '110123456789',
    });
    expect(await sut.reseal(updated, 'p1', version)).toBeUndefined();
  });

  it('encrypts, on reseal, a plain string left from before the field was encrypted', async () => {
    const resealed = await sut.reseal({ phone: '010-1234-5678' }, 'p1', keys.currentVersion);
    expect(resealed?.set.phone).toBeInstanceOf(Binary);
    expect(resealed?.set.phoneLookup).toBe(await sut.lookup('phone', '01012345678'));
    expect(resealed?.expected).toEqual({ phone: '010-1234-5678' });
  });

  it('refuses a policy that indexes a plain field', () => {
    expect(() =>
      definePersonalData({
        ...policy,
        fields: { name: { description: 'n', storage: 'plain', masking: 'name', blindIndex: 'ci' } },
      }),
    ).toThrow(/blind index is only for encrypted fields/);
  });
});
