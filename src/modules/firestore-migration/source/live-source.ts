import {
  type CollectionReference,
  type DocumentReference,
  type DocumentSnapshot,
  FieldPath,
  type Firestore,
  type Query,
  type QuerySnapshot,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import { type SourceDoc, timestampMicros } from '../firestore/value.js';
import {
  collectionGroupOf,
  comparePaths,
  type FirestoreSource,
  type Partition,
  type ScannedDoc,
  type Snapshot,
  SnapshotExpiredError,
  type SourceCapabilities,
  type SourceQuery,
  SourceUnavailableError,
  type Ts,
} from './firestore-source.js';
import { fromSdkFields, toSdkTimestamp, toSdkValue, tsOf } from './live-values.js';
import { ReadThrottle, type SourceClock, systemClock } from './read-throttle.js';

export interface LiveSourceOptions {
  /** The collection group ids to read; when absent, discovered with `listCollections()`. */
  collectionGroups?: string[];
  /** How deep discovery walks (1: root collections only; each level costs a call per document). */
  discoveryDepth?: number;
  /** Point-in-time recovery is on: read times up to 7 days back, in whole minutes. */
  pitr?: boolean;
  /** Document reads per second, shared by every read of this source. */
  readsPerSecond?: number;
  /** Documents per page (one query each). */
  pageSize?: number;
  /** Attempts per page before `SourceUnavailableError`. */
  maxAttempts?: number;
  /** The default snapshot is this far behind now, so it never races the server's clock. */
  snapshotLagMs?: number;
  /** First backoff delay and its ceiling. */
  backoff?: { initialMs: number; maxMs: number };
  clock?: SourceClock;
}

/** gRPC status codes Firestore answers with; the SDK's errors carry them as `code`. */
const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
} as const;
const RETRYABLE = new Set<number>([
  GRPC.DEADLINE_EXCEEDED,
  GRPC.RESOURCE_EXHAUSTED,
  GRPC.UNAVAILABLE,
]);

/** A read Firestore refused for a reason a retry does not fix (permissions, a bad query). */
export class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
  constructor(
    message: string,
    readonly grpcCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;

/**
 * The old app's live Firestore as a source (firestore-source.md §1), on the official SDK.
 *
 * Every read of a run happens at the snapshot's pinned read time: a read-only transaction with
 * `readTime` opens no server transaction — each `tx.get` is a plain RunQuery/BatchGet at that
 * time — so pages can be read for as long as the read time stays in retention, and partitions in
 * parallel. Groups are scanned by keyset paging on `__name__` (never a whole-collection `get()`),
 * a page per query; the cursor is the last document's path, so a restarted run resumes exactly
 * after it. Pinned reads are not retried by the SDK: this class retries RESOURCE_EXHAUSTED,
 * DEADLINE_EXCEEDED and UNAVAILABLE itself with jittered exponential backoff, restarting the page
 * from the last cursor, and throttles reads with a token bucket.
 *
 * The client must be built with `useBigInt: true` (`createLiveFirestore` does): without it an int64
 * above 2^53 loses precision and 5 cannot be told from 5.0. The source owns the client: `close()`
 * terminates it.
 */
export class LiveFirestoreSource implements FirestoreSource {
  readonly kind = 'live';
  private readonly clock: SourceClock;
  private readonly throttle: ReadThrottle;
  private readonly pageSize: number;
  private readonly maxAttempts: number;
  private readonly backoff: ExponentialBackoff<unknown>;

  constructor(
    private readonly db: Firestore,
    private readonly options: LiveSourceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.throttle = new ReadThrottle(options.readsPerSecond ?? 500, this.clock);
    this.pageSize = options.pageSize ?? 500;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoff = new ExponentialBackoff({
      initialDelay: options.backoff?.initialMs ?? 250,
      maxDelay: options.backoff?.maxMs ?? 30_000,
    });
    if (!(this.pageSize >= 1)) throw new RangeError('pageSize must be at least 1');
  }

  /** The rate the throttle allows now (it drops after RESOURCE_EXHAUSTED, then recovers). */
  get readsPerSecondNow(): number {
    return this.throttle.currentRate;
  }

  capabilities(): SourceCapabilities {
    return { pinnedReadTime: true, updateTime: true, counts: true, changedSince: true };
  }

  async openSnapshot(at?: Date): Promise<Snapshot> {
    let millis = at
      ? at.getTime()
      : Math.floor(this.clock.now() - (this.options.snapshotLagMs ?? 5_000));
    // With PITR a whole-minute read time stays readable for 7 days, any other for an hour: a
    // run that may outlast the hour (or be re-run tomorrow) pins the minute.
    if (!at && this.options.pitr) millis -= millis % 60_000;
    if (!Number.isFinite(millis)) throw new RangeError('not a valid read time');
    if (millis > this.clock.now()) throw new RangeError('a snapshot cannot be in the future');
    const readTime = tsOf(Timestamp.fromMillis(millis));
    this.checkRetention(readTime);
    return Promise.resolve({
      id: `live-${readTime.seconds}.${String(readTime.nanos).padStart(9, '0')}`,
      readTime,
    });
  }

  async listCollectionGroups(snapshot: Snapshot): Promise<string[]> {
    if (this.options.collectionGroups) return [...new Set(this.options.collectionGroups)].sort();
    const found = new Set<string>();
    const depth = this.options.discoveryDepth ?? 2;
    let level: CollectionReference[] = await this.withRetry(() => this.db.listCollections());
    for (let d = 1; level.length > 0; d += 1) {
      const next: CollectionReference[] = [];
      for (const collection of level) {
        found.add(collection.id);
        if (d >= depth) continue;
        // listDocuments includes "missing" parents, under which subcollections may still hang.
        const docs = await this.withRetry(() => collection.listDocuments());
        this.throttle.charge(Math.max(1, docs.length));
        for (const doc of docs) {
          await this.throttle.ready();
          next.push(...(await this.withRetry(() => doc.listCollections())));
          this.throttle.charge(1);
        }
      }
      level = next;
    }
    // A group is present when it holds a document at the snapshot (not only missing parents).
    const present: string[] = [];
    for (const group of [...found].sort()) {
      const page = await this.readPage(snapshot, this.db.collectionGroup(group).limit(1));
      if (page.docs.some((doc) => collectionGroupOf(doc.ref.path) === group)) present.push(group);
    }
    return present;
  }

  async partition(
    snapshot: Snapshot,
    collectionGroup: string,
    desired: number,
  ): Promise<Partition[]> {
    this.readTimeOf(snapshot);
    const count = Math.max(1, Math.floor(desired));
    // The SDK sends no read time with PartitionQuery; split points are only boundaries, and each
    // partition is read at the pinned time.
    const splits = await this.withRetry(async () => {
      const paths: (string | undefined)[] = [];
      for await (const piece of this.db.collectionGroup(collectionGroup).getPartitions(count)) {
        paths.push(refPath(piece.endBefore?.[0]));
      }
      return paths;
    }).catch((error: unknown) => {
      // A server without PartitionQuery (the official emulator): the whole group is one piece.
      if (error instanceof SourceReadError && error.grpcCode === GRPC.UNIMPLEMENTED) {
        return [undefined];
      }
      throw error;
    });
    return splits.map((endBefore, index) => {
      const startAt = index === 0 ? undefined : splits[index - 1];
      return {
        collectionGroup,
        index,
        bounds: { ...(startAt ? { startAt } : {}), ...(endBefore ? { endBefore } : {}) },
      };
    });
  }

  async *scan(
    snapshot: Snapshot,
    partition: Partition,
    options: { resumeAfter?: string; pageSize?: number } = {},
  ): AsyncIterable<ScannedDoc> {
    const pageSize = options.pageSize ?? this.pageSize;
    if (!(pageSize >= 1)) throw new RangeError('pageSize must be at least 1');
    const { startAt } = partition.bounds;
    // A cursor before the partition (a stale checkpoint) must not widen it: startAfter replaces
    // startAt in a Firestore query.
    let cursor =
      options.resumeAfter !== undefined &&
      (startAt === undefined || comparePaths(options.resumeAfter, startAt) >= 0)
        ? options.resumeAfter
        : undefined;
    for (;;) {
      let query = this.rangeQuery(partition);
      if (cursor !== undefined) query = query.startAfter(cursor);
      const page = await this.readPage(snapshot, query.limit(pageSize));
      for (const doc of page.docs) {
        if (cursor !== undefined && comparePaths(doc.ref.path, cursor) <= 0) throw notAdvancing();
        cursor = doc.ref.path;
        if (collectionGroupOf(cursor) !== partition.collectionGroup) continue;
        yield { doc: toSourceDoc(doc), cursor };
      }
      if (page.size < pageSize) return;
    }
  }

  async count(snapshot: Snapshot, partition: Partition): Promise<number> {
    const aggregate = this.rangeQuery(partition).count();
    const result = await this.attempt(
      snapshot,
      (tx) => tx.get(aggregate),
      (snap) =>
        // Billed one read per 1,000 index entries, at least one.
        Math.max(1, Math.ceil(Number(snap.data().count) / 1_000)),
    );
    return Number(result.data().count);
  }

  async *changedSince(
    snapshot: Snapshot,
    collectionGroup: string,
    field: string,
    since: Ts,
  ): AsyncIterable<SourceDoc> {
    // A dotted field is a nested one (`meta.updatedAt`). A collection group query on a field
    // needs that field's single-field index enabled for collection group scope (not automatic);
    // without it Firestore answers FAILED_PRECONDITION with a link to create it (SourceReadError).
    const fieldPath = new FieldPath(...field.split('.'));
    // An inequality orders by its field first; the path breaks ties, so the cursor is exact.
    const base = this.db
      .collectionGroup(collectionGroup)
      .where(fieldPath, '>', toSdkTimestamp(since))
      .orderBy(fieldPath)
      .orderBy(FieldPath.documentId());
    let cursor: [Timestamp, string] | undefined;
    for (;;) {
      const query = cursor ? base.startAfter(...cursor) : base;
      const page = await this.readPage(snapshot, query.limit(this.pageSize));
      for (const doc of page.docs) {
        const key: [Timestamp, string] = [doc.get(fieldPath) as Timestamp, doc.ref.path];
        if (cursor && compareWatermarkKeys(key, cursor) <= 0) throw notAdvancing();
        cursor = key;
        if (collectionGroupOf(doc.ref.path) === collectionGroup) yield toSourceDoc(doc);
      }
      if (page.size < this.pageSize) return;
    }
  }

  /**
   * A user's documents of one group (the per-user migration): those directly under `parent` (the
   * collection's own query), or whose `field` holds one of `values` (`in`, at most 30 values;
   * the caller chunks; the field needs its single-field index for collection group scope, which
   * Firestore keeps by default). Paged by document id, at the snapshot, throttled.
   */
  async *select(snapshot: Snapshot, query: SourceQuery): AsyncIterable<SourceDoc> {
    const collection = query.parent !== undefined;
    let base: Query = collection
      ? this.db.collection(`${query.parent}/${query.collectionGroup}`)
      : this.db.collectionGroup(query.collectionGroup);
    if (query.where) {
      if (query.where.values.length === 0) return;
      base = base.where(
        new FieldPath(...query.where.field.split('.')),
        'in',
        query.where.values.map((v) => toSdkValue(v, (p) => this.db.doc(p))),
      );
    }
    base = base.orderBy(FieldPath.documentId());
    let cursor: string | undefined;
    for (;;) {
      // A collection's query takes a document id as its cursor, a group's the full path.
      const after = cursor && (collection ? cursor.split('/').at(-1)! : cursor);
      const page = await this.readPage(
        snapshot,
        (after ? base.startAfter(after) : base).limit(this.pageSize),
      );
      for (const doc of page.docs) {
        if (cursor !== undefined && comparePaths(doc.ref.path, cursor) <= 0) throw notAdvancing();
        cursor = doc.ref.path;
        if (collectionGroupOf(cursor) === query.collectionGroup) yield toSourceDoc(doc);
      }
      if (page.size < this.pageSize) return;
    }
  }

  async get(snapshot: Snapshot, path: string): Promise<SourceDoc | undefined> {
    const segments = path.split('/');
    if (segments.length % 2 !== 0 || segments.some((s) => s === '')) {
      throw new RangeError('not a document path (collection/id pairs)');
    }
    const ref = this.db.doc(path);
    const doc = await this.attempt(
      snapshot,
      (tx) => tx.get(ref),
      () => 1,
    );
    return doc.exists ? toSourceDoc(doc) : undefined;
  }

  async close(): Promise<void> {
    await this.db.terminate();
  }

  /** The partition's range of its group, ordered by `__name__`. */
  private rangeQuery(partition: Partition): Query {
    let query: Query = this.db
      .collectionGroup(partition.collectionGroup)
      .orderBy(FieldPath.documentId());
    const { startAt, endBefore } = partition.bounds;
    if (startAt !== undefined) query = query.startAt(startAt);
    if (endBefore !== undefined) query = query.endBefore(endBefore);
    return query;
  }

  private readPage(snapshot: Snapshot, query: Query): Promise<QuerySnapshot> {
    return this.attempt(
      snapshot,
      (tx) => tx.get(query),
      (page) => Math.max(1, page.size),
    );
  }

  /**
   * One read at the snapshot's read time, throttled, retried from the start on a retryable
   * error (the caller's cursor has not moved, so the page restarts from the last cursor).
   */
  private async attempt<T>(
    snapshot: Snapshot,
    read: (tx: Transaction) => Promise<T>,
    cost: (result: T) => number,
  ): Promise<T> {
    return this.withRetry(async () => {
      const readTime = toSdkTimestamp(this.readTimeOf(snapshot));
      await this.throttle.ready();
      const result = await this.db.runTransaction(read, { readOnly: true, readTime });
      this.throttle.charge(cost(result));
      this.throttle.recover();
      return result;
    });
  }

  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    let backoff: IBackoff<unknown> | undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        const code = grpcCodeOf(error);
        if (error instanceof SnapshotExpiredError || error instanceof RangeError) throw error;
        if (code === GRPC.FAILED_PRECONDITION || code === GRPC.INVALID_ARGUMENT) {
          // The server's word for a read time out of retention.
          if (/read[ _]?time|too old|snapshot version/i.test(messageOf(error))) {
            throw new SnapshotExpiredError('Firestore refused the read time as too old', {
              cause: error,
            });
          }
        }
        if (code === undefined || !RETRYABLE.has(code)) {
          throw new SourceReadError(`Firestore refused a read (code ${code ?? 'none'})`, code, {
            cause: error,
          });
        }
        if (attempt >= this.maxAttempts) {
          throw new SourceUnavailableError(
            `Firestore still answered code ${code} after ${attempt} attempts`,
            { cause: error },
          );
        }
        if (code === GRPC.RESOURCE_EXHAUSTED) this.throttle.slowDown();
        backoff = (backoff ?? this.backoff).next(undefined);
        await this.clock.sleep(backoff.duration);
      }
    }
  }

  private readTimeOf(snapshot: Snapshot): Ts {
    if (!snapshot.readTime || !snapshot.id.startsWith('live-')) {
      throw new Error('not a snapshot of the live source');
    }
    this.checkRetention(snapshot.readTime);
    return snapshot.readTime;
  }

  /** 1 hour of any microsecond; with PITR, whole minutes up to 7 days back. */
  private checkRetention(readTime: Ts): void {
    const ageMs = this.clock.now() - Number(timestampMicros(readTime) / 1_000n);
    if (ageMs <= HOUR_MS) return;
    const wholeMinute = readTime.nanos === 0 && readTime.seconds % 60n === 0n;
    if (this.options.pitr && ageMs <= WEEK_MS) {
      if (wholeMinute) return;
      throw new SnapshotExpiredError(
        'a read time older than an hour must be a whole minute (point-in-time recovery)',
      );
    }
    throw new SnapshotExpiredError(
      `the read time is older than the retention window (${this.options.pitr ? '7 days' : '1 hour'})`,
    );
  }
}

function toSourceDoc(doc: DocumentSnapshot): SourceDoc {
  return {
    path: doc.ref.path,
    fields: fromSdkFields(doc.data() ?? {}),
    ...(doc.createTime ? { createTime: tsOf(doc.createTime) } : {}),
    ...(doc.updateTime ? { updateTime: tsOf(doc.updateTime) } : {}),
  };
}

/**
 * A page that does not move past its cursor would be read forever (a server or emulator that
 * ignores cursors, such as @firestore-emulator/server): stop instead.
 */
function notAdvancing(): SourceReadError {
  return new SourceReadError(
    'Firestore answered a page that does not move past its cursor',
    undefined,
  );
}

function compareWatermarkKeys(a: [Timestamp, string], b: [Timestamp, string]): number {
  const x = timestampMicros(tsOf(a[0]));
  const y = timestampMicros(tsOf(b[0]));
  return x < y ? -1 : x > y ? 1 : comparePaths(a[1], b[1]);
}

function refPath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return (value as DocumentReference).path;
}

function grpcCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : '';
}
