import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Prefixer } from './output.js';

export interface ChildSpec {
  /** Short name, used as the output prefix and in messages: `api`, `worker`, `s3`. */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

/** Every child still running, so a forced exit of the launcher can take them down with it. */
const live = new Set<ManagedProcess>();

/** SIGKILL to every managed child still running (synchronous: safe in an 'exit' handler). */
export function killAllProcesses(): void {
  for (const child of live) child.kill();
}

export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not be started: ${exit.error.message}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * A child process whose output is forwarded line by line under its name and which can be
 * stopped with a bound: SIGTERM first (the API drains requests on it), SIGKILL after the bound.
 */
export class ManagedProcess {
  readonly name: string;
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;
  private exitInfo: ChildExit | undefined;
  private stopRequested = false;

  constructor(spec: ChildSpec, output: Prefixer) {
    this.name = spec.name;
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal reaches the launcher only, which then
      // stops the children in order (apps before the stand-ins they drain against) instead of
      // every process dying at once and the launcher mistaking that for a crash.
      detached: true,
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      readline
        .createInterface({ input: stream, crlfDelay: Infinity })
        .on('line', (line) => output(spec.name, line));
    }
    live.add(this);
    this.exited = new Promise((resolve) => {
      let spawnError: Error | undefined;
      this.child.once('error', (error) => {
        spawnError = error;
        // A process that never spawned emits no 'exit'.
        if (this.child.pid === undefined) {
          this.exitInfo = { name: this.name, code: null, signal: null, error };
          live.delete(this);
          resolve(this.exitInfo);
        }
      });
      this.child.once('exit', (code, signal) => {
        this.exitInfo = {
          name: this.name,
          code,
          signal,
          ...(spawnError ? { error: spawnError } : {}),
        };
        live.delete(this);
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined && this.child.pid !== undefined;
  }

  /** True once `stop()` was called: an exit after that is expected, not a crash. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** SIGTERM, then SIGKILL if the process is still there after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<ChildExit> {
    this.stopRequested = true;
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.running) this.child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** Immediate SIGKILL (a second Ctrl-C). */
  kill(): void {
    this.stopRequested = true;
    if (this.running) this.child.kill('SIGKILL');
  }
}
