import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateLegacyDataset } from '../../src/modules/firestore-migration/generator/generate.js';

/** Users of a generated export the per-user migration tests need. */
export interface LegacyExportUsers {
  /** The first user (users are written first, in order). */
  first: string;
  /** Another user whose `users` document holds an email (no Firebase Auth account is made). */
  withEmail: { uid: string; email: string };
}

/**
 * A small Firestore export of the old app (NDJSON, generated, no Firebase Auth accounts) in `dir`,
 * and the users the migration's tests ask for.
 */
export async function generatedExport(
  dir: string,
  options: { users: number; seed: string },
): Promise<LegacyExportUsers> {
  await generateLegacyDataset({ ...options, format: 'ndjson', out: dir, authUsers: 0 });
  const users = (await readFile(path.join(dir, 'documents-00000.ndjson'), 'utf8'))
    .split('\n')
    .filter((line) => /^\{"path":"users\/[^"/]+"/.test(line))
    .map((line) => JSON.parse(line) as { path: string; fields: { email?: unknown } });
  const uidOf = (user: { path: string }) => user.path.split('/')[1]!;
  const [first] = users;
  const holder = users.find((u) => u !== first && typeof u.fields.email === 'string');
  if (!first || !holder) throw new Error('the generated export lacks the users the tests need');
  return {
    first: uidOf(first),
    withEmail: { uid: uidOf(holder), email: holder.fields.email as string },
  };
}
