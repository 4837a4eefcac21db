import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/local/launcher.js';
import { ensureBuilt } from '../support/build.js';

const run = promisify(execFile);
const CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');

describe('cli config check', () => {
  beforeAll(() => ensureBuilt(['cli.js']), 120_000);

  it("prints the identity providers' order and hosts, never their credentials", async () => {
    const { stdout } = await run(process.execPath, [CLI, 'config', 'check'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: os.tmpdir(),
        DATA_DIR: path.join(os.tmpdir(), 'wm-config-check'),
        IDENTITY_PROVIDERS: 'danal,nice',
        NICE_CLIENT_SECRET: 'nice-secret-value',
        DANAL_CPPWD: 'danal-secret-value',
      },
    });
    const summary = JSON.parse(stdout) as { identity: { providers: string[] } };
    expect(summary.identity).toMatchObject({
      providers: ['danal', 'nice'],
      nice: { apiUrl: 'http://127.0.0.1:9350' },
      danal: { uasUrl: 'http://127.0.0.1:9351/uas/' },
    });
    expect(stdout).not.toMatch(/secret-value/);
  }, 60_000);
});
