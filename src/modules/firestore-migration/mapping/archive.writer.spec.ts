import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { SchemaMigrator } from '../../../platform/schema/schema-migrator.js';
import type { Database } from '../../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../../platform/storage/embedded/embedded-database.js';
import { idFromLegacyPath, parseId } from '../../../platform/storage/ids.js';
import { legacySourceKey } from '../../../platform/storage/legacy-copy.js';
import { openPrivacy } from '../../../privacy/privacy.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { MigrationEngine } from '../engine/migration-engine.js';
import { MigrationStateRepository } from '../engine/migration-state.repository.js';
import { fs } from '../firestore/value.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { stageWriters } from '../stage-writers.js';
import { LEGACY_NOTIFICATIONS } from './legacy-notifications.repository.js';

const silent = pino({ level: 'silent' });
const UID = 'UidWorker00000000000000001';

/** Medium: the archive stage after the members stage, through stageWriters as the CLI builds them. */
describe('the archive stage', () => {
  let dir: string;
  let db: Database;
  let source: InMemorySource;
  let state: MigrationStateRepository;
  let sealer: LegacySealer;
  let engine: MigrationEngine;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-archive-stage-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sealer = new LegacySealer(privacy.cipher);
    source = new InMemorySource();
    state = new MigrationStateRepository(db);
    engine = new MigrationEngine({
      source,
      state,
      writers: stageWriters(db, privacy),
      logger: silent,
    });
    source.set(`users/${UID}`, { role: 'worker', name: '김민수' });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function migrate() {
    await engine.run({ stages: ['members'] });
    await state.setStatus('members', 'verified', new Date());
    return engine.run({ stages: ['archive'] });
  }

  it('keeps each notification findable by member, type and time, its text only in the encrypted copy', async () => {
    source.set('notifications/Note0000000000000001', {
      uid: UID,
      type: 'match',
      title: '김민수님, 근무가 확정되었습니다',
      body: '010-1234-5678로 연락 주세요',
      read: true,
      sentAt: fs.ts(1_700_000_000),
    });

    expect((await migrate()).counts).toMatchObject({ read: 1, written: 1 });

    const id = idFromLegacyPath('notifications/Note0000000000000001');
    const doc = await db.collection(LEGACY_NOTIFICATIONS).findOne({ _id: parseId(id) as never });
    expect(doc).toMatchObject({
      memberId: UID,
      type: 'match',
      read: true,
      sentAt: new Date(1_700_000_000_000),
    });
    expect(JSON.stringify(doc)).not.toMatch(/김민수|1234-5678|확정/);
    const copy = (doc as unknown as { _legacy: { sources: Record<string, { sealed: unknown }> } })
      ._legacy.sources[legacySourceKey('notifications/Note0000000000000001')]!;
    const opened = await sealer.open(
      { collection: LEGACY_NOTIFICATIONS, id },
      'notifications/Note0000000000000001',
      copy.sealed,
    );
    expect(opened.body).toBe('010-1234-5678로 연락 주세요');
  });

  it('reports a notification of a member that was not migrated', async () => {
    source.set('notifications/Note0000000000000002', { uid: 'UidNobody', type: 'notice' });

    expect((await migrate()).counts).toMatchObject({ read: 1, skipped: 1 });
    expect(await state.issuesOf('archive')).toEqual([
      expect.objectContaining({ code: 'dangling_reference' }),
    ]);
  });
});
