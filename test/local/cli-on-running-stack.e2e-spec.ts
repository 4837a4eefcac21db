import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/local/launcher.js';
import type { StackPorts } from '../../src/local/ports.js';
import type { JobStatus } from '../../src/platform/jobs/scheduler.js';
import { exportFile, hashConfigJson, newHashParameters } from '../legacy-auth/support.js';
import { DIST, ensureBuilt } from '../support/build.js';
import { launch, stopLauncher, waitFor, type Launched } from './launched.js';
import { stackPorts, tempDir } from './support.js';

/**
 * Every CLI command, as the README shows it, run against a running `npm start`: the CLI opens
 * the same database the API and worker are using, and never asks anyone to delete a lock.
 */
const run = promisify(execFile);

let ports: StackPorts;
let dataDir: string;
let launched: Launched;

function stackEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: '1',
    APP_MODE: 'local',
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    WORKER_PORT: String(ports.worker),
    LOCAL_COGNITO_PORT: String(ports.cognito),
    LOCAL_S3_PORT: String(ports.s3),
    LOCAL_SQS_PORT: String(ports.sqs),
    LOCAL_LAMBDA_PORT: String(ports.lambda),
    LOCAL_POPBILL_PORT: String(ports.popbill),
    LOCAL_NTS_PORT: String(ports.nts),
    LOCAL_SLACK_PORT: String(ports.slack),
    LOCAL_NICE_PORT: String(ports.nice),
    LOCAL_DANAL_PORT: String(ports.danal),
    LOG_CONSOLE_LEVEL: 'warn',
  };
}

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(DIST, 'cli.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: stackEnv(),
      timeout: 60_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, out: `${stdout}${stderr}` };
  }
}

/** The commands `cli help` lists (every command the CLI has). */
async function listedCommands(): Promise<string[]> {
  const { out } = await cli('help');
  return [...out.matchAll(/^ {2}([a-z][a-z-]*(?: [a-z][a-z-]*)?) {2,}/gm)].map((m) => m[1]!);
}

const exercised = new Set<string>();
async function expectOk(args: string[], pattern?: RegExp): Promise<string> {
  exercised.add(args.slice(0, 2).join(' '));
  const { code, out } = await cli(...args);
  expect(out).not.toMatch(/DatabaseLockedError|delete the lock/i);
  expect(code, `${args.join(' ')}:\n${out}`).toBe(0);
  if (pattern) expect(out).toMatch(pattern);
  return out;
}

beforeAll(async () => {
  await ensureBuilt(['cli.js', 'main.js', 'worker.js', 'local/stack.js']);
  ports = await stackPorts();
  dataDir = await tempDir();
  launched = launch(ports, dataDir);
  await waitFor(launched, /workmatch is running locally/, 60_000);
}, 120_000);
afterAll(async () => {
  if (launched) await stopLauncher(launched);
});

describe('the CLI against a running stack', () => {
  it('runs the schema and database commands while the API and worker hold the database', async () => {
    await expectOk(['db', 'migrate']);
    await expectOk(['db', 'status'], /up to date/);
    await expectOk(['db', 'check']);
    await expectOk(['db', 'compact']);
    await expectOk(['config', 'check'], /"mode": "local"/);
    const ready = await fetch(`http://127.0.0.1:${ports.api}/health/ready`);
    expect(ready.status).toBe(200);
  }, 120_000);

  it('creates staff, seeds the demo and imports a Firebase export into the running stack', async () => {
    await expectOk(
      ['members', 'create-staff', '--email', 'ops.kim@test.workmatch.kr', '--role', 'operator'],
      /temporary/i,
    );
    await expectOk(['demo', 'seed']);
    const again = await expectOk(['demo', 'seed']);
    expect(again).toMatch(/exist/i);
    const login = await fetch(`http://127.0.0.1:${ports.api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops.kim@test.workmatch.kr', password: 'wrong-Password-1!' }),
    });
    expect(login.status).toBe(401);

    const params = newHashParameters();
    const users = path.join(dataDir, 'users.json');
    const config = path.join(dataDir, 'hash-config.json');
    await writeFile(
      users,
      JSON.stringify(
        await exportFile(
          [{ uid: 'legacyUid0001', email: 'old@test.workmatch.kr', password: 'old-pass-1' }],
          params,
        ),
      ),
    );
    await writeFile(config, hashConfigJson(params));
    await expectOk(['legacy-auth', 'import', '--users', users, '--hash-config', config], /1/);

    // Made-up legacy data for the Firestore migration (its auth export is another project's,
    // with other hash parameters: test/legacy-auth/generated-users.spec.ts imports it).
    const legacy = path.join(dataDir, 'legacy');
    await expectOk(
      ['legacy', 'generate', '--users', '20', '--seed', '7', '--format', 'ndjson', '--out', legacy],
      /users/,
    );
    // …which the migration plans, copies (a day's quota) and reports on, beside the running apps.
    await expectOk(['migrate', 'plan', '--source', 'ndjson', '--path', legacy], /users\s+members/);
    await expectOk(
      ['migrate', 'run', '--source', 'ndjson', '--path', legacy, '--documents', '1000'],
      /members\s+copied/,
    );
    await expectOk(['migrate', 'status'], /members\s+copied/);
    await expectOk(
      ['migrate', 'verify', '--source', 'ndjson', '--path', legacy],
      /members\s+clean: verified/,
    );
    const uid = /"path":"users\/([^"/]+)"/.exec(
      (await readFile(path.join(legacy, 'documents-00000.ndjson'), 'utf8')).split('\n')[0]!,
    )![1]!;
    await expectOk(
      ['migrate', 'user', uid, '--source', 'ndjson', '--path', legacy],
      new RegExp(`^user ${uid}: done`, 'm'),
    );
    await expectOk(['migrate', 'cleanup', '--dry-run', '--stage', 'members'], /members\s+retained/);
  }, 180_000);

  it("prints the stack's inbox: the demo's assignments went out as AlimTalk", async () => {
    // The worker delivers the seeded assignments' events within a poll or two.
    const deadline = Date.now() + 20_000;
    while (!/AlimTalk WM_ASGN_/.test((await cli('dev', 'inbox')).out) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const out = await expectOk(['dev', 'inbox'], /AlimTalk WM_ASGN_/);
    // The stack writes its metrics once a minute: none yet, or the ones written.
    await expectOk(['dev', 'metrics'], /no metrics in the last|Requests/);
    expect(out).toMatch(/to 010\d{8}/);
  }, 60_000);

  it('runs the privacy and retention commands on the data the stack wrote', async () => {
    const month = new Date().toISOString().slice(0, 7);
    await expectOk(['privacy', 'access-review', '--month', month]);
    await expectOk(['privacy', 'verify-access-log']);
    await expectOk(['privacy', 'rotate-keys']);
    await expectOk(['retention', 'purge', '--dry-run']);
  }, 120_000);

  it("produces last month's statistics on the stack's S3 and announces them on its Slack", async () => {
    await expectOk(['stats', 'monthly'], /^\d{4}-\d{2}: (published|no activity)/m);
    const inbox = await fetch(`http://127.0.0.1:${ports.slack}/_inbox`);
    expect(JSON.stringify(await inbox.json())).toContain('월간 통계');
  }, 120_000);

  it("runs named jobs through the worker's lease, and the worker's /health/ready shows them", async () => {
    await expectOk(['jobs', 'run', 'holds-repair'], /^holds-repair: ok in \d+ ms /m);
    // The daily NTS re-check asks the NTS stub about the demo seed's business.
    await expectOk(
      ['jobs', 'run', 'businesses-nts-recheck'],
      /^businesses-nts-recheck: ok in \d+ ms .*"checked":[1-9]/m,
    );
    // The stack has no MIGRATION_SOURCE: the daily migration runs and says it did nothing.
    await expectOk(
      ['jobs', 'run', 'firestore-migration-daily'],
      /^firestore-migration-daily: ok in \d+ ms \{"skipped":"no MIGRATION_SOURCE"\}/m,
    );

    const ready = await fetch(`http://127.0.0.1:${ports.worker}/health/ready`);
    const body = (await ready.json()) as { jobs?: JobStatus[] };
    expect(ready.status).toBe(200);
    expect(body.jobs).toEqual([
      expect.objectContaining({
        name: 'holds-repair',
        schedule: 'every 1 min',
        lastResult: expect.objectContaining({ status: 'ok' }) as unknown,
      }),
      expect.objectContaining({
        name: 'businesses-nts-recheck',
        schedule: 'daily at 03:00 KST',
        lastResult: expect.objectContaining({ status: 'ok' }) as unknown,
      }),
      expect.objectContaining({
        name: 'firestore-migration-daily',
        schedule: 'daily at 03:00 KST',
        lastResult: expect.objectContaining({ status: 'ok' }) as unknown,
      }),
      expect.objectContaining({ name: 'files-cleanup', schedule: 'every 60 min' }),
      expect.objectContaining({ name: 'stats-monthly', schedule: 'daily at 06:00 KST' }),
      expect.objectContaining({ name: 'alerts-flush', schedule: 'every 1 min' }),
      expect.objectContaining({ name: 'queues-dead-letters', schedule: 'every 1 min' }),
    ]);
    expect(Date.parse(body.jobs?.[0]?.nextRunAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  }, 60_000);

  it('has run every command the CLI lists and the README shows', async () => {
    const listed = await listedCommands();
    expect(listed.length).toBeGreaterThan(8);
    expect(listed.filter((command) => !exercised.has(command))).toEqual([]);
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/npm run cli -- ([a-z-]+ [a-z-]+)/g)].map((m) => m[1]!);
    expect(shown.filter((command) => command !== 'help' && !listed.includes(command))).toEqual([]);
  });
});
