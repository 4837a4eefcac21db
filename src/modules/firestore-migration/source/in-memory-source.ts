import {
  type FsFields,
  type FsTimestamp,
  type SourceDoc,
  timestampMicros,
} from '../firestore/value.js';
import {
  collectionGroupOf,
  comparePaths,
  type FirestoreSource,
  type Partition,
  type ScannedDoc,
  type Snapshot,
  SnapshotExpiredError,
  type SourceCapabilities,
  type Ts,
} from './firestore-source.js';

interface Version {
  at: bigint;
  /** undefined: deleted at `at`. */
  fields: FsFields | undefined;
  createTime: Ts;
}

const toMicros = (date: Date) => BigInt(date.getTime()) * 1_000n;
const toTs = (micros: bigint): Ts => {
  const seconds = micros / 1_000_000n;
  return { seconds, nanos: Number(micros % 1_000_000n) * 1_000 };
};

/**
 * A Firestore in memory, with history: every write is kept at its time, so a snapshot at T reads
 * the database as it was at T while later writes land (the old app keeps running during the
 * migration). The reference semantics of the contract suite, and the source of the engine's unit
 * tests. Snapshots older than `retentionMs` expire, as a pinned read time does in Firestore.
 */
export class InMemorySource implements FirestoreSource {
  readonly kind = 'memory';
  private readonly history = new Map<string, Version[]>();
  private clock = 0n;

  constructor(private readonly options: { retentionMs?: number; now?: () => Date } = {}) {}

  /** Writes a document at `at` (default: now, after every earlier write). */
  set(docPath: string, fields: FsFields, at?: Date): void {
    const when = this.tick(at);
    const versions = this.history.get(docPath) ?? [];
    const current = versions.at(-1);
    const createTime = current?.fields ? current.createTime : toTs(when);
    versions.push({ at: when, fields, createTime });
    this.history.set(docPath, versions);
  }

  delete(docPath: string, at?: Date): void {
    const versions = this.history.get(docPath);
    if (!versions) return;
    versions.push({ at: this.tick(at), fields: undefined, createTime: toTs(0n) });
  }

  capabilities(): SourceCapabilities {
    return { pinnedReadTime: true, updateTime: true, counts: true, changedSince: true };
  }

  async openSnapshot(at?: Date): Promise<Snapshot> {
    const micros = at ? toMicros(at) : this.clock;
    return Promise.resolve({ id: `memory-${micros}`, readTime: toTs(micros) });
  }

  async listCollectionGroups(snapshot: Snapshot): Promise<string[]> {
    const groups = new Set(this.visible(snapshot).map((d) => collectionGroupOf(d.path)));
    return Promise.resolve([...groups].sort());
  }

  async partition(
    snapshot: Snapshot,
    collectionGroup: string,
    desired: number,
  ): Promise<Partition[]> {
    const paths = this.inGroup(snapshot, collectionGroup).map((d) => d.path);
    const n = Math.max(1, Math.min(desired, paths.length));
    const partitions: Partition[] = [];
    for (let i = 0; i < n; i += 1) {
      // Split points are paths of this snapshot; the last partition is open-ended.
      const after = i === 0 ? undefined : paths[Math.floor((i * paths.length) / n) - 1];
      const upTo = i === n - 1 ? undefined : paths[Math.floor(((i + 1) * paths.length) / n) - 1];
      partitions.push({
        collectionGroup,
        index: i,
        bounds: { ...(after ? { after } : {}), ...(upTo ? { upTo } : {}) },
      });
    }
    return Promise.resolve(partitions);
  }

  async *scan(
    snapshot: Snapshot,
    partition: Partition,
    options: { resumeAfter?: string } = {},
  ): AsyncIterable<ScannedDoc> {
    for (const doc of this.inPartition(snapshot, partition)) {
      if (options.resumeAfter !== undefined && comparePaths(doc.path, options.resumeAfter) <= 0) {
        continue;
      }
      yield await Promise.resolve({ doc, cursor: doc.path });
    }
  }

  async count(snapshot: Snapshot, partition: Partition): Promise<number> {
    return Promise.resolve(this.inPartition(snapshot, partition).length);
  }

  async *changedSince(
    snapshot: Snapshot,
    collectionGroup: string,
    field: string,
    since: Ts,
  ): AsyncIterable<SourceDoc> {
    const floor = timestampMicros(since);
    for (const doc of this.inGroup(snapshot, collectionGroup)) {
      const value = doc.fields[field];
      if (value && typeof value === 'object' && 'ts' in value) {
        if (timestampMicros((value as FsTimestamp).ts) > floor) yield await Promise.resolve(doc);
      }
    }
  }

  async get(snapshot: Snapshot, docPath: string): Promise<SourceDoc | undefined> {
    return Promise.resolve(this.at(snapshot, docPath));
  }

  async close(): Promise<void> {}

  private tick(at?: Date): bigint {
    const when = at ? toMicros(at) : this.clock + 1n;
    if (when < this.clock) throw new Error('writes to the in-memory source go forward in time');
    this.clock = when;
    return when;
  }

  private readMicros(snapshot: Snapshot): bigint {
    if (!snapshot.readTime) throw new Error('an in-memory snapshot has a read time');
    const micros = timestampMicros(snapshot.readTime);
    const retention = this.options.retentionMs;
    if (retention !== undefined) {
      const now = toMicros(this.options.now?.() ?? new Date());
      if (now - micros > BigInt(retention) * 1_000n) {
        throw new SnapshotExpiredError('the read time is older than the retention window');
      }
    }
    return micros;
  }

  private at(snapshot: Snapshot, docPath: string): SourceDoc | undefined {
    const micros = this.readMicros(snapshot);
    const versions = this.history.get(docPath);
    const version = versions?.findLast((v) => v.at <= micros);
    if (!version?.fields) return undefined;
    return {
      path: docPath,
      fields: version.fields,
      createTime: version.createTime,
      updateTime: toTs(version.at),
    };
  }

  private visible(snapshot: Snapshot): SourceDoc[] {
    const docs: SourceDoc[] = [];
    for (const docPath of this.history.keys()) {
      const doc = this.at(snapshot, docPath);
      if (doc) docs.push(doc);
    }
    return docs.sort((a, b) => comparePaths(a.path, b.path));
  }

  private inGroup(snapshot: Snapshot, collectionGroup: string): SourceDoc[] {
    return this.visible(snapshot).filter((d) => collectionGroupOf(d.path) === collectionGroup);
  }

  private inPartition(snapshot: Snapshot, partition: Partition): SourceDoc[] {
    const { after, upTo } = partition.bounds;
    return this.inGroup(snapshot, partition.collectionGroup).filter(
      (d) =>
        (after === undefined || comparePaths(d.path, after) > 0) &&
        (upTo === undefined || comparePaths(d.path, upTo) <= 0),
    );
  }
}
