import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { EmbeddedDatabase } from './embedded/embedded-database.js';
import { ConcurrentModificationError, isDuplicateKeyError } from './errors.js';
import { importFromLegacy, legacySourceKey, type LegacyCopy } from './legacy-copy.js';

const T0 = new Date('2026-12-01T00:00:00Z');
const T1 = new Date('2026-12-02T00:00:00Z');
const copy = (hash: string, mappingVersion = 1): LegacyCopy => ({
  path: 'users/u1',
  hash,
  sealed: 'ciphertext of the source values',
  mappingVersion,
});

describe('importFromLegacy', () => {
  let dir: string;
  let db: Database;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-legacy-copy-'));
    db = await EmbeddedDatabase.open(dir, { logger: pino({ level: 'silent' }), dbName: 'test' });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  const members = () => db.collection<{ _id: string; role?: string; lookup?: string }>('members');

  it('writes a new document with its fields and the legacy copy under a key of its path', async () => {
    expect(
      await importFromLegacy(
        members(),
        'u1',
        copy('h1'),
        { $set: { role: 'worker' }, $setOnInsert: { createdAt: T0 } },
        T0,
      ),
    ).toBe('written');
    const doc = (await members().findOne({ _id: 'u1' })) as Record<string, unknown>;
    expect(doc).toMatchObject({
      role: 'worker',
      createdAt: T0,
      _legacy: {
        migratedAt: T0,
        sources: {
          [legacySourceKey('users/u1')]: {
            path: 'users/u1',
            sealed: 'ciphertext of the source values',
            marker: '1:h1',
          },
        },
      },
    });
  });

  it('leaves a document that already holds the same copy untouched, and says so', async () => {
    await importFromLegacy(members(), 'u1', copy('h1'), { $set: { role: 'worker' } }, T0);
    await members().updateOne({ _id: 'u1' }, { $set: { role: 'changed by the app' } });

    expect(
      await importFromLegacy(members(), 'u1', copy('h1'), { $set: { role: 'worker' } }, T1),
    ).toBe('unchanged');
    expect(await members().findOne({ _id: 'u1' })).toMatchObject({ role: 'changed by the app' });
  });

  it('rewrites a document whose source changed, or that an older mapping wrote, keeping the first migration time', async () => {
    await importFromLegacy(members(), 'u1', copy('h1'), { $set: { role: 'worker' } }, T0);
    expect(
      await importFromLegacy(members(), 'u1', copy('h2'), { $set: { role: 'business' } }, T1),
    ).toBe('written');
    expect(
      await importFromLegacy(members(), 'u1', copy('h2', 2), { $set: { role: 'worker' } }, T1),
    ).toBe('written');
    expect(await members().findOne({ _id: 'u1' })).toMatchObject({
      role: 'worker',
      _legacy: { migratedAt: T0 },
    });
  });

  it('lets a unique index of the collection refuse the write (a CI held by another), not call it unchanged', async () => {
    await members().createIndex({ lookup: 1 }, { unique: true, sparse: true });
    await importFromLegacy(members(), 'u1', copy('h1'), { $set: { lookup: 'same' } }, T0);
    const other = { ...copy('h9'), path: 'users/u2' };
    const error = await importFromLegacy(
      members(),
      'u2',
      other,
      { $set: { lookup: 'same' } },
      T0,
    ).catch((e: unknown) => e);
    expect(isDuplicateKeyError(error)).toBe(true);
  });

  it('writes only while the document still meets what the update was computed from, else says it changed', async () => {
    const versioned = () => db.collection<{ _id: string; version?: number; n?: number }>('workers');
    await importFromLegacy(
      versioned(),
      'w1',
      copy('h1'),
      { $set: { n: 1 }, $inc: { version: 1 } },
      T0,
    );
    const other = { ...copy('h2'), path: 'users/w1/bankAccounts/b1' };

    const stale = await importFromLegacy(versioned(), 'w1', other, { $set: { n: 2 } }, T0, {
      version: 0,
    }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConcurrentModificationError);
    expect(
      await importFromLegacy(
        versioned(),
        'w1',
        other,
        { $set: { n: 2 }, $inc: { version: 1 } },
        T0,
        { version: 1 },
      ),
    ).toBe('written');
    expect(
      await importFromLegacy(versioned(), 'w1', other, { $set: { n: 2 } }, T0, { version: 1 }),
    ).toBe('unchanged');
    expect(await versioned().findOne({ _id: 'w1' })).toMatchObject({ n: 2, version: 2 });
  });
});
