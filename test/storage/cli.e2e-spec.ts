import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, ensureBuilt } from '../support/build.js';
import { Child, compileStorageForChildren } from './support/child-runtime.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The `db` commands of the built CLI, run while another process has the same database open and
 * is writing to it without pause: with every process opening the file itself, none of them
 * waits for the stack to stop or trips over a lock.
 */
describe('db commands while another process writes', () => {
  let dir: string;
  let writer: Child;
  let cleanupBuild: () => Promise<void>;

  const cli = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(DIST, 'cli.js'), ...args],
        {
          env: {
            ...process.env,
            APP_MODE: 'local',
            DATA_DIR: dir,
            LOG_LEVEL: 'warn',
            EMBEDDED_DB_BUSY_TIMEOUT_MS: '30000',
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const acks = () => writer.lines.filter((l) => l.startsWith('ack ')).length;

  beforeAll(async () => {
    await ensureBuilt(['cli.js']);
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-cli-'));
    const { entry, cleanup } = await compileStorageForChildren();
    cleanupBuild = cleanup;
    writer = new Child(entry, ['write', path.join(dir, 'db'), '1']);
    await writer.waitForLine(() => acks() >= 20);
  }, 60_000);

  afterAll(async () => {
    await writer?.kill();
    await cleanupBuild?.();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists pending migrations, applies them, then reports the schema up to date', async () => {
    const before = await cli('db', 'status');
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^pending:\n {2}\d{13}-CreateIdempotencyKeys/);

    const migrate = await cli('db', 'migrate');
    expect(migrate).toMatchObject({ code: 0, stderr: '' });

    expect(await cli('db', 'status')).toMatchObject({ code: 0, stdout: 'up to date\n' });
  });

  it('compacts and checks the file while the writer goes on', async () => {
    const ackedBefore = acks();
    const compact = await cli('db', 'compact');
    expect(compact.code).toBe(0);
    expect(compact.stdout).toMatch(/^compacted .*workmatch\.sqlite: \d+ → \d+ bytes\n$/);

    const check = await cli('db', 'check');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(
      /^ok: .*workmatch\.sqlite \(\d+ collections, \d+ documents, \d+ index entries\)\n$/,
    );

    await writer.waitForLine(() => acks() >= ackedBefore + 20);
    expect(writer.process.exitCode).toBeNull();
  });
});
