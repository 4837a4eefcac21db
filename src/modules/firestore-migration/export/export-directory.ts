import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import protobuf from 'protobufjs';
import { finished } from 'node:stream/promises';
import type { FsFields } from '../firestore/value.js';
import { encodeEntity } from './entity-proto.js';
import { LogWriter } from './leveldb-log.js';

/**
 * A managed export on disk, as `gcloud firestore export` lays it out:
 * `<prefix>.overall_export_metadata` → `all_namespaces/all_kinds/all_namespaces_all_kinds.export_metadata`
 * → `output-0..N` (or `all_namespaces/kind_<id>/…` per collection with `--collection-ids`).
 * The reader takes the `output-N` files it finds under the root and does not depend on the
 * metadata, whose schema is not published; the writer writes metadata shaped like the real
 * files (the fixtures' bytes: a prefix name, two export times in microseconds, the output file
 * names), so a tool that lists outputs from it finds them.
 */
export interface ExportFile {
  /** Relative to the export root, `/`-separated: `all_namespaces/all_kinds/output-3`. */
  name: string;
  absolute: string;
}

const OUTPUT = /^output-(\d+)$/;

/** Every `output-N` file under the root, in a stable order (directory, then N). */
export async function listExportFiles(root: string): Promise<ExportFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && OUTPUT.test(e.name))
    .map((e) => {
      const absolute = path.join(e.parentPath, e.name);
      return { name: path.relative(root, absolute).split(path.sep).join('/'), absolute };
    });
  const order = (f: ExportFile) => {
    const dir = path.posix.dirname(f.name);
    const n = Number(OUTPUT.exec(path.posix.basename(f.name))![1]);
    return { dir, n };
  };
  return files.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    return x.dir < y.dir ? -1 : x.dir > y.dir ? 1 : x.n - y.n;
  });
}

const METADATA_PROTO = `
syntax = "proto2";
package workmatch_export;
message Header { optional string name = 1; optional int64 started = 2; optional int64 finished = 3; }
message Output { optional string namespace = 1; optional string file = 2; }
message KindsMetadata { optional Header header = 1; repeated Output output = 2; }
message Location { optional int32 a = 1; optional int32 b = 3; }
message Entry { optional Location location = 1; optional string path = 2; optional int32 kinds = 3; optional int32 size = 4; }
message OverallMetadata { optional Entry entry = 1; }
`;
const metadataRoot = protobuf.parse(METADATA_PROTO, { keepCase: true }).root;

/**
 * Writes documents as a managed export under `root`, rolling to a new `output-N` every
 * `bytesPerFile` (real exports hold many files, which a reader treats as partitions).
 */
export class ExportWriter {
  private readonly dir: string;
  private readonly outputs: string[] = [];
  private stream: WriteStream | undefined;
  private writer = new LogWriter();
  private bytesInFile = 0;
  private documents = 0;

  constructor(
    private readonly root: string,
    private readonly options: { bytesPerFile?: number; prefix?: string } = {},
  ) {
    this.dir = path.join(root, 'all_namespaces', 'all_kinds');
  }

  async add(docPath: string, fields: FsFields): Promise<void> {
    if (!this.stream) await this.openNext();
    this.writer.add(encodeEntity(docPath, fields));
    this.documents += 1;
    const chunk = this.writer.take();
    this.bytesInFile += chunk.length;
    if (!this.stream!.write(chunk)) await once(this.stream!, 'drain');
    if (this.bytesInFile >= (this.options.bytesPerFile ?? 64 * 1024 * 1024))
      await this.closeCurrent();
  }

  /** Closes the last file and writes the metadata; answers how many documents were written. */
  async finish(exportedAt = new Date()): Promise<{ documents: number; files: string[] }> {
    await this.closeCurrent();
    if (this.outputs.length === 0) await this.openNext().then(() => this.closeCurrent());
    const prefix = this.options.prefix ?? 'firestore_export';
    const micros = BigInt(exportedAt.getTime()) * 1_000n;
    const kinds = metadataRoot.lookupType('workmatch_export.KindsMetadata');
    await writeFile(
      path.join(this.dir, 'all_namespaces_all_kinds.export_metadata'),
      kinds
        .encode(
          kinds.fromObject({
            header: { name: prefix, started: micros.toString(), finished: micros.toString() },
            output: this.outputs.map((file) => ({ namespace: '', file })),
          }),
        )
        .finish(),
    );
    const overall = metadataRoot.lookupType('workmatch_export.OverallMetadata');
    const log = new LogWriter();
    log.add(
      overall
        .encode(
          overall.fromObject({
            entry: {
              location: { a: 2, b: 3 },
              path: 'all_namespaces\\all_kinds\\all_namespaces_all_kinds.export_metadata',
              kinds: 1,
              size: this.outputs.length,
            },
          }),
        )
        .finish(),
    );
    await writeFile(path.join(this.root, `${prefix}.overall_export_metadata`), log.take());
    return {
      documents: this.documents,
      files: this.outputs.map((f) => `all_namespaces/all_kinds/${f}`),
    };
  }

  private async openNext(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const name = `output-${this.outputs.length}`;
    this.outputs.push(name);
    this.stream = createWriteStream(path.join(this.dir, name));
    this.writer = new LogWriter();
    this.bytesInFile = 0;
  }

  private async closeCurrent(): Promise<void> {
    if (!this.stream) return;
    const stream = this.stream;
    this.stream = undefined;
    stream.end();
    await finished(stream);
  }
}
