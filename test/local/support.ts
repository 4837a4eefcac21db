import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts, isPortFree, type StackPorts } from '../../src/local/ports.js';

export const FAKE_APP = fileURLToPath(new URL('./fixtures/fake-app.mjs', import.meta.url));

export function tempDir(prefix = 'workmatch-local-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function stackPorts(): Promise<StackPorts> {
  const [cognito, lambda, s3, sqs, popbill, nts, slack, nice, danal, api, worker] =
    (await freePorts(11)) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
  return { cognito, lambda, s3, sqs, popbill, nts, slack, nice, danal, api, worker };
}

/** Process ids whose parent is this process (the launcher's children when it runs in-process). */
export function childPids(parent = process.pid): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(parent)], {
      encoding: 'utf8',
    });
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, command]) => command !== undefined && command !== 'ps') // ps lists itself
      .map(([pid]) => Number(pid));
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function busyPorts(ports: StackPorts): Promise<number[]> {
  const busy: number[] = [];
  for (const port of Object.values(ports)) if (!(await isPortFree(port))) busy.push(port);
  return busy;
}
