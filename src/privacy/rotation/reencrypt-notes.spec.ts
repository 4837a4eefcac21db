import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { BlindIndex } from '../crypto/blind-index.js';
import { FieldCipher, keyVersionOf } from '../crypto/field-cipher.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PersonalDataCodec } from '../personal-data/codec.js';
import { definePersonalData } from '../personal-data/policy.js';
import { reencrypt } from './reencrypt.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const policy = definePersonalData({
  collection: 'cases',
  description: 'test cases with notes',
  fields: {},
  notes: {
    statusReason: { description: 'reason' },
    'history[].evidence': { description: 'evidence' },
  },
  retention: { class: 'member-account', from: 'withdrawnAt', method: 'anonymize' },
  revealableBy: ['operator'],
});

/** Medium: notes nested in arrays re-encrypted on the embedded engine, container by container. */
describe('re-encryption of notes', () => {
  let dir: string;
  let db: Database;
  let keys: KeyRing;
  let codec: PersonalDataCodec<never>;
  const cases = () => db.collection<{ _id: string; [key: string]: unknown }>('cases');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-notes-'));
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    keys = await KeyRing.openLocal(path.join(dir, 'keys'));
    codec = new PersonalDataCodec(
      policy,
      new FieldCipher(keys),
      new BlindIndex(await keys.ensureBlindIndexKey()),
    );
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('brings notes in arrays to the new key version, and encrypts plain text written before', async () => {
    const written = {
      statusReason: '민원 접수로 정지',
      history: [
        { at: new Date(1), evidence: '통화 확인' },
        { at: new Date(2), evidence: '서류 확인' },
      ],
    };
    await cases().insertOne({ _id: 'c1', ...(await codec.sealNotes('c1', written)) });
    await cases().insertOne({ _id: 'c2', statusReason: '예전 평문 메모', history: [] });
    const version = await keys.rotate();

    const result = await reencrypt({ db, codecs: [codec], keys });

    expect(result).toMatchObject({ finished: true, failed: 0 });
    expect(result.collections).toEqual([
      expect.objectContaining({ collection: 'cases', scanned: 2, reencrypted: 2 }),
    ]);
    const c1 = await cases().findOne({ _id: 'c1' });
    const history = c1?.history as { evidence: { value(): Uint8Array } }[];
    expect(history.map((h) => keyVersionOf(h.evidence.value()))).toEqual([version, version]);
    const { _id: _c1, ...opened } = await codec.openNotes('c1', c1!, { plaintext: true });
    expect(opened).toEqual(written);
    const c2 = await cases().findOne({ _id: 'c2' });
    expect(await codec.openNotes('c2', c2!, { plaintext: true })).toMatchObject({
      statusReason: '예전 평문 메모',
    });
    expect(JSON.stringify(c2)).not.toContain('평문');
  });
});
