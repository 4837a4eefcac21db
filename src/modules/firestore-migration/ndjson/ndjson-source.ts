import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { SourceDoc } from '../firestore/value.js';
import {
  collectionGroupOf,
  type FirestoreSource,
  type Partition,
  type ScannedDoc,
  type Snapshot,
  type SourceCapabilities,
} from '../source/firestore-source.js';
import { fromNdjsonLine, NdjsonFormatError, toNdjsonLine } from './ndjson-codec.js';

/** The lines of a file, with their numbers (1-based), streamed. */
async function* lines(file: string): AsyncGenerator<{ n: number; line: string }> {
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of reader) {
    n += 1;
    if (line.trim() !== '') yield { n, line };
  }
}

const PATH_PREFIX = /^\{"path":("(?:[^"\\]|\\.)*")/;

/** The document path of a line without parsing the rest (both dialects write it first). */
function pathOfLine(line: string): string {
  const match = PATH_PREFIX.exec(line);
  if (match) return JSON.parse(match[1]!) as string;
  return fromNdjsonLine(line).path;
}

/**
 * NDJSON files as a source (ours or firestore-backfire's; ndjson-codec.ts): a file or a directory
 * of `*.ndjson` files, each file a partition, a cursor the line number. Like an export, the files
 * are their own snapshot.
 */
export class NdjsonSource implements FirestoreSource {
  readonly kind = 'ndjson';
  private files: string[] | undefined;
  private census: Map<string, Map<string, number>> | undefined;

  constructor(private readonly location: string) {}

  capabilities(): SourceCapabilities {
    return { pinnedReadTime: false, updateTime: true, counts: true, changedSince: false };
  }

  async openSnapshot(): Promise<Snapshot> {
    const files = await this.listFiles();
    const id = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
    return { id: `ndjson-${id}`, readTime: null };
  }

  async listCollectionGroups(): Promise<string[]> {
    return [...(await this.takeCensus()).keys()].sort();
  }

  async partition(_snapshot: Snapshot, collectionGroup: string): Promise<Partition[]> {
    const perFile = (await this.takeCensus()).get(collectionGroup);
    if (!perFile) return [];
    return (await this.listFiles())
      .filter((f) => perFile.has(f))
      .map((file, index) => ({ collectionGroup, index, bounds: { file } }));
  }

  async *scan(
    _snapshot: Snapshot,
    partition: Partition,
    options: { resumeAfter?: string } = {},
  ): AsyncIterable<ScannedDoc> {
    const after = options.resumeAfter === undefined ? 0 : Number(options.resumeAfter);
    for await (const { n, line } of lines(partition.bounds.file!)) {
      if (n <= after) continue;
      if (collectionGroupOf(pathOfLine(line)) !== partition.collectionGroup) continue;
      yield { doc: this.parse(line, partition.bounds.file!, n), cursor: String(n) };
    }
  }

  async count(_snapshot: Snapshot, partition: Partition): Promise<number> {
    return (
      (await this.takeCensus()).get(partition.collectionGroup)?.get(partition.bounds.file!) ?? 0
    );
  }

  async get(_snapshot: Snapshot, docPath: string): Promise<SourceDoc | undefined> {
    for (const file of await this.listFiles()) {
      for await (const { n, line } of lines(file)) {
        if (pathOfLine(line) === docPath) return this.parse(line, file, n);
      }
    }
    return undefined;
  }

  async close(): Promise<void> {}

  private parse(line: string, file: string, n: number): SourceDoc {
    try {
      return fromNdjsonLine(line);
    } catch (error) {
      if (error instanceof NdjsonFormatError) {
        throw new NdjsonFormatError(`${path.basename(file)} line ${n}: ${error.message}`);
      }
      throw error;
    }
  }

  private async listFiles(): Promise<string[]> {
    if (this.files) return this.files;
    const info = await stat(this.location);
    this.files = info.isDirectory()
      ? (await readdir(this.location))
          .filter((name) => name.endsWith('.ndjson'))
          .sort()
          .map((name) => path.join(this.location, name))
      : [this.location];
    return this.files;
  }

  private async takeCensus(): Promise<Map<string, Map<string, number>>> {
    if (this.census) return this.census;
    const census = new Map<string, Map<string, number>>();
    for (const file of await this.listFiles()) {
      for await (const { line } of lines(file)) {
        const group = collectionGroupOf(pathOfLine(line));
        const perFile = census.get(group) ?? new Map<string, number>();
        perFile.set(file, (perFile.get(file) ?? 0) + 1);
        census.set(group, perFile);
      }
    }
    this.census = census;
    return census;
  }
}

/** Writes documents as our NDJSON dialect, rolling to a new file every `linesPerFile`. */
export class NdjsonWriter {
  private stream: WriteStream | undefined;
  private inFile = 0;
  private fileIndex = 0;
  private documents = 0;
  private readonly files: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly options: { linesPerFile?: number } = {},
  ) {}

  async add(doc: SourceDoc): Promise<void> {
    if (!this.stream) {
      await mkdir(this.dir, { recursive: true });
      const file = path.join(
        this.dir,
        `documents-${String(this.fileIndex).padStart(5, '0')}.ndjson`,
      );
      this.files.push(file);
      this.stream = createWriteStream(file);
      this.fileIndex += 1;
      this.inFile = 0;
    }
    if (!this.stream.write(`${toNdjsonLine(doc)}\n`)) await once(this.stream, 'drain');
    this.inFile += 1;
    this.documents += 1;
    if (this.inFile >= (this.options.linesPerFile ?? 500_000)) await this.close();
  }

  async finish(): Promise<{ documents: number; files: string[] }> {
    await this.close();
    return { documents: this.documents, files: [...this.files] };
  }

  private async close(): Promise<void> {
    if (!this.stream) return;
    const stream = this.stream;
    this.stream = undefined;
    stream.end();
    await finished(stream);
  }
}
