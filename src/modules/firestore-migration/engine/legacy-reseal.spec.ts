import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Binary } from 'bson';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { MIGRATIONS } from '../../../migrations/index.js';
import { SchemaMigrator } from '../../../platform/schema/schema-migrator.js';
import type { Database } from '../../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../../platform/storage/embedded/embedded-database.js';
import { keyVersionOf } from '../../../privacy/crypto/field-cipher.js';
import { openPrivacy, type Privacy } from '../../../privacy/privacy.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { stageWriters } from '../stage-writers.js';
import { resealLegacyCopies } from './legacy-reseal.js';
import { MigrationEngine } from './migration-engine.js';
import { MigrationStateRepository } from './migration-state.repository.js';
import { MigrationVerifier } from './verify.js';

const silent = pino({ level: 'silent' });

/** Medium: key rotation reaches the migration's sealed `_legacy` copies. */
describe('resealing the _legacy copies after a key rotation', () => {
  let dir: string;
  let db: Database;
  let privacy: Privacy;
  let source: InMemorySource;
  let sealer: LegacySealer;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-reseal-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    sealer = new LegacySealer(privacy.cipher);
    source = new InMemorySource();
    source.set('users/UidWorker00000000000000001', { role: 'worker', name: '김민수' });
    source.set('users/UidOwner000000000000000001', { role: '사장님', name: '박사장' });
    const state = new MigrationStateRepository(db);
    await new MigrationEngine({
      source,
      state,
      writers: stageWriters(db, privacy),
      logger: silent,
    }).run({ stages: ['members'] });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const versions = async () => {
    const out: (number | undefined)[] = [];
    for (const name of ['members', 'workers']) {
      for (const doc of await db.collection(name).find({}).toArray()) {
        const sources = (
          doc as unknown as { _legacy: { sources: Record<string, { sealed: Binary }> } }
        )._legacy.sources;
        for (const copy of Object.values(sources)) out.push(keyVersionOf(copy.sealed.value()));
      }
    }
    return out;
  };

  it('seals every copy under an older version again under the current one, once', async () => {
    const before = privacy.keys.currentVersion;
    expect(await versions()).toEqual([before, before, before]);
    const current = await privacy.keys.rotate();

    const first = await resealLegacyCopies({ db, sealer, currentVersion: current });
    const second = await resealLegacyCopies({ db, sealer, currentVersion: current });

    expect(first).toEqual({ scanned: 3, resealed: 3, failed: [] });
    expect(second).toEqual({ scanned: 3, resealed: 0, failed: [] });
    expect(await versions()).toEqual([current, current, current]);
    // The copies still open to the source's values.
    const [members] = await new MigrationVerifier({
      source,
      db,
      state: new MigrationStateRepository(db),
      writers: stageWriters(db, privacy),
      sealer,
      sampleEvery: 1,
    }).verify({ stages: ['members'] });
    expect(members).toMatchObject({ clean: true, sampled: 2 });
  });

  it('lists a copy that does not open, and leaves it as it is', async () => {
    const current = await privacy.keys.rotate();
    await db.collection('members').updateOne(
      { _id: 'UidOwner000000000000000001' as never },
      {
        $set: {
          '_legacy.sources': { bad: { path: 'users/x', sealed: new Binary(Buffer.alloc(40)) } },
        },
      },
    );

    const result = await resealLegacyCopies({ db, sealer, currentVersion: current });

    expect(result.failed).toEqual([
      {
        collection: 'members',
        documentId: 'UidOwner000000000000000001',
        path: 'users/x',
        reason: 'FieldDecryptionError',
      },
    ]);
  });
});
