import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/local/launcher.js';

export const DIST = path.join(PROJECT_ROOT, 'dist');
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Runs `tsc -p tsconfig.build.json` when any of `entries` (paths under dist/) is missing or
 * dist is older than src, so e2e suites run what `npm run build` would produce.
 */
export async function ensureBuilt(entries: readonly string[]): Promise<void> {
  const files = entries.map((e) => path.join(DIST, e));
  const stale =
    !files.every((file) => existsSync(file)) ||
    !existsSync(BUILD_INFO) ||
    (await newestSource(path.join(PROJECT_ROOT, 'src'))) > statSync(BUILD_INFO).mtimeMs;
  if (!stale) return;
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
      cwd: PROJECT_ROOT,
    });
  } catch (error) {
    // tsc still emits on type errors; those are `npm run typecheck`'s to report. What the
    // suites need is runnable entries, and a runtime failure shows up in their output.
    const { stdout } = error as { stdout?: string };
    if (!files.every((file) => existsSync(file))) {
      throw new Error(`npm run build failed:\n${stdout ?? String(error)}`, { cause: error });
    }
    console.warn(`npm run build reported errors (dist emitted anyway):\n${stdout ?? ''}`);
  }
}
