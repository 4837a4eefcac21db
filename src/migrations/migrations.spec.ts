import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MIGRATION_ID } from '../platform/schema/schema-migration.js';
import { MIGRATIONS } from './index.js';

describe('schema migrations', () => {
  it('registers every migration file, each under the id its file name gives', async () => {
    const files = (await readdir(new URL('.', import.meta.url)))
      .filter((f) => /^\d{13}-.+\.ts$/.test(f) && !f.endsWith('.spec.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(MIGRATIONS.map((m) => m.id).sort()).toEqual(files);
    for (const id of files) expect(id).toMatch(MIGRATION_ID);
  });
});
