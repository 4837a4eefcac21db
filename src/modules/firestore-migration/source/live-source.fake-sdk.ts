import { FieldPath, Firestore, Timestamp, type DocumentReference } from '@google-cloud/firestore';
import { collectionGroupOf, comparePaths } from './firestore-source.js';

/**
 * A fake of the part of `@google-cloud/firestore` the live source calls — and nothing else: every
 * object is strict, so a call the real source does not make here (a whole-collection `query.get()`,
 * a read outside a pinned read-only transaction) fails the test. It behaves as the server does
 * where the live source depends on it: documents in `__name__` order (comparePaths), collection
 * group queries across parents, cursors as Firestore applies them (one start and one end cursor,
 * `startAfter` replacing `startAt`), a history of writes so a read time sees the database as it was
 * then, `getPartitions` on the current state (the SDK sends no read time with it), missing parent
 * documents in `listDocuments`, read times out of retention refused, and errors injected by gRPC
 * code. Values are held as the SDK gives them (Timestamp, GeoPoint, bigint, …).
 *
 * Test support only: imported by specs, never by the application.
 */

const CODE_NAMES: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  12: 'UNIMPLEMENTED',
  14: 'UNAVAILABLE',
};

function grpcError(code: number, message = 'injected by the fake'): Error {
  return Object.assign(new Error(`${code} ${CODE_NAMES[code] ?? 'UNKNOWN'}: ${message}`), {
    code,
  });
}

export type FakeOp = 'query' | 'count' | 'doc' | 'partitions';

/** One read the fake served, as a test inspects it. */
export interface FakeRead {
  op: FakeOp;
  group?: string;
  /** Microseconds since the epoch of the pinned read time. */
  readTimeMicros?: bigint;
  startAfter?: string;
  startAt?: string;
  limit?: number;
  returned?: number;
  failedWith?: number;
}

interface Version {
  atMicros: bigint;
  data: Record<string, unknown> | undefined;
  createMicros: bigint;
}

type Order = { kind: 'name' } | { kind: 'field'; segments: string[] };
interface Bound {
  values: unknown[];
  before: boolean;
}
interface QueryState {
  group: string;
  /** A collection's query (`db.collection(path)`): only documents directly under this parent. */
  parent?: string;
  filters: { segments: string[]; op: string; value: unknown }[];
  orders: Order[];
  start?: Bound;
  end?: Bound;
  limit?: number;
}

/** Fails on any property the object does not have: an unexpected SDK call is an error. */
function strict<T extends object>(name: string, target: T): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (typeof property === 'symbol' || property === 'then' || property in object) {
        return Reflect.get(object, property, receiver) as unknown;
      }
      throw new Error(`unexpected SDK call: ${name}.${property}`);
    },
  });
}

const micros = (t: Timestamp) => BigInt(t.seconds) * 1_000_000n + BigInt(t.nanoseconds / 1_000);
const timestampOf = (us: bigint) =>
  new Timestamp(Number(us / 1_000_000n), Number(us % 1_000_000n) * 1_000);

function segmentsOf(path: unknown): string[] {
  if (path instanceof FieldPath) return (path as unknown as { segments: string[] }).segments;
  if (typeof path === 'string') return path.split('.');
  throw new Error(`fake: not a field path: ${String(path)}`);
}

function valueAt(data: Record<string, unknown>, segments: string[]): unknown {
  let value: unknown = data;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function pathOfCursor(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'path' in value)
    return (value as { path: string }).path;
  throw new Error('fake: a __name__ cursor is a path or a DocumentReference');
}

/** Firestore orders values by type first; the live source only orders by timestamps. */
/** Equality as a Firestore filter sees it, for the value types the migration queries on. */
function sameFieldValue(a: unknown, b: unknown): boolean {
  if (a instanceof Timestamp && b instanceof Timestamp) return micros(a) === micros(b);
  const isRef = (v: unknown): v is DocumentReference =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as DocumentReference).path === 'string' &&
    typeof (v as DocumentReference).parent === 'object';
  if (isRef(a) || isRef(b)) return isRef(a) && isRef(b) && a.path === b.path;
  return a === b;
}

function compareFieldValues(a: unknown, b: unknown): number {
  if (a instanceof Timestamp && b instanceof Timestamp) {
    const x = micros(a);
    const y = micros(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new Error('fake: orders only timestamps by value');
}

export class FakeFirestoreSdk {
  /** Every read served, in order. */
  readonly reads: FakeRead[] = [];
  /** A real client, only to make DocumentReference values (it never connects). */
  readonly refs = new Firestore({ projectId: 'fake-project', useBigInt: true });
  private readonly history = new Map<string, Version[]>();
  private readonly faults: { code: number; op?: FakeOp }[] = [];
  private terminated = false;

  constructor(
    private readonly options: {
      now: () => number;
      retentionMs?: number;
      /** Serve queries as if they had no start cursor (as @firestore-emulator/server does). */
      ignoreStartCursors?: boolean;
    } = {
      now: () => Date.now(),
    },
  ) {}

  /** Writes a document (SDK values) at `atMillis`, default now. */
  set(path: string, data: Record<string, unknown>, atMillis = this.options.now()): void {
    const at = BigInt(Math.floor(atMillis)) * 1_000n;
    const versions = this.history.get(path) ?? [];
    const current = versions.at(-1);
    versions.push({ atMicros: at, data, createMicros: current?.data ? current.createMicros : at });
    this.history.set(path, versions);
  }

  delete(path: string, atMillis = this.options.now()): void {
    this.history
      .get(path)
      ?.push({ atMicros: BigInt(atMillis) * 1_000n, data: undefined, createMicros: 0n });
  }

  /** The next `times` reads (of `op`, or any) fail with gRPC `code`. */
  failNext(code: number, times = 1, op?: FakeOp): void {
    for (let i = 0; i < times; i += 1) this.faults.push({ code, ...(op ? { op } : {}) });
  }

  get isTerminated(): boolean {
    return this.terminated;
  }

  /** The fake as the SDK's `Firestore` type, for the code under test. */
  client(): Firestore {
    return strict('Firestore', {
      collectionGroup: (id: string) => this.query({ group: id, filters: [], orders: [] }, true),
      collection: (collectionPath: string) => {
        const segments = collectionPath.split('/');
        return this.query({
          group: segments.at(-1)!,
          parent: segments.slice(0, -1).join('/'),
          filters: [],
          orders: [],
        });
      },
      doc: (path: string) => this.refs.doc(path),
      listCollections: () => Promise.resolve(this.collectionsUnder('')),
      runTransaction: <T>(
        fn: (tx: unknown) => Promise<T>,
        options?: { readOnly?: boolean; readTime?: Timestamp },
      ): Promise<T> => {
        if (options?.readOnly !== true || !(options.readTime instanceof Timestamp)) {
          return Promise.reject(new Error('fake: every read must be pinned (readOnly + readTime)'));
        }
        return fn(this.transaction(micros(options.readTime)));
      },
      terminate: () => {
        this.terminated = true;
        return Promise.resolve();
      },
    }) as unknown as Firestore;
  }

  private takeFault(read: FakeRead): void {
    const index = this.faults.findIndex((f) => f.op === undefined || f.op === read.op);
    if (index < 0) return;
    const [fault] = this.faults.splice(index, 1);
    read.failedWith = fault!.code;
    this.reads.push(read);
    throw grpcError(fault!.code);
  }

  private transaction(readMicros: bigint) {
    return strict('Transaction', {
      get: (target: unknown): Promise<unknown> => {
        try {
          const retention = this.options.retentionMs;
          const now = BigInt(Math.floor(this.options.now())) * 1_000n;
          if (retention !== undefined && now - readMicros > BigInt(retention) * 1_000n) {
            throw grpcError(9, 'The requested snapshot version is too old.');
          }
          return Promise.resolve(this.serve(target, readMicros));
        } catch (error) {
          return Promise.reject(error as Error);
        }
      },
    });
  }

  private serve(target: unknown, readMicros: bigint): unknown {
    const t = target as { kind?: string; state?: QueryState; path?: string };
    if (t.kind === 'aggregate') {
      const read: FakeRead = { op: 'count', group: t.state!.group, readTimeMicros: readMicros };
      this.takeFault(read);
      const count = this.run({ ...t.state!, limit: undefined }, readMicros).length;
      this.reads.push({ ...read, returned: count });
      return strict('AggregateQuerySnapshot', { data: () => ({ count: BigInt(count) }) });
    }
    if (t.kind === 'query') {
      const state = t.state!;
      const read: FakeRead = {
        op: 'query',
        group: state.group,
        readTimeMicros: readMicros,
        ...(state.start && !state.start.before
          ? { startAfter: pathOfCursor(state.start.values.at(-1)) }
          : {}),
        ...(state.start?.before ? { startAt: pathOfCursor(state.start.values.at(-1)) } : {}),
        ...(state.limit !== undefined ? { limit: state.limit } : {}),
      };
      this.takeFault(read);
      const docs = this.run(state, readMicros).map((d) => this.snapshotOf(d.path, d.version));
      this.reads.push({ ...read, returned: docs.length });
      return strict('QuerySnapshot', { docs, size: docs.length });
    }
    if (typeof t.path === 'string' && typeof (target as DocumentReference).parent === 'object') {
      const read: FakeRead = { op: 'doc', readTimeMicros: readMicros };
      this.takeFault(read);
      this.reads.push(read);
      const version = this.versionAt(t.path, readMicros);
      return this.snapshotOf(t.path, version);
    }
    throw new Error('fake: tx.get takes a query, an aggregate query or a DocumentReference');
  }

  private snapshotOf(path: string, version: Version | undefined) {
    const data = version?.data;
    return strict('DocumentSnapshot', {
      ref: this.refs.doc(path),
      exists: data !== undefined,
      data: () => data,
      get: (field: unknown) => (data ? valueAt(data, segmentsOf(field)) : undefined),
      createTime: version?.data ? timestampOf(version.createMicros) : undefined,
      updateTime: version?.data ? timestampOf(version.atMicros) : undefined,
    });
  }

  private versionAt(path: string, readMicros: bigint): Version | undefined {
    const version = this.history.get(path)?.findLast((v) => v.atMicros <= readMicros);
    return version?.data ? version : undefined;
  }

  /** The group's documents at the read time, filtered, ordered and cut as Firestore does. */
  private run(state: QueryState, readMicros: bigint): { path: string; version: Version }[] {
    const docs: { path: string; version: Version }[] = [];
    for (const path of this.history.keys()) {
      if (collectionGroupOf(path) !== state.group) continue;
      if (state.parent !== undefined && path.split('/').slice(0, -2).join('/') !== state.parent) {
        continue;
      }
      const version = this.versionAt(path, readMicros);
      if (version) docs.push({ path, version });
    }
    const keyOf = (d: { path: string; version: Version }) =>
      this.orderKey(state.orders, d.path, d.version.data!);
    const matching = docs.filter(({ version }) =>
      state.filters.every((f) => {
        const value = valueAt(version.data!, f.segments);
        if (f.op === '==') return sameFieldValue(value, f.value);
        if (f.op === 'in') {
          if (!Array.isArray(f.value) || f.value.length > 30) {
            throw new Error('fake: `in` takes an array of at most 30 values');
          }
          return f.value.some((v) => sameFieldValue(value, v));
        }
        if (f.op !== '>') throw new Error(`fake: unsupported operator ${f.op}`);
        // A range filter matches only values of the same type.
        return value instanceof Timestamp && f.value instanceof Timestamp
          ? compareFieldValues(value, f.value) > 0
          : false;
      }),
    );
    const orders = this.effectiveOrders(state.orders);
    matching.sort((a, b) => this.compareKeys(orders, keyOf(a), keyOf(b)));
    const cut = matching.filter((d) => {
      const key = keyOf(d);
      if (state.start && !this.options.ignoreStartCursors) {
        const c = this.compareKeys(orders, key, state.start.values);
        if (state.start.before ? c < 0 : c <= 0) return false;
      }
      if (state.end) {
        const c = this.compareKeys(orders, key, state.end.values);
        if (state.end.before ? c >= 0 : c > 0) return false;
      }
      return true;
    });
    return state.limit === undefined ? cut : cut.slice(0, state.limit);
  }

  /** Firestore appends `__name__` to every ordering. */
  private effectiveOrders(orders: Order[]): Order[] {
    return orders.some((o) => o.kind === 'name') ? orders : [...orders, { kind: 'name' }];
  }

  private orderKey(orders: Order[], path: string, data: Record<string, unknown>): unknown[] {
    return this.effectiveOrders(orders).map((o) =>
      o.kind === 'name' ? path : valueAt(data, o.segments),
    );
  }

  /** Compares as many values as `b` has (a cursor may name fewer than the orderings). */
  private compareKeys(orders: Order[], a: unknown[], b: unknown[]): number {
    for (let i = 0; i < b.length; i += 1) {
      const c =
        orders[i]!.kind === 'name'
          ? comparePaths(pathOfCursor(a[i]), pathOfCursor(b[i]))
          : compareFieldValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return 0;
  }

  private query(state: QueryState, isGroup = false): unknown {
    const cursor = (values: unknown[], before: boolean): Bound => {
      if (values.length === 0 || values.length > this.effectiveOrders(state.orders).length) {
        throw new Error('fake: too many cursor values for the orderings');
      }
      // On a collection's query a document id names a document of that collection; on a
      // collection group's query only a full path does.
      const named = values.map((v, i) =>
        i === values.length - 1 && typeof v === 'string' && state.parent !== undefined
          ? v.includes('/')
            ? (() => {
                throw new Error('fake: a collection query cursor is a document id, not a path');
              })()
            : `${state.parent ? `${state.parent}/` : ''}${state.group}/${v}`
          : v,
      );
      return { values: named, before };
    };
    const next = (change: Partial<QueryState>) => this.query({ ...state, ...change });
    const surface: Record<string, unknown> = {
      kind: 'query',
      state,
      orderBy: (field: unknown) => {
        const segments = segmentsOf(field);
        const order: Order =
          segments.length === 1 && segments[0] === '__name__'
            ? { kind: 'name' }
            : { kind: 'field', segments };
        return next({ orders: [...state.orders, order] });
      },
      where: (field: unknown, op: string, value: unknown) =>
        next({ filters: [...state.filters, { segments: segmentsOf(field), op, value }] }),
      startAt: (...values: unknown[]) => next({ start: cursor(values, true) }),
      startAfter: (...values: unknown[]) => next({ start: cursor(values, false) }),
      endBefore: (...values: unknown[]) => next({ end: cursor(values, true) }),
      limit: (n: number) => next({ limit: n }),
      count: () => strict('AggregateQuery', { kind: 'aggregate', state }),
    };
    if (isGroup) {
      surface.getPartitions = (desired: number) => this.partitions(state.group, desired);
    }
    return strict(isGroup ? 'CollectionGroup' : 'Query', surface);
  }

  /** Split points from the current state, as the server picks them (possibly fewer). */
  private async *partitions(group: string, desired: number) {
    const read: FakeRead = { op: 'partitions', group };
    this.takeFault(read);
    this.reads.push(read);
    const now = BigInt(Math.floor(this.options.now())) * 1_000n;
    const paths = this.run({ group, filters: [], orders: [] }, now).map((d) => d.path);
    const pieces = Math.max(1, Math.min(desired, paths.length));
    const splits: DocumentReference[] = [];
    for (let i = 1; i < pieces; i += 1) {
      splits.push(this.refs.doc(paths[Math.floor((i * paths.length) / pieces)]!));
    }
    for (let i = 0; i <= splits.length; i += 1) {
      yield await Promise.resolve(
        strict('QueryPartition', {
          startAt: i === 0 ? undefined : [splits[i - 1]],
          endBefore: i === splits.length ? undefined : [splits[i]],
        }),
      );
    }
  }

  /** Collections directly under a document path ('' = the root), any document below counting. */
  private collectionsUnder(parent: string): unknown[] {
    const prefix = parent === '' ? '' : `${parent}/`;
    const ids = new Set<string>();
    for (const path of this.history.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length).split('/');
      if (rest.length >= 2) ids.add(rest[0]!);
    }
    return [...ids].sort().map((id) => {
      const collectionPath = `${prefix}${id}`;
      return strict('CollectionReference', {
        id,
        listDocuments: () => Promise.resolve(this.documentsIn(collectionPath)),
      });
    });
  }

  /** Every document id in a collection, "missing" parents included (as ListDocuments shows). */
  private documentsIn(collectionPath: string): unknown[] {
    const prefix = `${collectionPath}/`;
    const docs = new Set<string>();
    for (const path of this.history.keys()) {
      if (!path.startsWith(prefix)) continue;
      docs.add(`${prefix}${path.slice(prefix.length).split('/')[0]!}`);
    }
    return [...docs].sort(comparePaths).map((path) =>
      strict('DocumentReference', {
        path,
        listCollections: () => Promise.resolve(this.collectionsUnder(path)),
      }),
    );
  }
}
