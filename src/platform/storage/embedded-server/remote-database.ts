import { Agent, request as httpRequest } from 'node:http';
import type {
  AggregateCursor,
  Collection,
  Database,
  Document,
  FindCursor,
  FindOptions,
  Sort,
} from '../database.js';
import {
  BulkWriteError,
  DatabaseUnavailableError,
  DuplicateKeyError,
  EmbeddedServerError,
  type WriteErrorInfo,
} from '../errors.js';
import type { BulkWriteSummary } from '../database.js';
import {
  CONTENT_TYPE,
  decode,
  DIRECT_OPERATIONS,
  encode,
  type FindRequest,
  type RemoteError,
  type Request,
  type Response,
} from './protocol.js';

const REQUEST_TIMEOUT_MS = 10_000;

/** Rebuilds the error the engine threw, as the same class, so callers branch the same way. */
function fromRemoteError(error: RemoteError): Error {
  if (Array.isArray(error.writeErrors) && error.result) {
    return new BulkWriteError(
      error.writeErrors as WriteErrorInfo[],
      error.result as BulkWriteSummary,
    );
  }
  if (error.code === 11000 && error.keyPattern && error.keyValue) {
    const duplicate = new DuplicateKeyError({
      dbName: '',
      collectionName: '',
      indexName: '',
      keyPattern: error.keyPattern as Document,
      keyValue: error.keyValue as Document,
    });
    Object.defineProperty(duplicate, 'message', { value: error.message });
    return duplicate;
  }
  if (typeof error.code === 'number')
    return new EmbeddedServerError(error.code, error.name, error.message);
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}

class RemoteFindCursor<T> implements FindCursor<T> {
  constructor(
    private readonly call: (request: Request) => Promise<unknown>,
    private readonly collection: string,
    private readonly spec: FindRequest,
  ) {}

  private with(change: Partial<FindRequest>): RemoteFindCursor<T> {
    return new RemoteFindCursor<T>(this.call, this.collection, { ...this.spec, ...change });
  }
  sort(sort: Sort): FindCursor<T> {
    return this.with({ sort });
  }
  skip(count: number): FindCursor<T> {
    return this.with({ skip: count });
  }
  limit(count: number): FindCursor<T> {
    return this.with({ limit: count });
  }
  project<R extends Document = Document>(projection: Document): FindCursor<R> {
    return this.with({ projection }) as unknown as FindCursor<R>;
  }
  async toArray(): Promise<T[]> {
    return (await this.call({ op: 'find', collection: this.collection, find: this.spec })) as T[];
  }
  async close(): Promise<void> {}
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.toArray();
  }
}

class RemoteAggregateCursor<T> implements AggregateCursor<T> {
  constructor(private readonly load: () => Promise<T[]>) {}
  toArray(): Promise<T[]> {
    return this.load();
  }
  async close(): Promise<void> {}
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.load();
  }
}

/**
 * The `Database` of a process that is not the embedded engine's owner: every operation is one
 * request to `serveEmbeddedDatabase` on loopback. Cursors are materialized by the server (the
 * embedded engine holds everything in memory anyway). When the server is down, operations fail
 * at once with `DatabaseUnavailableError`, and work again as soon as it is back.
 */
export class RemoteDatabase implements Database {
  readonly kind = 'embedded' as const;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly collections = new Map<string, Collection>();
  private readonly endpoint: URL;

  constructor(url: string) {
    this.endpoint = new URL('/rpc', url);
  }

  private send(request: Request): Promise<unknown> {
    const body = encode({ request });
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        this.endpoint,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': CONTENT_TYPE, 'content-length': body.length },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (error) =>
            reject(new DatabaseUnavailableError(error.message, { cause: error })),
          );
          res.on('end', () => {
            if (res.statusCode !== 200) {
              reject(
                new DatabaseUnavailableError(`embedded database server answered ${res.statusCode}`),
              );
              return;
            }
            const { reply } = decode<{ reply: Response }>(Buffer.concat(chunks));
            if (reply.ok) resolve(reply.value);
            else reject(fromRemoteError(reply.error));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (error) =>
        reject(
          new DatabaseUnavailableError(`embedded database server unreachable: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      req.end(body);
    });
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      const call = (request: Request) => this.send(request);
      const proxy: Record<string, unknown> = {
        collectionName: name,
        find: (filter?: unknown, options?: FindOptions) =>
          new RemoteFindCursor(call, name, { filter: filter ?? {}, options: options ?? {} }),
        aggregate: (pipeline: Document[]) =>
          new RemoteAggregateCursor(
            () => call({ op: 'aggregate', collection: name, pipeline }) as Promise<never[]>,
          ),
      };
      for (const op of DIRECT_OPERATIONS) {
        proxy[op] = async (...args: unknown[]) => {
          const result = await call({ op, collection: name, args });
          // The driver assigns `_id` to the caller's document on insert; so does the engine,
          // but on its own copy: give the caller's documents the ids the server chose.
          if (op === 'insertOne' && result && typeof result === 'object') {
            const doc = args[0] as Document;
            doc._id ??= (result as { insertedId: unknown }).insertedId;
          }
          if (op === 'insertMany' && result && typeof result === 'object') {
            const ids = (result as { insertedIds: Record<number, unknown> }).insertedIds;
            (args[0] as Document[]).forEach((doc, i) => (doc._id ??= ids[i]));
          }
          return result;
        };
      }
      collection = proxy as unknown as Collection;
      this.collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    await this.send({ op: 'ping' });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
