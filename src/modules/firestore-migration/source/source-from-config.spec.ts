import { Firestore } from '@google-cloud/firestore';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { fs } from '../firestore/value.js';
import { NdjsonSource } from '../ndjson/ndjson-source.js';
import { ExportSource } from './export-source.js';
import { startFirestoreEmulator } from './firestore-emulator.fixture.js';
import { LiveFirestoreSource } from './live-source.js';
import { createLiveFirestore, sourceFromConfig } from './source-from-config.js';

describe('sourceFromConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads a managed export or NDJSON from the path it is given', () => {
    expect(sourceFromConfig({ kind: 'export', path: '/data/export' })).toBeInstanceOf(ExportSource);
    expect(sourceFromConfig({ kind: 'ndjson', path: '/data/dump.ndjson' })).toBeInstanceOf(
      NdjsonSource,
    );
  });

  it('names the missing variable, not a stack, when a setting is absent', () => {
    expect(() => sourceFromConfig({ kind: 'live', projectId: '' })).toThrow(
      /MIGRATION_FIRESTORE_PROJECT_ID/,
    );
    expect(() => sourceFromConfig({ kind: 'export', path: '' })).toThrow(/MIGRATION_SOURCE_PATH/);
    expect(() => sourceFromConfig({ kind: 'bigquery' } as never)).toThrow(ZodError);
    expect(() =>
      sourceFromConfig({ kind: 'live', projectId: 'p', collectionGroups: ['users/u1/x'] }),
    ).toThrow(/no slash/);
  });

  it('gives the live client a service account key passed as JSON (a secret ECS injects), not only as a file', () => {
    const client = createLiveFirestore({
      projectId: 'legacy',
      credentials: { client_email: 'reader@legacy.iam.gserviceaccount.com', private_key: 'KEY' },
    }) as unknown as { _settings: { credentials?: unknown; projectId?: string } };
    expect(client._settings).toMatchObject({
      projectId: 'legacy',
      credentials: { client_email: 'reader@legacy.iam.gserviceaccount.com', private_key: 'KEY' },
    });
  });

  it('builds a live source whose client keeps every integer exact (useBigInt), on the configured groups', async () => {
    vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
    const emulator = await startFirestoreEmulator();
    // The SDK's own rule: FIRESTORE_EMULATOR_HOST sends the client to an emulator.
    vi.stubEnv('FIRESTORE_EMULATOR_HOST', emulator.host);
    const writer = new Firestore({ projectId: 'legacy', useBigInt: true });
    const sut = sourceFromConfig({
      kind: 'live',
      projectId: 'legacy',
      collectionGroups: ['users'],
      readsPerSecond: 100,
    });
    try {
      expect(sut).toBeInstanceOf(LiveFirestoreSource);
      await writer.doc('users/u1').set({ n: 9_007_199_254_740_991n, d: 2.5 });
      const snapshot = await sut.openSnapshot(new Date());
      expect(await sut.listCollectionGroups(snapshot)).toEqual(['users']);
      expect((await sut.get(snapshot, 'users/u1'))?.fields).toEqual({
        n: fs.int(9_007_199_254_740_991n),
        d: fs.double(2.5),
      });
    } finally {
      await sut.close();
      await writer.terminate();
      emulator.stop();
    }
  });
});
