import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import { withUpdateOne } from '../../../test/support/database-doubles.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { openPrivacy, type Privacy } from '../../privacy/privacy.js';
import type { SourceDoc } from './firestore/value.js';
import { InMemorySource } from './source/in-memory-source.js';
import { stageWriters } from './stage-writers.js';

const silent = pino({ level: 'silent' });
const uid = (i: number) => `UidWorker${String(i).padStart(17, '0')}`;

/** Medium: the stages' writers on the embedded engine, a batch at a time. */
describe('stageWriters', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let privacy: Privacy;
  let docs: SourceDoc[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-stage-writers-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    const source = new InMemorySource();
    for (let i = 0; i < 30; i++) {
      source.set(`users/${uid(i)}`, {
        role: 'worker',
        name: '김민수',
        phone: `010-1234-${String(i).padStart(4, '0')}`,
      });
    }
    const snapshot = await source.openSnapshot();
    docs = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => (await source.get(snapshot, `users/${uid(i)}`))!),
    );
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const context = { runId: 'run-1', now: new Date('2026-06-01T00:00:00Z') };

  it('commits a batch of a stage as one transaction', async () => {
    const before = (await db.stats()).commits;
    const result = await stageWriters(db, privacy).members!.write(docs, context);
    expect(result.written).toBe(30);
    expect((await db.stats()).commits - before).toBe(1);
    expect(await db.collection('members').countDocuments({})).toBe(30);
    expect(await db.collection('workers').countDocuments({})).toBe(30);
  });

  it('leaves nothing of a batch that fails midway, so writing it again starts clean', async () => {
    let calls = 0;
    const failing = withUpdateOne(
      db,
      'members',
      (original) =>
        (...args) =>
          ++calls === 20
            ? Promise.reject(new Error('the connection was reset'))
            : original(...args),
    );
    await expect(stageWriters(failing, privacy).members!.write(docs, context)).rejects.toThrow(
      'the connection was reset',
    );
    expect(await db.collection('members').countDocuments({})).toBe(0);
    expect(await db.collection('workers').countDocuments({})).toBe(0);

    const again = await stageWriters(db, privacy).members!.write(docs, context);
    expect(again).toMatchObject({ written: 30, unchanged: 0 });
  });
});
