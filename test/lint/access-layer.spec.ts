import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * STYLE.md, "One access layer": who counts as an operator is written once
 * (src/platform/auth/access.ts), and no controller decides who may do what (the services ask
 * src/modules/access). A scan of the shipped source, so a new copy fails the suite.
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ROLE_PART = 'platform/auth/access.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

const files = sources(SRC).map((path) => ({
  path: relative(SRC, path),
  text: readFileSync(path, 'utf8'),
}));

describe('one access layer', () => {
  it('writes the operator and admin role check only in platform/auth/access.ts', () => {
    const copies = files
      .filter(({ path }) => path !== ROLE_PART)
      .filter(({ text }) => /\.includes\(\s*['"](operator|admin)['"]\s*\)/.test(text))
      .map(({ path }) => path);
    expect(copies).toEqual([]);
  });

  it("checks no principal's groups and asks no staff check in a controller", () => {
    const deciding = files
      .filter(({ path }) => path.endsWith('.controller.ts'))
      .filter(({ text }) => /\.groups\b|assertStaff|isStaff|AccessService/.test(text))
      .map(({ path }) => path);
    expect(deciding).toEqual([]);
  });
});
