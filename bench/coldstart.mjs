// coldstart: process start to the first 200 on /health/ready, aws-like mode, embedded engine.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { awsLikeEnv, freePort, median, migrate, report, ROOT, waitForStatus } from './lib.mjs';

const RUNS = 5;

async function once(env, port) {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    await waitForStatus(`http://127.0.0.1:${port}/health/ready`);
    return performance.now() - started;
  } finally {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
}

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-cold-'));
  try {
    const port = await freePort();
    const env = {
      ...awsLikeEnv(path.join(dir, 'db'), port),
      NODE_COMPILE_CACHE: path.join(dir, 'compile-cache'),
    };
    migrate(env);
    const baselineStart = performance.now();
    await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).once('exit', resolve));
    const nodeAlone = performance.now() - baselineStart;
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await once(env, port));
    const ms = median(times);
    report('coldstart', [
      {
        figure: `spawn to first 200 on /health/ready, median of ${RUNS} (first, empty compile cache: ${Math.round(times[0])} ms)`,
        value: ms,
        unit: 'ms',
        baseline: nodeAlone,
        ratio: ms / nodeAlone,
        goal: '<= 1000 ms',
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
