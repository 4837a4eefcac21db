import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary } from 'bson';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MEMBER_PERSONAL_DATA } from '../../modules/members/members.policy.js';
import type { Database } from '../../platform/storage/database.js';
import { withUpdateOne } from '../../../test/support/database-doubles.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { BlindIndex } from '../crypto/blind-index.js';
import { FieldCipher, keyVersionOf } from '../crypto/field-cipher.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PersonalDataCodec } from '../personal-data/codec.js';
import { reencrypt } from './reencrypt.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

interface MemberDocument {
  _id: string;
  [field: string]: unknown;
}
type MemberField = keyof typeof MEMBER_PERSONAL_DATA.fields;

const idOf = (i: number) => `member-${String(i).padStart(3, '0')}`;
const emailOf = (i: number) => `member${i}@example.com`;
const phoneOf = (i: number) => `0101234${String(i).padStart(4, '0')}`;

/** Counts the writes to `members` (re-encryption writes nothing else there). */
function countingWrites(db: Database, before?: () => Promise<void>) {
  let writes = 0;
  const counted = withUpdateOne(db, 'members', (original) => async (...args) => {
    writes += 1;
    await before?.();
    return original(...args);
  });
  return { db: counted, writes: () => writes };
}

/** Medium: re-encryption on the embedded engine with a real key ring and the members policy. */
describe(reencrypt.name, () => {
  let dir: string;
  let db: Database;
  const members = () => db.collection<MemberDocument>('members');
  let keys: KeyRing;
  let codec: PersonalDataCodec<MemberField>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-reencrypt-'));
    db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
    keys = await KeyRing.openLocal(path.join(dir, 'keys'));
    codec = new PersonalDataCodec(
      MEMBER_PERSONAL_DATA,
      new FieldCipher(keys),
      new BlindIndex(await keys.ensureBlindIndexKey()),
    );
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function seed(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const sealed = await codec.seal(idOf(i), { email: emailOf(i), phone: phoneOf(i) });
      await members().insertOne({ _id: idOf(i), status: 'active', ...sealed });
    }
  }

  async function versionsOf(id: string): Promise<(number | undefined)[]> {
    const doc = await members().findOne({ _id: id });
    return (['email', 'phone'] as const).map((field) => {
      const value = doc?.[field] as Binary | undefined;
      return value && keyVersionOf(value.value());
    });
  }

  async function plaintextOf(id: string) {
    const doc = await members().findOne({ _id: id });
    if (!doc) throw new Error(`${id} is gone`);
    return codec.open(doc, id, { plaintext: ['email', 'phone'] });
  }

  it('brings every record to the new key version, each decrypting to the value it had', async () => {
    await seed(7);
    const version = await keys.rotate();

    const result = await reencrypt({ db, codecs: [codec], keys, batchSize: 3 });

    expect(version).toBe(2);
    expect(result).toMatchObject({ keyVersion: 2, finished: true, failed: 0, failures: [] });
    expect(result.collections).toEqual([
      expect.objectContaining({ collection: 'members', scanned: 7, reencrypted: 7, done: true }),
    ]);
    for (let i = 0; i < 7; i++) {
      expect(await versionsOf(idOf(i))).toEqual([2, 2]);
      expect(await plaintextOf(idOf(i))).toEqual({ email: emailOf(i), phone: phoneOf(i) });
    }
  });

  it('resumes an interrupted pass where it stopped, without redoing finished batches', async () => {
    await seed(7);
    await keys.rotate();
    const controller = new AbortController();
    const first = countingWrites(db);

    const stopped = await reencrypt({
      db: first.db,
      codecs: [codec],
      keys,
      batchSize: 3,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'batch') controller.abort();
      },
    });

    expect(stopped.finished).toBe(false);
    expect(first.writes()).toBe(3);
    expect(await versionsOf(idOf(3))).toEqual([1, 1]);

    const second = countingWrites(db);
    const reseal = vi.spyOn(codec, 'reseal');
    const events: string[] = [];
    const resumed = await reencrypt({
      db: second.db,
      codecs: [codec],
      keys,
      batchSize: 3,
      onProgress: (event) => events.push(event.kind === 'start' ? `start ${event.done}` : ''),
    });

    expect(resumed).toMatchObject({ finished: true, resumed: true });
    expect(resumed.collections[0]).toMatchObject({ scanned: 7, reencrypted: 7 });
    expect(second.writes()).toBe(4);
    expect(reseal.mock.calls.map(([, id]) => id)).toEqual([3, 4, 5, 6].map(idOf));
    expect(events[0]).toBe('start 3');
    for (let i = 0; i < 7; i++) expect(await versionsOf(idOf(i))).toEqual([2, 2]);
  });

  it('starts a new pass from the beginning when the current version moved on', async () => {
    await seed(5);
    await keys.rotate();
    const controller = new AbortController();
    await reencrypt({
      db,
      codecs: [codec],
      keys,
      batchSize: 2,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.kind === 'batch') controller.abort();
      },
    });
    await keys.rotate();

    const result = await reencrypt({ db, codecs: [codec], keys, batchSize: 2 });

    expect(result).toMatchObject({ keyVersion: 3, finished: true, resumed: false });
    expect(result.collections[0]).toMatchObject({ scanned: 5, reencrypted: 5 });
    for (let i = 0; i < 5; i++) expect(await versionsOf(idOf(i))).toEqual([3, 3]);
  });

  it('never overwrites a value the API wrote during re-encryption', async () => {
    await seed(2);
    await keys.rotate();
    let written = false;
    const racing = countingWrites(db, async () => {
      if (written) return;
      written = true;
      // The API changes member 0's email between the pass reading and writing it.
      const sealed = await codec.seal(idOf(0), { email: 'changed@example.com' });
      await members().updateOne({ _id: idOf(0) }, { $set: sealed });
    });

    const result = await reencrypt({ db: racing.db, codecs: [codec], keys });

    expect(result).toMatchObject({ finished: true, failed: 0 });
    expect(await plaintextOf(idOf(0))).toEqual({
      email: 'changed@example.com',
      phone: phoneOf(0),
    });
    expect(await versionsOf(idOf(0))).toEqual([2, 2]);
    expect(await plaintextOf(idOf(1))).toEqual({ email: emailOf(1), phone: phoneOf(1) });
  });

  it('skips a record deleted during re-encryption', async () => {
    await seed(2);
    await keys.rotate();
    let deleted = false;
    const racing = countingWrites(db, async () => {
      if (deleted) return;
      deleted = true;
      await members().deleteOne({ _id: idOf(0) });
    });

    const result = await reencrypt({ db: racing.db, codecs: [codec], keys });

    expect(result).toMatchObject({ finished: true, failed: 0 });
    expect(result.collections[0]).toMatchObject({ scanned: 2, reencrypted: 1 });
    expect(await members().countDocuments({})).toBe(1);
    expect(await versionsOf(idOf(1))).toEqual([2, 2]);
  });

  it('reports a record that does not decrypt by collection, id and field, and goes on', async () => {
    await seed(3);
    // Member 1's phone replaced by member 2's ciphertext: bound to another record, it fails.
    const other = await members().findOne({ _id: idOf(2) });
    await members().updateOne({ _id: idOf(1) }, { $set: { phone: other?.phone } });
    await keys.rotate();

    const result = await reencrypt({ db, codecs: [codec], keys });

    expect(result.finished).toBe(true);
    expect(result.failed).toBe(1);
    expect(result.failures).toEqual([
      {
        collection: 'members',
        documentId: idOf(1),
        field: 'phone',
        reason: 'authentication_failed',
      },
    ]);
    expect(JSON.stringify(result)).not.toContain(phoneOf(2).slice(-4));
    expect(await versionsOf(idOf(1))).toEqual([1, 1]);
    expect(await versionsOf(idOf(0))).toEqual([2, 2]);
    expect(await versionsOf(idOf(2))).toEqual([2, 2]);
  });

  it('reports progress against the collection counts', async () => {
    await seed(5);
    await keys.rotate();
    const events: unknown[] = [];

    await reencrypt({ db, codecs: [codec], keys, batchSize: 2, onProgress: (e) => events.push(e) });

    expect(events).toEqual([
      { kind: 'start', keyVersion: 2, resumed: false, done: 0, total: 5 },
      { kind: 'batch', collection: 'members', scanned: 2, collectionTotal: 5, done: 2, total: 5 },
      { kind: 'batch', collection: 'members', scanned: 4, collectionTotal: 5, done: 4, total: 5 },
      { kind: 'batch', collection: 'members', scanned: 5, collectionTotal: 5, done: 5, total: 5 },
      expect.objectContaining({ kind: 'collection', done: 5, total: 5 }),
    ]);
  });
});
