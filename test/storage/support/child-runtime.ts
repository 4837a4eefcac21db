import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const STORAGE_SRC = path.join(ROOT, 'src/platform/storage');
const CHILD_SCRIPT = path.join(ROOT, 'test/storage/support/durability-child.mjs');

/**
 * Child processes cannot import the TypeScript sources (Node strips types but does not map the
 * `.js` specifiers to `.ts` files), and `dist/` may be stale or absent on a clean clone. So the
 * storage sources are compiled with SWC, which vitest already uses, into a private directory
 * under `node_modules/.cache` (inside the project, so `bson` and `mingo` resolve); ~100 ms.
 */
export async function compileStorageForChildren(): Promise<{
  entry: string;
  cleanup: () => Promise<void>;
}> {
  const cache = path.join(ROOT, 'node_modules/.cache');
  await mkdir(cache, { recursive: true });
  const out = await mkdtemp(path.join(cache, 'workmatch-storage-'));
  await writeFile(path.join(out, 'package.json'), '{"type":"module"}\n');
  for (const file of await sourceFiles(STORAGE_SRC)) {
    const { code } = await transformFile(file, {
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
      },
      module: { type: 'es6' },
      sourceMaps: false,
    });
    const target = path.join(out, path.relative(STORAGE_SRC, file)).replace(/\.ts$/, '.js');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, code);
  }
  return {
    // Only the engine: the rest of storage may import from outside it, which is not compiled here.
    entry: path.join(out, 'embedded/embedded-database.js'),
    cleanup: () => rm(out, { recursive: true, force: true }),
  };
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(full);
  }
  return files;
}

/** A child running `durability-child.mjs`, with its stdout as a stream of lines. */
export class Child {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  #stderr = '';
  #waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(entry: string, args: string[]) {
    this.process = spawn(process.execPath, [CHILD_SCRIPT, ...args], {
      env: { ...process.env, STORAGE_ENTRY: entry },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stderr!.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.test(line)) return true;
        w.resolve(line);
        return false;
      });
    });
    this.exited = new Promise((resolve) =>
      this.process.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  get pid(): number {
    return this.process.pid!;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the first line (already seen or to come) that passes `test`. */
  waitForLine(test: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ test, resolve });
      void this.exited.then(({ code, signal }) =>
        reject(
          new Error(
            `child exited (${code ?? signal}) before the expected line; stderr:\n${this.#stderr}`,
          ),
        ),
      );
    });
  }

  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null)
      this.process.kill('SIGKILL');
    await this.exited;
  }
}
