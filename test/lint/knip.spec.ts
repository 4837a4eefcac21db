import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * `npm run knip` (in `npm run check` and .ci/run) with the project's own knip.config.js, run on a
 * copy of the project so that a planted file never touches the worktree: what nothing uses fails,
 * what an entry point, a spec or a bench uses passes.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KNIP = path.join(ROOT, 'node_modules/knip/bin/knip.js');
const COPIED = [
  'src',
  'test',
  'bench',
  'infra',
  'console',
  'package.json',
  'knip.config.js',
  'tsconfig.json',
  'tsconfig.build.json',
  'vitest.config.ts',
  'eslint.config.js',
];

let copy: string;
beforeEach(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'workmatch-knip-'));
  for (const entry of COPIED) {
    cpSync(path.join(ROOT, entry), path.join(copy, entry), {
      recursive: true,
      // The CDK app's synthesized output is not source, nor are the console's installed
      // packages (the copy links the root's node_modules) or its screenshots.
      filter: (source) =>
        !source.includes(`${path.sep}cdk.out`) &&
        !source.includes(`console${path.sep}node_modules`) &&
        !source.includes(`${path.sep}screenshots`),
    });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  // What npm could not hoist stays in the console's own folder (its Vite plugin).
  if (existsSync(path.join(ROOT, 'console', 'node_modules'))) {
    symlinkSync(
      path.join(ROOT, 'console', 'node_modules'),
      path.join(copy, 'console', 'node_modules'),
      'dir',
    );
  }
});
afterEach(() => {
  rmSync(copy, { recursive: true, force: true });
});

function knip(): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [KNIP, '--no-progress', '--no-config-hints'], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function plant(file: string, text: string): void {
  writeFileSync(path.join(copy, file), text);
}

describe('npm run knip: nothing unused ships', () => {
  it('passes on the project as it is', () => {
    const { status, output } = knip();
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('fails on an export nothing imports, naming it', () => {
    appendFileSync(
      path.join(copy, 'src/platform/time/kst.ts'),
      'export const plantedUnused = 1;\n',
    );
    const { status, output } = knip();
    expect(status).toBe(1);
    expect(output).toMatch(/Unused exports[\s\S]*plantedUnused\s+src\/platform\/time\/kst\.ts/);
  });

  it('fails on a file nothing imports, naming it', () => {
    plant('src/platform/planted-orphan.ts', 'export const orphan = 1;\n');
    const { status, output } = knip();
    expect(status).toBe(1);
    expect(output).toMatch(/Unused files[\s\S]*src\/platform\/planted-orphan\.ts/);
  });

  it('counts an export that only a spec of its unit uses as used', () => {
    appendFileSync(path.join(copy, 'src/platform/time/kst.ts'), 'export const specOnly = 1;\n');
    plant(
      'src/platform/time/planted.spec.ts',
      "import { expect, it } from 'vitest';\nimport { specOnly } from './kst.js';\n\nit('reads it', () => expect(specOnly).toBe(1));\n",
    );
    expect(knip()).toEqual({ status: 0, output: '' });
  });

  it('reads a bench import of dist/<path>.js as src/<path>.ts, so what a bench uses counts as used', () => {
    appendFileSync(path.join(copy, 'src/platform/time/kst.ts'), 'export const benchOnly = 1;\n');
    plant(
      'bench/planted.mjs',
      "import { benchOnly } from '../dist/platform/time/kst.js';\n\nexport const run = () => benchOnly;\n",
    );
    expect(knip()).toEqual({ status: 0, output: '' });
  });
});
