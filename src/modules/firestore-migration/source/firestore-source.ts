import { type FsTimestamp, type FsValue, sameValue, type SourceDoc } from '../firestore/value.js';

/**
 * Where the old app's documents are read from: one narrow port (firestore-source.md §5) and an
 * adapter per way of reading — a managed export, NDJSON, the live SDK, and an in-memory source
 * for tests. The batch engine sees only this. A shared contract suite (firestore-source.contract.ts)
 * runs against every adapter that can run here.
 */
export type Ts = FsTimestamp['ts'];

/** A consistent point in time the whole run reads at. */
export interface Snapshot {
  id: string;
  /** The pinned read time; null when the source has no versions (a file is its own snapshot). */
  readTime: Ts | null;
}

/**
 * A disjoint piece of one collection group's documents. Every document of the group is in exactly
 * one partition of a `partition()` answer; the pieces are stable for a snapshot, so a checkpoint
 * names one by `index`.
 */
export interface Partition {
  collectionGroup: string;
  index: number;
  /** What the adapter needs to scan it again after a restart (paths, a file name); opaque. */
  bounds: Record<string, string>;
}

export interface ScannedDoc {
  doc: SourceDoc;
  /** Resume after this document: pass it back as `resumeAfter` (a path, a record ordinal). */
  cursor: string;
}

export interface SourceCapabilities {
  /** Reads at a pinned read time (else: the source is a fixed file). */
  pinnedReadTime: boolean;
  /** Documents carry `updateTime`. */
  updateTime: boolean;
  /** `count()` is cheap. */
  counts: boolean;
  /** `changedSince()` by a field the old app sets on every write. */
  changedSince: boolean;
}

/**
 * The documents of a collection group that one user's graph holds (the per-user migration):
 * those directly under `parent` (a document path), or those whose `field` holds one of `values`
 * (a reference as the old code wrote it: a DocumentReference, a path, a bare id), or both.
 */
export interface SourceQuery {
  collectionGroup: string;
  parent?: string;
  where?: { field: string; values: readonly FsValue[] };
}

/** Retryable: try again from the last cursor. */
export class SourceUnavailableError extends Error {
  override readonly name = 'SourceUnavailableError';
}

/** The pinned read time fell out of the source's retention: restart the group at a new snapshot. */
export class SnapshotExpiredError extends Error {
  override readonly name = 'SnapshotExpiredError';
}

export interface FirestoreSource {
  readonly kind: string;
  capabilities(): SourceCapabilities;
  /** Pins a read time (live), or names the file's own time (export, NDJSON). */
  openSnapshot(at?: Date): Promise<Snapshot>;
  /** Collection groups present (the last collection id of each document path). */
  listCollectionGroups(snapshot: Snapshot): Promise<string[]>;
  /** Disjoint pieces of a group, at most `desired` (an adapter may answer fewer). */
  partition(snapshot: Snapshot, collectionGroup: string, desired: number): Promise<Partition[]>;
  /**
   * The partition's documents, each once, in an order that is stable for the snapshot, starting
   * after `resumeAfter` when given. Documents of other groups are never emitted.
   */
  scan(
    snapshot: Snapshot,
    partition: Partition,
    options?: { resumeAfter?: string; pageSize?: number },
  ): AsyncIterable<ScannedDoc>;
  /** How many documents the partition holds (delete detection). */
  count(snapshot: Snapshot, partition: Partition): Promise<number>;
  /** Documents whose `field` (a timestamp the old app sets on every write) is after `since`. */
  changedSince?(
    snapshot: Snapshot,
    collectionGroup: string,
    field: string,
    since: Ts,
  ): AsyncIterable<SourceDoc>;
  /**
   * The documents a query selects, each once (the per-user migration). Optional: a source that
   * cannot query (a file) is read whole by `selectFrom`, one group at a time.
   */
  select?(snapshot: Snapshot, query: SourceQuery): AsyncIterable<SourceDoc>;
  /** One document by path, or undefined (the per-user migration reads a user's graph). */
  get(snapshot: Snapshot, path: string): Promise<SourceDoc | undefined>;
  close(): Promise<void>;
}

/** Whether a document is one the query selects. */
function selects(query: SourceQuery, doc: SourceDoc): boolean {
  if (collectionGroupOf(doc.path) !== query.collectionGroup) return false;
  if (query.parent !== undefined && parentOf(doc.path) !== query.parent) return false;
  if (query.where) {
    const value = doc.fields[query.where.field];
    if (value === undefined || !query.where.values.some((v) => sameValue(v, value))) return false;
  }
  return true;
}

/**
 * The documents each query selects, by query: through the source's own `select` when it has
 * one, else by reading each collection group once for all the queries on it (a file source has
 * no index to ask; a group read costs its size, so queries on one group share the read).
 */
export async function selectFrom(
  source: FirestoreSource,
  snapshot: Snapshot,
  queries: readonly SourceQuery[],
  signal?: AbortSignal,
): Promise<SourceDoc[][]> {
  const found: SourceDoc[][] = queries.map(() => []);
  if (source.select) {
    for (const [i, query] of queries.entries()) {
      for await (const doc of source.select(snapshot, query)) {
        signal?.throwIfAborted();
        found[i]!.push(doc);
      }
    }
    return found;
  }
  for (const group of new Set(queries.map((q) => q.collectionGroup))) {
    const mine = [...queries.entries()].filter(([, q]) => q.collectionGroup === group);
    for (const partition of await source.partition(snapshot, group, 1)) {
      for await (const { doc } of source.scan(snapshot, partition)) {
        signal?.throwIfAborted();
        for (const [i, query] of mine) if (selects(query, doc)) found[i]!.push(doc);
      }
    }
  }
  return found;
}

/**
 * Documents by path (those that exist): one `get` each from a source that can query, else one
 * read of each group for all its paths, as `selectFrom` does.
 */
export async function getMany(
  source: FirestoreSource,
  snapshot: Snapshot,
  paths: Iterable<string>,
  signal?: AbortSignal,
): Promise<SourceDoc[]> {
  const wanted = new Set(paths);
  const found: SourceDoc[] = [];
  if (source.select) {
    for (const path of wanted) {
      signal?.throwIfAborted();
      const doc = await source.get(snapshot, path);
      if (doc) found.push(doc);
    }
    return found;
  }
  for (const group of new Set([...wanted].map(collectionGroupOf))) {
    for (const partition of await source.partition(snapshot, group, 1)) {
      for await (const { doc } of source.scan(snapshot, partition)) {
        signal?.throwIfAborted();
        if (wanted.has(doc.path)) found.push(doc);
      }
    }
  }
  return found;
}

/** `accounts` for `users/u1/accounts/a1`. */
export function collectionGroupOf(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 2] ?? '';
}

/** The parent document's path (`users/u1` for `users/u1/accounts/a1`), or null at the root. */
export function parentOf(path: string): string | null {
  const parts = path.split('/');
  return parts.length > 2 ? parts.slice(0, -2).join('/') : null;
}

/**
 * Firestore's document order (`__name__`): segment by segment, a shorter path first on a tie.
 * Within a segment, numeric ids (`__id7__`) before string ids, numbers by value, strings by their
 * UTF-8 bytes (which is code point order).
 */
export function comparePaths(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i += 1) {
    const c = compareSegments(as[i]!, bs[i]!);
    if (c !== 0) return c;
  }
  return as.length - bs.length;
}

const NUMERIC_ID = /^__id(-?\d+)__$/;

function compareSegments(a: string, b: string): number {
  const na = NUMERIC_ID.exec(a);
  const nb = NUMERIC_ID.exec(b);
  if (na && nb) {
    const x = BigInt(na[1]!);
    const y = BigInt(nb[1]!);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (na) return -1;
  if (nb) return 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
