import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database, StorageLogger } from '../database.js';
import {
  CONTENT_TYPE,
  decode,
  DIRECT_OPERATIONS,
  encode,
  type RemoteError,
  type Request,
  type Response,
} from './protocol.js';

const MAX_REQUEST_BYTES = 48 * 1024 * 1024;
const DIRECT = new Set<string>(DIRECT_OPERATIONS);

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error(`request over ${MAX_REQUEST_BYTES} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function toRemoteError(error: unknown): RemoteError {
  const e = error as Partial<RemoteError> & { writeErrors?: unknown; result?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(typeof e.code === 'number' ? { code: e.code } : {}),
    ...(e.keyPattern ? { keyPattern: e.keyPattern } : {}),
    ...(e.keyValue ? { keyValue: e.keyValue } : {}),
    ...(e.writeErrors ? { writeErrors: e.writeErrors, result: e.result } : {}),
  };
}

async function execute(db: Database, request: Request): Promise<unknown> {
  if (request.op === 'ping') return db.ping();
  const collection = db.collection(request.collection);
  if (request.op === 'find') {
    const { filter, options, sort, skip, limit, projection } = request.find;
    let cursor = collection.find((filter ?? {}) as never, (options ?? {}) as never);
    if (sort !== undefined && sort !== null) cursor = cursor.sort(sort as never);
    if (typeof skip === 'number') cursor = cursor.skip(skip);
    if (typeof limit === 'number') cursor = cursor.limit(limit);
    if (projection !== undefined && projection !== null)
      cursor = cursor.project(projection as never);
    return cursor.toArray();
  }
  if (request.op === 'aggregate') return collection.aggregate(request.pipeline as never).toArray();
  if (!DIRECT.has(request.op))
    throw new Error(`unknown operation ${String((request as { op: unknown }).op)}`);
  const method = collection[request.op] as (...args: unknown[]) => Promise<unknown>;
  return method.apply(collection, request.args);
}

export interface EmbeddedServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one embedded database to other processes on loopback, so the local stack's API and
 * worker share the data while one process owns the journal. Development only: no auth, no TLS,
 * and it binds to 127.0.0.1. (A MongoDB wire-protocol server would let the driver connect
 * directly, but that is a database server's worth of protocol; this speaks our Collection
 * subset and nothing else.)
 */
export async function serveEmbeddedDatabase(
  db: Database,
  options: { port: number; host?: string; logger: StorageLogger },
): Promise<EmbeddedServer> {
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      let reply: Response;
      try {
        if (request.method !== 'POST' || request.url !== '/rpc') {
          response.writeHead(404).end();
          return;
        }
        const decoded = decode<{ request: Request }>(await readBody(request));
        reply = { ok: true, value: await execute(db, decoded.request) };
      } catch (error) {
        reply = { ok: false, error: toRemoteError(error) };
      }
      const body = encode({ reply });
      response
        .writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': body.length })
        .end(body);
    })();
  });
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  options.logger.info({ url }, 'embedded database served');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
