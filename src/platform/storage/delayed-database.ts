import type {
  AggregateCursor,
  Collection,
  Database,
  Document,
  FindCursor,
  QueryExplanation,
} from './database.js';

/**
 * Bench-only (`BENCH_DB_DELAY_MS`): every database call waits a fixed time before it runs, as
 * each call to DocumentDB in another availability zone costs a network round trip. The embedded
 * engine answers in microseconds, which hides how many calls a route makes one after another;
 * with the delay, a route's latency counts them. Never used in production: the config refuses
 * the variable in aws mode.
 */
export class DelayedDatabase implements Database {
  constructor(
    private readonly inner: Database,
    readonly delayMs: number,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    return delayedCollection(this.inner.collection<T>(name), this.delayMs);
  }

  batch<R>(fn: () => Promise<R>): Promise<R> {
    return this.inner.batch(fn);
  }

  async ping(): Promise<void> {
    await sleep(this.delayMs);
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

// The global timer (not node:timers/promises), so the spec can drive it with fake timers.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A proxy rather than a class that restates the whole `Collection` surface: every method that
 * answers a promise waits first, `find` and `aggregate` answer cursors whose reads wait, and a
 * method added to `Collection` later is delayed without anyone remembering this file.
 */
function delayedCollection<T extends Document>(inner: Collection<T>, delayMs: number) {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'find' || property === 'aggregate') {
        return (...args: unknown[]) =>
          delayedCursor(
            (value as (...a: unknown[]) => FindCursor<unknown>).apply(target, args),
            delayMs,
          );
      }
      return async (...args: unknown[]) => {
        await sleep(delayMs);
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

/** The cursor's builders pass through; each read (`toArray`, `explain`, iterating) waits once. */
function delayedCursor<C extends FindCursor<unknown> | AggregateCursor<unknown>>(
  inner: C,
  delayMs: number,
): C {
  const cursor = inner as FindCursor<unknown>;
  const wrapped = {
    sort: (sort) => delayedCursor(cursor.sort(sort), delayMs),
    skip: (count) => delayedCursor(cursor.skip(count), delayMs),
    limit: (count) => delayedCursor(cursor.limit(count), delayMs),
    project: (projection) => delayedCursor(cursor.project(projection), delayMs),
    async toArray() {
      await sleep(delayMs);
      return cursor.toArray();
    },
    async explain(): Promise<QueryExplanation> {
      await sleep(delayMs);
      return cursor.explain();
    },
    close: () => cursor.close(),
    async *[Symbol.asyncIterator]() {
      await sleep(delayMs);
      yield* cursor;
    },
  } satisfies FindCursor<unknown>;
  return wrapped as unknown as C;
}
