import { open, readFile } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Document } from '../database.js';
import { decodeDocument, encodeValue } from './ejson-codec.js';
import type { IndexDefinition } from './index-keys.js';
import { frame, scanFrames, writeFully } from './journal.js';

const FORMAT = 'workmatch-embedded-snapshot';
const VERSION = 1;
const CHUNK_BYTES = 1 << 20;

export interface SnapshotCollection {
  name: string;
  indexes: IndexDefinition[];
  docs: Document[];
}

export interface SnapshotImage {
  generation: number;
  collections: SnapshotCollection[];
}

/**
 * Writes the image as records (header, document chunks, trailer) and syncs it. The caller writes
 * to a temporary name and renames, so a reader only ever sees a complete snapshot; the trailer's
 * count still guards against a damaged one.
 */
export async function writeSnapshot(file: string, image: SnapshotImage): Promise<number> {
  const handle = await open(file, 'w');
  let total = 0;
  try {
    const header = {
      format: FORMAT,
      version: VERSION,
      generation: image.generation,
      collections: image.collections.map((c) => ({ name: c.name, indexes: c.indexes })),
    };
    let pending: Buffer[] = [frame(encodeValue(header))];
    let pendingBytes = pending[0]!.length;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await writeFully(handle, Buffer.concat(pending));
      total += pendingBytes;
      pending = [];
      pendingBytes = 0;
      // Serialising a large image must not stall the requests the engine keeps serving.
      await yieldToEventLoop();
    };
    let count = 0;
    for (const collection of image.collections) {
      let chunk: string[] = [];
      let chunkBytes = 0;
      const emit = async () => {
        const record = frame(
          `{"c":${JSON.stringify(collection.name)},"docs":[${chunk.join(',')}]}`,
        );
        pending.push(record);
        pendingBytes += record.length;
        chunk = [];
        chunkBytes = 0;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      };
      for (const doc of collection.docs) {
        const text = encodeValue(doc);
        chunk.push(text);
        chunkBytes += text.length;
        count++;
        if (chunkBytes >= CHUNK_BYTES / 4) await emit();
      }
      if (chunk.length > 0) await emit();
    }
    const trailer = frame(encodeValue({ end: true, documents: count }));
    pending.push(trailer);
    pendingBytes += trailer.length;
    await flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
  return total;
}

export interface LoadedCollection {
  name: string;
  indexes: IndexDefinition[];
  docs: Array<{ doc: Document; bytes: number }>;
}

export interface LoadedSnapshot {
  generation: number;
  bytes: number;
  collections: LoadedCollection[];
}

export class CorruptSnapshotError extends Error {
  constructor(file: string, detail: string) {
    super(
      `The snapshot ${file} is damaged (${detail}); restore it from a backup or move the directory aside.`,
    );
    this.name = 'CorruptSnapshotError';
  }
}

/** Reads a snapshot; `undefined` when there is none. A damaged one is an error, never skipped. */
export async function readSnapshot(file: string): Promise<LoadedSnapshot | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let header:
    | { format?: unknown; version?: unknown; generation?: unknown; collections?: unknown }
    | undefined;
  let trailer: { documents?: unknown } | undefined;
  const byName = new Map<string, LoadedCollection>();
  let count = 0;
  const scan = scanFrames(data, (payload) => {
    if (trailer) throw new CorruptSnapshotError(file, 'records after the trailer');
    const record = decodeDocument(payload);
    if (!header) {
      header = record;
      if (record.format !== FORMAT || record.version !== VERSION) {
        throw new CorruptSnapshotError(
          file,
          `unknown format ${String(record.format)} v${String(record.version)}`,
        );
      }
      for (const c of record.collections as Array<{ name: string; indexes: IndexDefinition[] }>) {
        byName.set(c.name, { name: c.name, indexes: c.indexes, docs: [] });
      }
    } else if (record.end === true) {
      trailer = record;
    } else {
      const target = byName.get(record.c as string);
      if (!target)
        throw new CorruptSnapshotError(
          file,
          `documents of an undeclared collection ${String(record.c)}`,
        );
      const docs = record.docs as Document[];
      const bytes = Math.ceil(payload.length / Math.max(docs.length, 1));
      for (const doc of docs) target.docs.push({ doc, bytes });
      count += docs.length;
    }
  });
  if (scan.problem) throw new CorruptSnapshotError(file, scan.problem);
  if (!header || !trailer) throw new CorruptSnapshotError(file, 'no header or no trailer');
  if (trailer.documents !== count) {
    throw new CorruptSnapshotError(
      file,
      `trailer counts ${String(trailer.documents)} documents, found ${count}`,
    );
  }
  return {
    generation: header.generation as number,
    bytes: data.length,
    collections: [...byName.values()],
  };
}
