import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/local/launcher.js';
import { ensureBuilt } from '../support/build.js';

/**
 * The built CLI (`node dist/cli.js`, what the image runs): `--help` of every command prints its
 * usage and runs nothing, before configuration is read or anything is opened. dist is rebuilt
 * first when missing or older than src (test/support/build.ts).
 */

const CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Where each run may write: a fresh DATA_DIR, checked empty afterwards. */
let dataDir: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: PROJECT_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: os.tmpdir(),
          NO_COLOR: '1',
          DATA_DIR: dataDir,
          // A command that ran would reach for these; nothing listens there.
          LOCAL_COGNITO_PORT: '9',
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: unknown }).code as number) : 0;
        resolve({ code: typeof code === 'number' ? code : -1, out: stdout, err: stderr });
      },
    );
  });
}

/** The command names the CLI lists (`cli help`): every entry of its COMMANDS table. */
function commandsIn(list: string): string[] {
  const section = list.split(/^commands:\n/m)[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}(\S+ \S+) {2,}/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

describe('cli help (the built CLI)', () => {
  let list: Run;

  beforeAll(async () => {
    await ensureBuilt(['cli.js']);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'wm-cli-help-'));
    list = await cli(['help']);
  }, 180_000);

  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('lists every command with a summary, exit 0', () => {
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^usage: cli <command> \[options\]/);
    expect(commandsIn(list.out)).toEqual(
      expect.arrayContaining([
        'db migrate',
        'db status',
        'db compact',
        'db check',
        'members create-staff',
        'legacy-auth import',
        'legacy generate',
        'privacy rotate-keys',
        'privacy verify-access-log',
        'privacy access-review',
        'retention purge',
        'config check',
        'demo seed',
        'jobs run',
      ]),
    );
  });

  it('lists the same for no arguments and for --help', async () => {
    for (const args of [[], ['--help'], ['-h']]) {
      const run = await cli(args);
      expect(run, args.join(' ')).toMatchObject({ code: 0, out: list.out });
    }
  }, 60_000);

  it('answers <command> --help for every command with its usage, exit 0, reading no configuration and creating nothing', async () => {
    const commands = commandsIn(list.out);
    expect(commands.length).toBeGreaterThanOrEqual(13);
    for (const name of commands) {
      // APP_MODE=bogus: a command that read its configuration would stop with exit 78.
      const help = await cli([...name.split(' '), '--help'], { APP_MODE: 'bogus' });

      expect(help.err, name).toBe('');
      expect(help.code, name).toBe(0);
      expect(help.out, name).toMatch(new RegExp(`^usage: cli ${name}( |\\n)`));
      expect(help.out, name).toContain('-h, --help');
      expect(help.out, name).toMatch(/\nexamples?:\n {2}\S/);
      expect(await fs.readdir(dataDir), name).toEqual([]);
    }
  }, 90_000);

  it('prints the same usage for cli help <command> and <command> -h', async () => {
    for (const name of ['members create-staff', 'demo seed', 'db migrate', 'legacy generate']) {
      const byHelp = await cli(['help', ...name.split(' ')]);
      const byFlag = await cli([...name.split(' '), '-h']);

      expect(byHelp.code, name).toBe(0);
      expect(byFlag, name).toMatchObject({ code: 0, out: byHelp.out });
    }
    expect(await fs.readdir(dataDir)).toEqual([]);
  }, 60_000);

  it('cli help legacy generate shows its options', async () => {
    const help = await cli(['help', 'legacy', 'generate']);

    expect(help.code).toBe(0);
    for (const option of ['--users <N>', '--seed <S>', '--format export|ndjson', '--out <dir>']) {
      expect(help.out).toContain(option);
    }
    expect(help.out).toContain('--auth-users <K>');
    expect(help.out).toContain('--force');
  });

  it("refuses a command's unknown option with its usage on stderr, exit 2, before running it", async () => {
    for (const name of commandsIn(list.out)) {
      const run = await cli([...name.split(' '), '--no-such-option']);

      expect(run.code, name).toBe(2);
      expect(run.out, name).toBe('');
      expect(run.err, name).toMatch(/'--no-such-option'/);
      expect(run.err, name).toContain(`usage: cli ${name}`);
    }
    expect(await fs.readdir(dataDir)).toEqual([]);
  }, 90_000);

  it('refuses an unknown command naming it, with the list, exit 2', async () => {
    const run = await cli(['db', 'drop']);

    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^unknown command: db drop\n/);
    expect(run.err).toContain('db migrate');
  });
});
