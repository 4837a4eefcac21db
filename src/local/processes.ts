import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Prefixer } from './output.js';

export interface ChildSpec {
  /** Short name, used as the output prefix and in messages: `api`, `worker`, `s3`. */
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Lines of its output not worth showing (a program's own start banner). */
  hide?: (line: string) => boolean;
}

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

/**
 * The module every child preloads to stop when the launcher goes (parent-watch.ts): compiled
 * beside this file in dist; from the sources (tests), the compiled copy when there is one.
 */
function parentWatchModule(): string | undefined {
  const compiled = fileURLToPath(new URL('./parent-watch.js', import.meta.url));
  if (existsSync(compiled)) return compiled;
  const fromSources = fileURLToPath(new URL('../../dist/local/parent-watch.js', import.meta.url));
  return existsSync(fromSources) ? fromSources : undefined;
}

/** `NODE_OPTIONS` with the parent watch preloaded (kept as given when it cannot be found). */
function withParentWatch(nodeOptions: string | undefined): string | undefined {
  const watch = parentWatchModule();
  if (!watch) return nodeOptions;
  const flag = `--import=${pathToFileURL(watch).href}`;
  return nodeOptions?.includes(flag) ? nodeOptions : [nodeOptions, flag].filter(Boolean).join(' ');
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
      env: { ...spec.env, NODE_OPTIONS: withParentWatch(spec.env.NODE_OPTIONS) },
      // The IPC channel is the child's lifeline: it closes when this process ends, however it
      // ends, and the preloaded parent watch then stops the child (parent-watch.ts).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a Ctrl-C in the terminal reaches the launcher only, which then
      // stops the children in order (apps before the stand-ins they drain against) instead of
      // every process dying at once and the launcher mistaking that for a crash.
      detached: true,
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (!spec.hide?.(line)) output(spec.name, line);
      });
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
