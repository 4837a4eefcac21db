import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/local/launcher.js';
import type { StackPorts } from '../../src/local/ports.js';
import { ensureBuilt } from '../support/build.js';
import { busyPorts, childPids, isAlive, stackPorts, tempDir } from './support.js';

/**
 * `npm start` for real: `node dist/local/stack.js` with the real API and worker, on free ports
 * and a temporary data directory. dist is rebuilt first when missing or older than src.
 */

const DIST = path.join(PROJECT_ROOT, 'dist');

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(
  ports: StackPorts,
  dataDir: string,
  env: Record<string, string | undefined> = {},
): Launched {
  const child = spawn(process.execPath, [path.join(DIST, 'local', 'stack.js')], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NO_COLOR: '1',
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      WORKER_PORT: String(ports.worker),
      LOCAL_COGNITO_PORT: String(ports.cognito),
      LOCAL_S3_PORT: String(ports.s3),
      LOCAL_SQS_PORT: String(ports.sqs),
      LOCAL_LAMBDA_PORT: String(ports.lambda),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => text, exited };
}

async function waitFor(launched: Launched, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void launched.exited.then((code) => (exitCode = code));
  while (!pattern.test(launched.output())) {
    if (exitCode !== undefined || Date.now() > deadline) {
      throw new Error(
        `the launcher ${exitCode !== undefined ? `exited (${exitCode})` : 'timed out'} before ${pattern}:\n${launched.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms),
    ),
  ]);
}

/** On a failed assertion: a graceful stop first, so the launcher takes its children down. */
async function stopLauncher(launched: Launched): Promise<void> {
  const { child } = launched;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const children = childPids(child.pid ?? 0);
  child.kill('SIGTERM');
  await withTimeout(launched.exited, 20_000, 'no exit').catch(() => child.kill('SIGKILL'));
  for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
}

describe('npm start (dist/local/stack.js)', () => {
  beforeAll(() => ensureBuilt(['main.js', 'worker.js', 'local/stack.js']), 60_000);

  it('serves /health/ready with every stand-in up, then stops everything on Ctrl-C', async () => {
    const ports = await stackPorts();
    const launched = launch(ports, await tempDir());
    try {
      await waitFor(launched, /workmatch is running locally/, 40_000);
      const pid = launched.child.pid ?? 0;
      const children = childPids(pid);

      const ready = await fetch(`http://127.0.0.1:${ports.api}/health/ready`);
      const body = (await ready.json()) as { checks: Record<string, { status: string }> };
      const docs = await fetch(`http://127.0.0.1:${ports.api}/docs`);
      const worker = await fetch(`http://127.0.0.1:${ports.worker}/health/ready`);
      await Promise.all([docs, worker].map((r) => r.body?.cancel()));

      expect(launched.output()).toContain(`http://127.0.0.1:${ports.api}/docs`);
      expect(ready.status).toBe(200);
      expect(body.checks).toMatchObject({
        cognito: { status: 'up' },
        s3: { status: 'up' },
        sqs: { status: 'up' },
      });
      expect(docs.status).toBe(200);
      expect(worker.status).toBe(200);
      expect(children).toHaveLength(3); // s3rver, api, worker

      launched.child.kill('SIGINT');
      const code = await withTimeout(launched.exited, 20_000, 'no exit on SIGINT');

      expect(code).toBe(0);
      expect(children.filter(isAlive)).toEqual([]);
      expect(await busyPorts(ports)).toEqual([]);
    } finally {
      await stopLauncher(launched);
    }
  }, 60_000);

  it('starts quietly (the URL block and little else) and stops without a warning or a stack trace', async () => {
    const ports = await stackPorts();
    const launched = launch(ports, await tempDir(), { LOG_LEVEL: undefined });
    try {
      await waitFor(launched, /Press Ctrl-C to stop/, 40_000);
      const start = launched.output();
      const before = start.slice(0, start.indexOf('workmatch is running locally'));
      expect(before.split('\n').filter(Boolean).length, before).toBeLessThanOrEqual(3);
      await fetch(`http://127.0.0.1:${ports.api}/health/ready`).then((r) => r.body?.cancel());

      launched.child.kill('SIGINT');
      expect(await withTimeout(launched.exited, 20_000, 'no exit on SIGINT')).toBe(0);
      const stop = launched.output().slice(start.length);
      expect(stop).not.toMatch(/WARN|ERROR|\n\s+at /);
      expect(stop).toContain('stopped');
    } finally {
      await stopLauncher(launched);
    }
  }, 60_000);

  it('takes every child and port down when the launcher is killed with SIGKILL', async () => {
    const ports = await stackPorts();
    const launched = launch(ports, await tempDir());
    try {
      await waitFor(launched, /workmatch is running locally/, 40_000);
      const children = childPids(launched.child.pid ?? 0);
      expect(children).toHaveLength(3);

      launched.child.kill('SIGKILL');
      await launched.exited;

      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline && (children.some(isAlive) || (await busyPorts(ports)).length))
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(children.filter(isAlive)).toEqual([]);
      expect(await busyPorts(ports)).toEqual([]);
    } finally {
      await stopLauncher(launched);
    }
  }, 60_000);

  it('stops everything when the terminal closes (SIGHUP), exiting 0', async () => {
    const ports = await stackPorts();
    const launched = launch(ports, await tempDir());
    try {
      await waitFor(launched, /workmatch is running locally/, 40_000);
      const children = childPids(launched.child.pid ?? 0);

      launched.child.kill('SIGHUP');

      expect(await withTimeout(launched.exited, 20_000, 'no exit on SIGHUP')).toBe(0);
      expect(children.filter(isAlive)).toEqual([]);
      expect(await busyPorts(ports)).toEqual([]);
    } finally {
      await stopLauncher(launched);
    }
  }, 60_000);

  it('refuses APP_MODE=aws and says what to run instead, starting nothing', async () => {
    const ports = await stackPorts();
    const launched = launch(ports, await tempDir(), { APP_MODE: 'aws' });
    try {
      expect(await withTimeout(launched.exited, 15_000, 'no exit')).toBe(2);
      expect(launched.output()).toMatch(/APP_MODE=aws/);
      expect(launched.output()).toMatch(/node dist\/main\.js/);
      expect(await busyPorts(ports)).toEqual([]);
    } finally {
      await stopLauncher(launched);
    }
  }, 30_000);

  it('reports an occupied port and exits 1, leaving no process behind', async () => {
    const ports = await stackPorts();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(ports.api, '127.0.0.1', resolve));
    const launched = launch(ports, await tempDir());
    try {
      const code = await withTimeout(launched.exited, 15_000, 'no exit');

      expect(code).toBe(1);
      expect(launched.output()).toContain(
        `port ${ports.api} on 127.0.0.1, wanted by the API, is already in use; stop what holds it or choose another port with PORT=<port>`,
      );
      expect(await busyPorts({ ...ports, api: 0 })).toEqual([]);
    } finally {
      blocker.close();
      await stopLauncher(launched);
    }
  }, 30_000);
});
