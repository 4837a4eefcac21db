import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/local/launcher.js';
import type { StackPorts } from '../../src/local/ports.js';
import { childPids, isAlive } from './support.js';

/** `node dist/local/stack.js` as `npm start` runs it, on given ports and data directory. */

const DIST = path.join(PROJECT_ROOT, 'dist');

export interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function launch(
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
      LOCAL_POPBILL_PORT: String(ports.popbill),
      LOCAL_NTS_PORT: String(ports.nts),
      LOCAL_SLACK_PORT: String(ports.slack),
      LOCAL_NICE_PORT: String(ports.nice),
      LOCAL_DANAL_PORT: String(ports.danal),
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

export async function waitFor(
  launched: Launched,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
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

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms),
    ),
  ]);
}

/** On a failed assertion: a graceful stop first, so the launcher takes its children down. */
export async function stopLauncher(launched: Launched): Promise<void> {
  const { child } = launched;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const children = childPids(child.pid ?? 0);
  child.kill('SIGTERM');
  await withTimeout(launched.exited, 20_000, 'no exit').catch(() => child.kill('SIGKILL'));
  for (const pid of children.filter(isAlive)) process.kill(pid, 'SIGKILL');
}
