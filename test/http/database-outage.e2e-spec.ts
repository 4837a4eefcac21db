import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import {
  serveEmbeddedDatabase,
  type EmbeddedServer,
} from '../../src/platform/storage/embedded-server/embedded-server.js';
import { FixturesModule } from '../support/fixtures.module.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

const silent = pino({ level: 'silent' });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('when the database is unreachable', () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let server: EmbeddedServer;
  let port: number;
  let api: TestApi;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-outage-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent });
    port = await freePort();
    server = await serveEmbeddedDatabase(db, { port, logger: silent });
    api = await startTestApi({ modules: [FixturesModule], env: { EMBEDDED_DB_URL: server.url } });
  });
  afterAll(async () => {
    await api?.close();
    await server?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 database_unavailable at once, reports not ready, and recovers when it returns', async () => {
    expect((await fetch(`${api.url}/fixtures/count`)).status).toBe(200);

    await server.close();
    const refused = await fetch(`${api.url}/fixtures/count`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ code: 'database_unavailable' });
    const notReady = await fetch(`${api.url}/health/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: 'unavailable',
      checks: { database: { status: 'down' } },
    });

    server = await serveEmbeddedDatabase(db, { port, logger: silent });
    expect((await fetch(`${api.url}/fixtures/count`)).status).toBe(200);
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
  });
});

describe('when MongoDB cannot be reached at all', () => {
  let api: TestApi;

  beforeAll(async () => {
    const deadPort = await freePort();
    api = await startTestApi({
      modules: [FixturesModule],
      migrate: false,
      env: {
        MONGODB_URI: `mongodb://127.0.0.1:${deadPort}/?serverSelectionTimeoutMS=300&connectTimeoutMS=300`,
      },
    });
  });
  afterAll(() => api?.close());

  it('still starts, reports not ready, and refuses requests that need it with 503', async () => {
    const ready = await fetch(`${api.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: { database: { status: 'down', kind: 'mongodb' } },
    });
    const refused = await fetch(`${api.url}/fixtures/count`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'database_unavailable' });
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
  });
});
