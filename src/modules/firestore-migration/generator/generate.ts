import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ExportWriter } from '../export/export-directory.js';
import type { SourceDoc } from '../firestore/value.js';
import { NdjsonWriter } from '../ndjson/ndjson-source.js';
import { AuthExportWriter } from './auth-files.js';
import {
  type Dataset,
  generateActivity,
  generateBusiness,
  generateNotifications,
  generatePost,
  postCount,
  type WorkerActivity,
} from './legacy-activity.js';
import { type AuthUser, generateUser, userCore } from './legacy-users.js';

/**
 * `legacy generate`: the old app's data (docs/legacy-firestore.md) for `users` users, the same
 * documents byte for byte for the same seed, streamed to the files one document at a time. Each
 * document is regenerated from an index (random.ts), so memory does not grow with the size.
 */
export interface GenerateOptions {
  users: number;
  seed: string;
  format: 'export' | 'ndjson';
  out: string;
  /** The first K users have a password (scrypt-hashed, slow by design). */
  authUsers: number;
  /** Replace what an earlier run wrote in `out`. */
  force?: boolean;
  /** Export files roll over at this size; NDJSON files at this many lines. */
  bytesPerFile?: number;
  linesPerFile?: number;
  /** Now and then: the pass and how far through all passes (one step per user per pass). */
  onProgress?: (progress: { pass: Pass; done: number; total: number; documents: number }) => void;
}

type Pass = (typeof PASSES)[number];
export const PASSES = [
  'users',
  'businesses',
  'jobPosts',
  'applications',
  'matches',
  'noShows',
  'notifications',
] as const;

export interface GenerateSummary {
  /** Documents per collection (subcollections by their own name: `bankAccounts`). */
  collections: Record<string, number>;
  documents: number;
  authUsers: number;
  passwordUsers: number;
  files: string[];
  seconds: number;
}

/** The export's metadata carries an export time: a fixed one keeps the bytes the same. */
const EXPORTED_AT = new Date('2025-12-01T00:00:00Z');

/** What a run writes in `out`; `--force` removes these and nothing else. */
const OWN_ENTRIES = [
  /^all_namespaces$/,
  /\.overall_export_metadata$/,
  /^documents-\d+\.ndjson$/,
  /^auth$/,
];

export class OutputDirectoryError extends Error {
  override readonly name = 'OutputDirectoryError';
}

async function prepareOutput(out: string, force: boolean): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new OutputDirectoryError(`${out} is a file, not a directory`);
    throw error;
  }
  if (entries.length === 0) return;
  if (!force)
    throw new OutputDirectoryError(
      `${out} is not empty (--force replaces what an earlier run wrote there)`,
    );
  // Only the generator's own files: --force on a directory holding anything else keeps it.
  for (const entry of entries.filter((e) => OWN_ENTRIES.some((own) => own.test(e)))) {
    await rm(path.join(out, entry), { recursive: true, force: true });
  }
}

export interface GeneratedItem {
  pass: Pass;
  /** The index of the user the document hangs on. */
  index: number;
  doc: SourceDoc;
  /** With a user's own document: its Firebase Auth entry. */
  auth?: AuthUser;
}

/**
 * Every document of the dataset, in the order they are written: each user with its
 * subcollections, then businesses, posts, applications, matches, no-shows, notifications. The
 * first `passwordUsers` users have an email (they sign in with it and a password).
 */
export function* legacyDocuments(d: Dataset, passwordUsers = 0): Generator<GeneratedItem> {
  for (let i = 0; i < d.users; i++) {
    const user = generateUser(d.seed, d.users, i, { emailRequired: i < passwordUsers });
    yield { pass: 'users', index: i, doc: user.docs[0]!, auth: user.auth };
    for (const doc of user.docs.slice(1)) yield { pass: 'users', index: i, doc };
  }
  for (let i = 0; i < d.users; i++) {
    const owner = userCore(d.seed, i);
    if (owner.role === 'business')
      yield { pass: 'businesses', index: i, doc: generateBusiness(d, owner) };
  }
  for (let i = 0; i < d.users; i++) {
    const owner = userCore(d.seed, i);
    if (owner.role !== 'business') continue;
    const count = postCount(d, i);
    for (let k = 0; k < count; k++)
      yield { pass: 'jobPosts', index: i, doc: generatePost(d, owner, k) };
  }
  // Applications, matches and no-shows come from one draw per worker, made again for each pass.
  for (const part of [
    'applications',
    'matches',
    'noShows',
  ] as const satisfies readonly (keyof WorkerActivity & Pass)[]) {
    for (let i = 0; i < d.users; i++) {
      const worker = userCore(d.seed, i);
      if (worker.role !== 'worker') continue;
      for (const doc of generateActivity(d, worker)[part]) yield { pass: part, index: i, doc };
    }
  }
  for (let i = 0; i < d.users; i++) {
    for (const doc of generateNotifications(d, userCore(d.seed, i)))
      yield { pass: 'notifications', index: i, doc };
  }
}

/** `users/u/bankAccounts/x` → `bankAccounts`. */
const groupOf = (docPath: string) => {
  const parts = docPath.split('/');
  return parts[parts.length - 2]!;
};

export async function generateLegacyDataset(options: GenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  await prepareOutput(options.out, options.force ?? false);
  const d: Dataset = { seed: options.seed, users: options.users };
  const passwordUsers = Math.min(options.authUsers, options.users);
  const auth = new AuthExportWriter(options.out, options.seed, passwordUsers);
  const writer =
    options.format === 'export'
      ? new ExportWriter(options.out, { bytesPerFile: options.bytesPerFile })
      : new NdjsonWriter(options.out, { linesPerFile: options.linesPerFile });
  const collections: Record<string, number> = {};
  let documents = 0;
  let lastReport = -1;

  const write = async (item: GeneratedItem) => {
    if (writer instanceof ExportWriter) await writer.add(item.doc.path, item.doc.fields);
    else await writer.add(item.doc);
    const group = groupOf(item.doc.path);
    collections[group] = (collections[group] ?? 0) + 1;
    documents += 1;
    if (options.onProgress && item.index !== lastReport && item.index % 1000 === 0) {
      lastReport = item.index;
      options.onProgress({
        pass: item.pass,
        done: PASSES.indexOf(item.pass) * d.users + item.index,
        total: PASSES.length * d.users,
        documents,
      });
    }
  };

  for (const item of legacyDocuments(d, passwordUsers)) {
    if (item.auth) await auth.add(item.auth);
    await write(item);
  }

  const written =
    writer instanceof ExportWriter ? await writer.finish(EXPORTED_AT) : await writer.finish();
  const authFiles = await auth.finish();
  return {
    collections,
    documents,
    authUsers: authFiles.users,
    passwordUsers,
    files: [
      ...written.files.map((f) => (path.isAbsolute(f) ? path.relative(options.out, f) : f)),
      ...authFiles.files,
    ],
    seconds: (performance.now() - started) / 1000,
  };
}
