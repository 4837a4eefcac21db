import { mkdir, readFile, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Document, StorageLogger } from '../../database.js';
import type { IndexDefinition } from '../index-keys.js';
import { encodeComponent } from '../key-encoding.js';
import { decodeDocument } from './ejson-codec.js';

/**
 * Reads, once, a database directory written by the engine before SQLite: `snapshot.wmdb` (the
 * state at a generation) and `journal-<generation>.log` files (writes since), each a sequence of
 * records `uint32 LE length | uint32 LE crc32 | canonical EJSON`. Read only; the importer stores
 * the result in the SQLite file and then moves these files into a backup directory.
 *
 * Damage is refused, never guessed around: only an incomplete final record of the newest
 * journal (what a crash during an append leaves) is dropped, with a warning. A bad record with
 * data after it is corruption, and the import stops naming the file and the offset.
 */

const SNAPSHOT_FILE = 'snapshot.wmdb';
const JOURNAL = /^journal-(\d{8})\.log$/;
const HEADER_BYTES = 8;
const SNAPSHOT_FORMAT = 'workmatch-embedded-snapshot';

interface LegacyCollection {
  name: string;
  indexes: IndexDefinition[];
  docs: Document[];
}

export interface LegacyImage {
  collections: LegacyCollection[];
  documents: number;
}

class LegacyJournalError extends Error {
  constructor(file: string, detail: string) {
    super(
      `The old embedded database file ${file} is damaged (${detail}); it was not imported. ` +
        'Restore it from a backup, or move the directory aside to start with an empty database.',
    );
    this.name = 'LegacyJournalError';
  }
}

/** Whether `dir` holds files of the old engine. */
export async function hasLegacyFiles(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((n) => n === SNAPSHOT_FILE || JOURNAL.test(n));
}

interface State {
  indexes: Map<string, IndexDefinition>;
  docs: Map<string, Document>;
}

/** The old directory's state, as the old engine would have opened it. */
export async function readLegacyDirectory(
  dir: string,
  logger: StorageLogger,
): Promise<LegacyImage> {
  const names = await readdir(dir);
  const state = new Map<string, State>();
  const collection = (name: string): State => {
    let s = state.get(name);
    if (!s) {
      s = { indexes: new Map(), docs: new Map() };
      state.set(name, s);
    }
    return s;
  };

  let base = 1;
  if (names.includes(SNAPSHOT_FILE)) {
    const file = path.join(dir, SNAPSHOT_FILE);
    base = readSnapshot(file, await readFile(file), collection);
  }
  const journals = names
    .map((name) => ({ name, match: JOURNAL.exec(name) }))
    .filter((j) => j.match !== null)
    .map((j) => ({ generation: Number(j.match![1]), file: path.join(dir, j.name) }))
    .sort((a, b) => a.generation - b.generation);
  const live = journals.filter((j) => j.generation >= base);
  for (const [i, journal] of live.entries()) {
    if (journal.generation !== base + i)
      throw new LegacyJournalError(journal.file, `journal generation ${base + i} is missing`);
    const data = await readFile(journal.file);
    const last = i === live.length - 1;
    scan(journal.file, data, last, logger, (payload) => {
      const record = decodeDocument(payload) as { ops: Document[] };
      for (const op of record.ops) {
        const target = collection(op.c as string);
        if ('put' in op) {
          const doc = op.put as Document;
          target.docs.set(idKey(doc._id), doc);
        } else if ('del' in op) {
          target.docs.delete(idKey(op.del));
        } else if ('index' in op) {
          const def = op.index as IndexDefinition;
          target.indexes.set(def.name, def);
        } else {
          throw new LegacyJournalError(
            journal.file,
            `unknown operation ${Object.keys(op).join(',')}`,
          );
        }
      }
    });
  }
  const collections = [...state].map(([name, s]) => ({
    name,
    indexes: [...s.indexes.values()],
    docs: [...s.docs.values()],
  }));
  return {
    collections,
    documents: collections.reduce((n, c) => n + c.docs.length, 0),
  };
}

function idKey(id: unknown): string {
  return encodeComponent(id).toString('latin1');
}

function readSnapshot(file: string, data: Buffer, collection: (name: string) => State): number {
  let header: Document | undefined;
  let trailer: Document | undefined;
  let count = 0;
  scan(file, data, false, undefined, (payload) => {
    if (trailer) throw new LegacyJournalError(file, 'records after the trailer');
    const record = decodeDocument(payload);
    if (!header) {
      if (record.format !== SNAPSHOT_FORMAT || record.version !== 1)
        throw new LegacyJournalError(file, `unknown format ${String(record.format)}`);
      header = record;
      for (const c of record.collections as Array<{ name: string; indexes: IndexDefinition[] }>) {
        const target = collection(c.name);
        for (const def of c.indexes) target.indexes.set(def.name, def);
      }
    } else if (record.end === true) {
      trailer = record;
    } else {
      const target = collection(record.c as string);
      for (const doc of record.docs as Document[]) target.docs.set(idKey(doc._id), doc);
      count += (record.docs as Document[]).length;
    }
  });
  if (!header || !trailer) throw new LegacyJournalError(file, 'no header or no trailer');
  if (trailer.documents !== count)
    throw new LegacyJournalError(
      file,
      `trailer counts ${String(trailer.documents)}, found ${count}`,
    );
  return header.generation as number;
}

/**
 * Calls `onRecord` for every valid record. A damaged record ends the scan quietly only in the
 * newest journal and only when nothing follows it (or only zeros): a torn append.
 */
function scan(
  file: string,
  data: Buffer,
  tornTailAllowed: boolean,
  logger: StorageLogger | undefined,
  onRecord: (payload: string) => void,
): void {
  let offset = 0;
  while (offset < data.length) {
    const problem = recordProblem(data, offset);
    if (problem === undefined) {
      const length = data.readUInt32LE(offset);
      onRecord(data.toString('utf8', offset + HEADER_BYTES, offset + HEADER_BYTES + length));
      offset += HEADER_BYTES + length;
      continue;
    }
    const rest = data.subarray(offset);
    const announced = rest.length >= HEADER_BYTES ? rest.readUInt32LE(0) : 0;
    const reachesEnd = rest.length < HEADER_BYTES || HEADER_BYTES + announced >= rest.length;
    const zeros = rest.every((b) => b === 0);
    if (tornTailAllowed && (reachesEnd || zeros)) {
      logger?.warn(
        { file, offset, droppedBytes: rest.length, problem },
        'old embedded journal ends with an incomplete write (a crash during a write); importing the records before it',
      );
      return;
    }
    throw new LegacyJournalError(file, `${problem}, with ${rest.length} bytes from there on`);
  }
}

function recordProblem(data: Buffer, offset: number): string | undefined {
  if (data.length - offset < HEADER_BYTES) return `incomplete record header at byte ${offset}`;
  const length = data.readUInt32LE(offset);
  if (length === 0) return `empty record at byte ${offset}`;
  const start = offset + HEADER_BYTES;
  if (start + length > data.length) return `record at byte ${offset} is cut short`;
  if (crc32(data.subarray(start, start + length)) !== data.readUInt32LE(offset + 4))
    return `checksum mismatch at byte ${offset}`;
  return undefined;
}

/**
 * Moves the old files (and the old lock) into `<dir>/<backupName>`; returns that path. Every
 * process that finds them after the import moves them to the same place, so a move cut short
 * by a crash is finished by the next start.
 */
export async function backUpLegacyFiles(dir: string, backupName: string): Promise<string> {
  const backup = path.join(dir, backupName);
  await mkdir(backup, { recursive: true });
  const names = (await readdir(dir)).filter(
    (n) => n === SNAPSHOT_FILE || JOURNAL.test(n) || n === 'LOCK' || n.endsWith('.tmp'),
  );
  for (const name of names) {
    await rename(path.join(dir, name), path.join(backup, name)).catch((error: unknown) => {
      // Another process moved it first.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  return backup;
}
