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
  notes: {
    statusReason: { description: 'why the status changed' },
    'identity.evidence': { description: 'what the identity was checked on' },
    'history[].evidence': { description: 'what each decision was made on' },
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

  it('destroys by removing every personal field and lookup, and every note', async () => {
    const stored = await sut.sealNotes('p1', {
      statusReason: '연락 두절',
      identity: { provider: 'manual', evidence: '신분증 확인' },
      history: [
        { action: 'verify', evidence: '통화 확인' },
        { action: 'revoke', evidence: '재확인' },
      ],
      other: 'kept',
    });
    expect(await sut.destruction(stored)).toEqual({
      unset: { name: '', phone: '', phoneLookup: '', account: '', statusReason: '' },
      set: {
        identity: { provider: 'manual' },
        history: [{ action: 'verify' }, { action: 'revoke' }],
      },
    });
    expect(sut.presentFields({ ...stored, phone: new Binary(Buffer.from('x')) })).toEqual([
      'phone',
      'statusReason',
      'identity.evidence',
      'history[].evidence',
    ]);
  });

  describe('notes (free text about a person)', () => {
    const written = {
      statusReason: '홍길동 님 요청으로 정지',
      identity: { provider: 'manual', evidence: '신분증 사본, ticket 12' },
      history: [{ at: 1, evidence: '통화로 본인 확인' }, { at: 2 }],
    };

    it('seals the text at every note path, leaving the rest as it was', async () => {
      const stored = await sut.sealNotes('p1', written);
      expect(stored.statusReason).toBeInstanceOf(Binary);
      expect(stored.identity.evidence).toBeInstanceOf(Binary);
      expect(stored.identity.provider).toBe('manual');
      expect(stored.history[0]?.evidence).toBeInstanceOf(Binary);
      expect(stored.history[1]).toEqual({ at: 2 });
      expect(JSON.stringify(stored)).not.toMatch(/홍길동|신분증|통화/);
      expect(written.identity.evidence).toBe('신분증 사본, ticket 12');
    });

    it('opens them masked, or as written when asked for in plaintext', async () => {
      const stored = await sut.sealNotes('p1', written);
      expect(await sut.openNotes('p1', stored)).toEqual({
        statusReason: '*** (13자)',
        identity: { provider: 'manual', evidence: '*** (17자)' },
        history: [{ at: 1, evidence: '*** (9자)' }, { at: 2 }],
      });
      expect(await sut.openNotes('p1', stored, { plaintext: true })).toEqual(written);
    });

    it('opens in plaintext only the note paths asked for', async () => {
      const stored = await sut.sealNotes('p1', written);
      const opened = await sut.openNotes('p1', stored, { plaintext: ['identity.evidence'] });
      expect(opened.identity.evidence).toBe(written.identity.evidence);
      expect(opened.statusReason).toBe('*** (13자)');
    });

    it('reveals every note with where it is', async () => {
      const stored = await sut.sealNotes('p1', written);
      expect(await sut.revealNotes('p1', stored)).toEqual([
        { path: 'statusReason', at: 'statusReason', text: written.statusReason },
        { path: 'identity.evidence', at: 'identity.evidence', text: written.identity.evidence },
        { path: 'history[].evidence', at: 'history[0].evidence', text: '통화로 본인 확인' },
      ]);
    });

    it('refuses to store a masked note read back, which would replace the text for good', async () => {
      const opened = await sut.openNotes('p1', await sut.sealNotes('p1', written));
      await expect(sut.sealNotes('p1', opened)).rejects.toThrow(/masked note/);
    });

    it('binds a note to its document and path', async () => {
      const stored = await sut.sealNotes('p1', written);
      await expect(sut.openNotes('p2', stored)).rejects.toThrow(FieldDecryptionError);
      const moved = { statusReason: stored.identity.evidence };
      await expect(sut.openNotes('p1', moved)).rejects.toThrow(/people\.statusReason/);
    });

    it('re-encrypts notes under an older key version, and plain text left from before, whole containers at a time', async () => {
      const stored = await sut.sealNotes('p1', written);
      const version = await keys.rotate();
      const legacy = { ...stored, history: [...stored.history, { at: 3, evidence: '평문 메모' }] };
      const resealed = await sut.reseal(legacy, 'p1', version);
      expect(Object.keys(resealed?.set ?? {}).sort()).toEqual([
        'history',
        'identity',
        'statusReason',
      ]);
      expect(resealed?.expected.history).toBe(legacy.history);
      const updated = { ...legacy, ...resealed?.set };
      expect(await sut.openNotes('p1', updated, { plaintext: true })).toEqual({
        ...written,
        history: [...written.history, { at: 3, evidence: '평문 메모' }],
      });
      expect(await sut.reseal(updated, 'p1', version)).toBeUndefined();
    });

    it('refuses a note path that is not one, or that sits inside a personal field', () => {
      expect(() =>
        definePersonalData({ ...policy, notes: { 'a..b': { description: 'x' } } }),
      ).toThrow(/not a note path/);
      expect(() =>
        definePersonalData({ ...policy, notes: { 'phone.x': { description: 'x' } } }),
      ).toThrow(/inside a personal field/);
    });
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
