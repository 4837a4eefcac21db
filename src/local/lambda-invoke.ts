import http from 'node:http';
import { pino } from 'pino';
import type { AppConfig } from '../config/config.js';
import { legacyAuthRuntime } from '../modules/legacy-auth/legacy-auth.runtime.js';
import type { LegacyAuthTriggerEvent } from '../modules/legacy-auth/legacy-auth.triggers.js';
import { baseOptions } from '../platform/logging/logger.js';
import { closeServer } from './cognito.js';
import { LOOPBACK } from './ports.js';

/**
 * The slice of the Lambda Invoke API (`POST /2015-03-31/functions/<name>/invocations`) that
 * cognito-local calls its triggers through (standins.md §1): the event is the body, the
 * function's result the answer; a function that throws answers 200 with
 * `x-amz-function-error: Unhandled` and `{errorMessage, errorType}`, as Lambda does.
 */

type LocalLambdaFunction = (event: unknown) => Promise<unknown>;

export interface LambdaInvokeServerOptions {
  port: number;
  functions: Readonly<Record<string, LocalLambdaFunction>>;
  /** One line per failed invocation: the function and the error's type and message. */
  log: (line: string) => void;
}

export interface LambdaInvokeServer {
  url: string;
  close(): Promise<void>;
}

/** cognito-local's trigger names → our local function names (its `TriggerFunctions` config). */
export const LOCAL_TRIGGER_FUNCTIONS = {
  UserMigration: 'workmatch-legacy-auth',
  PreSignUp: 'workmatch-legacy-auth',
} as const;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const MAX_EVENT_BYTES = 6 * 1024 * 1024; // Lambda's synchronous payload limit

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_EVENT_BYTES) {
        reject(new Error('event too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startLambdaInvokeServer(
  options: LambdaInvokeServerOptions,
): Promise<LambdaInvokeServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const name = INVOKE_PATH.exec(req.url?.split('?')[0] ?? '')?.[1];
      if (req.method !== 'POST' || name === undefined) {
        send(res, 404, { message: 'not a Lambda Invoke request' });
        return;
      }
      const fn = options.functions[decodeURIComponent(name)];
      if (!fn) {
        send(
          res,
          404,
          { Type: 'User', message: `Function not found: ${name}` },
          { 'x-amzn-errortype': 'ResourceNotFoundException' },
        );
        return;
      }
      let event: unknown;
      try {
        event = JSON.parse(await readBody(req)) as unknown;
      } catch {
        send(
          res,
          400,
          { Type: 'User', message: 'Could not parse request body into json' },
          { 'x-amzn-errortype': 'InvalidRequestContentException' },
        );
        return;
      }
      try {
        send(res, 200, await fn(event), { 'x-amz-executed-version': '$LATEST' });
      } catch (error) {
        const errorType = error instanceof Error ? error.name : 'Error';
        const errorMessage = error instanceof Error ? error.message : String(error);
        // Our handlers' messages carry no personal data; the event (with a password) is not logged.
        options.log(`${name}: ${errorType}: ${errorMessage}`);
        send(
          res,
          200,
          { errorType, errorMessage },
          { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
        );
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: LOOPBACK }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { url: `http://${LOOPBACK}:${options.port}`, close: () => closeServer(server) };
}

/**
 * The local stack's endpoint: the legacy-auth triggers (src/modules/legacy-auth) on the database
 * the configuration names, logging to the stack's console under `lambda`.
 */
export async function startLegacyAuthEndpoint(
  config: AppConfig,
  port: number,
  out: (prefix: string, line: string) => void,
): Promise<LambdaInvokeServer> {
  const logger = pino(baseOptions(config.log.level, 'lambda'), {
    write: (chunk: string) => out('lambda', describeLogLine(chunk)),
  });
  const runtime = legacyAuthRuntime(config, logger);
  const handle: LocalLambdaFunction = (event) => runtime.handle(event as LegacyAuthTriggerEvent);
  const server = await startLambdaInvokeServer({
    port,
    functions: { [LOCAL_TRIGGER_FUNCTIONS.UserMigration]: handle },
    log: (line) => out('lambda', line),
  });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await runtime.close();
    },
  };
}

const LOG_ENVELOPE = new Set([
  'level',
  'time',
  'name',
  'service',
  'process',
  'pid',
  'hostname',
  'msg',
  'component',
]);

/** `legacy user migrated firebaseUid=… finalUserStatus=CONFIRMED`: one readable console line. */
function describeLogLine(chunk: string): string {
  try {
    const entry = JSON.parse(chunk) as Record<string, unknown>;
    const fields = Object.entries(entry)
      .filter(([key, value]) => !LOG_ENVELOPE.has(key) && value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    return [String(entry.msg ?? ''), ...fields].join(' ');
  } catch {
    return chunk.trim();
  }
}
