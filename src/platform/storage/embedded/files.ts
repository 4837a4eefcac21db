import { open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { StorageLogger } from '../database.js';

/**
 * The files of an embedded database directory:
 * - `snapshot.wmdb`: the state as of its generation G (absent until the first compaction, G = 1);
 * - `journal-<G>.log`, `journal-<G+1>.log`…: the writes since, replayed in order on open;
 * - `*.tmp`: a compaction that did not finish; ignored and removed on open;
 * - `LOCK`: the single-writer lock.
 */
export const SNAPSHOT_FILE = 'snapshot.wmdb';
export const SNAPSHOT_TEMP_FILE = `${SNAPSHOT_FILE}.tmp`;

export function journalFileName(generation: number): string {
  return `journal-${String(generation).padStart(8, '0')}.log`;
}

export interface JournalFile {
  generation: number;
  path: string;
}

/** Journal files in generation order. */
export async function listJournals(dir: string): Promise<JournalFile[]> {
  const names = await readdir(dir);
  return names
    .map((name) => ({ name, match: /^journal-(\d{8})\.log$/.exec(name) }))
    .filter((entry) => entry.match !== null)
    .map((entry) => ({ generation: Number(entry.match![1]), path: path.join(dir, entry.name) }))
    .sort((a, b) => a.generation - b.generation);
}

/** Makes created, renamed and deleted names in `dir` durable (a file's fsync does not). */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function removeTempFiles(dir: string, logger: StorageLogger): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.tmp')) continue;
    logger.warn(
      { dir, file: name },
      'embedded database: removing a file left by an unfinished compaction',
    );
    await unlink(path.join(dir, name));
  }
}
