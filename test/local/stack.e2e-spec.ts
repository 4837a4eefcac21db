import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/build.js';
import { launch, stopLauncher, waitFor, withTimeout } from './launched.js';
import { busyPorts, childPids, isAlive, stackPorts, tempDir } from './support.js';

/**
 * `npm start` for real: `node dist/local/stack.js` with the real API and worker, on free ports
 * and a temporary data directory. dist is rebuilt first when missing or older than src.
 */

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
        popbill: { status: 'up' },
        nts: { status: 'up' },
        nice: { status: 'up' },
        danal: { status: 'up' },
      });
      expect(launched.output()).toContain(`http://127.0.0.1:${ports.popbill}/inbox`);
      expect(launched.output()).toContain(`NICE stub     http://127.0.0.1:${ports.nice}`);
      expect(launched.output()).toContain(`Slack stub    http://127.0.0.1:${ports.slack}`);
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
