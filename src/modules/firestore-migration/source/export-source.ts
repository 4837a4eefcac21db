import { createHash } from 'node:crypto';
import path from 'node:path';
import type { SourceDoc } from '../firestore/value.js';
import { decodeEntity, decodeEntityPath } from '../export/entity-proto.js';
import { type ExportFile, listExportFiles } from '../export/export-directory.js';
import { readLogFile } from '../export/leveldb-log.js';
import {
  collectionGroupOf,
  type FirestoreSource,
  type Partition,
  type ScannedDoc,
  type Snapshot,
  type SourceCapabilities,
} from './firestore-source.js';

/**
 * A managed export on disk as a source. The export is one point in time (`--snapshot-time`), so
 * the snapshot is the export itself; each `output-N` file is a partition (exports are written in
 * many files, which is how they parallelise); records are in no key order, so a cursor is the
 * record's ordinal in its file. A stage reads only the keys of other groups' records
 * (`decodeEntityPath`). The export has no `updateTime`: deltas come from the live source.
 */
export class ExportSource implements FirestoreSource {
  readonly kind = 'export';
  private files: ExportFile[] | undefined;
  /** Per collection group: how many records each file holds. */
  private census: Map<string, Map<string, number>> | undefined;

  constructor(private readonly root: string) {}

  capabilities(): SourceCapabilities {
    return { pinnedReadTime: false, updateTime: false, counts: true, changedSince: false };
  }

  async openSnapshot(): Promise<Snapshot> {
    const files = await this.listFiles();
    // The same files give the same id: a run resumes against the export it started on.
    const id = createHash('sha256')
      .update(path.resolve(this.root))
      .update(files.map((f) => f.name).join('\n'))
      .digest('hex')
      .slice(0, 16);
    return { id: `export-${id}`, readTime: null };
  }

  async listCollectionGroups(): Promise<string[]> {
    return [...(await this.takeCensus()).keys()].sort();
  }

  async partition(_snapshot: Snapshot, collectionGroup: string): Promise<Partition[]> {
    const counts = (await this.takeCensus()).get(collectionGroup);
    if (!counts) return [];
    return (await this.listFiles())
      .filter((f) => counts.has(f.name))
      .map((f, index) => ({ collectionGroup, index, bounds: { file: f.name } }));
  }

  async *scan(
    _snapshot: Snapshot,
    partition: Partition,
    options: { resumeAfter?: string } = {},
  ): AsyncIterable<ScannedDoc> {
    const file = (await this.listFiles()).find((f) => f.name === partition.bounds.file);
    if (!file) throw new Error(`the export has no file ${partition.bounds.file}`);
    const after = options.resumeAfter === undefined ? -1 : Number(options.resumeAfter);
    let ordinal = -1;
    for await (const record of readLogFile(file.absolute)) {
      ordinal += 1;
      if (ordinal <= after) continue;
      if (collectionGroupOf(decodeEntityPath(record)) !== partition.collectionGroup) continue;
      yield { doc: decodeEntity(record), cursor: String(ordinal) };
    }
  }

  async count(_snapshot: Snapshot, partition: Partition): Promise<number> {
    return (
      (await this.takeCensus()).get(partition.collectionGroup)?.get(partition.bounds.file!) ?? 0
    );
  }

  async get(_snapshot: Snapshot, docPath: string): Promise<SourceDoc | undefined> {
    const group = collectionGroupOf(docPath);
    for (const file of await this.listFiles()) {
      if (!(await this.takeCensus()).get(group)?.has(file.name)) continue;
      for await (const record of readLogFile(file.absolute)) {
        if (decodeEntityPath(record) === docPath) return decodeEntity(record);
      }
    }
    return undefined;
  }

  async close(): Promise<void> {}

  private async listFiles(): Promise<ExportFile[]> {
    this.files ??= await listExportFiles(this.root);
    return this.files;
  }

  /** One pass over the keys of every record: which groups each file holds, and how many. */
  private async takeCensus(): Promise<Map<string, Map<string, number>>> {
    if (this.census) return this.census;
    const census = new Map<string, Map<string, number>>();
    for (const file of await this.listFiles()) {
      for await (const record of readLogFile(file.absolute)) {
        const group = collectionGroupOf(decodeEntityPath(record));
        const perFile = census.get(group) ?? new Map<string, number>();
        perFile.set(file.name, (perFile.get(file.name) ?? 0) + 1);
        census.set(group, perFile);
      }
    }
    this.census = census;
    return census;
  }
}
