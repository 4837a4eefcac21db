import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixturesModule } from '../support/fixtures.module.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Another process on the same embedded database file, holding its write lock (as a long
 * `db compact` would) until told to let go on stdin.
 */
function holdWriteLock(file: string): Promise<{ release(): Promise<void> }> {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    require('node:readline').createInterface({ input: process.stdin }).on('line', () => {
      db.exec('COMMIT');
      db.close();
      process.exit(0);
    });`;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, file], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', () =>
      resolve({
        release: async () => {
          child.stdin!.write('release\n');
          await exited;
        },
      }),
    );
  });
}

describe('when another process holds the embedded database past the busy timeout', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({
      modules: [FixturesModule],
      env: { EMBEDDED_DB_BUSY_TIMEOUT_MS: '300' },
    });
  });
  afterAll(() => api?.close());

  const create = () =>
    fetch(`${api.url}/fixtures/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'thing', count: 1 }),
    });

  it('answers writes 503 database_unavailable at once after the timeout, keeps answering reads, and writes again once released', async () => {
    expect((await create()).status).toBe(201);
    const { file } = api.config.database as { file: string };

    const lock = await holdWriteLock(file);
    const refused = await create();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ code: 'database_unavailable' });
    // WAL readers never wait for a writer.
    const read = await fetch(`${api.url}/fixtures/count`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ things: 1 });

    await lock.release();
    expect((await create()).status).toBe(201);
    expect(await (await fetch(`${api.url}/fixtures/count`)).json()).toEqual({ things: 2 });
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
