import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { createApiApp } from '../../src/create-api-app.js';
import { baseOptions } from '../../src/platform/logging/logger.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import { openDatabase } from '../../src/platform/storage/open-database.js';
import { LogCapture } from './log-capture.js';

/** The variables that make `aws` mode valid, pointed at nothing real (no stand-ins to probe). */
export const AWS_LIKE_ENV = {
  APP_MODE: 'aws',
  COGNITO_USER_POOL_ID: 'ap-northeast-2_TestPool1',
  COGNITO_CLIENT_ID: 'testclient',
  S3_BUCKET: 'workmatch-test',
  SQS_EVENTS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/events',
  LOG_LEVEL: 'info',
} as const;

export interface TestApi {
  url: string;
  app: NestFastifyApplication;
  config: AppConfig;
  logs: LogCapture;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * The real app on a free loopback port, on a fresh embedded database (or the env's MONGODB_URI),
 * with its log lines captured.
 */
export async function startTestApi(
  options: { modules?: Type[]; env?: Record<string, string>; migrate?: boolean } = {},
): Promise<TestApi> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wm-api-'));
  const config = loadConfig({
    ...AWS_LIKE_ENV,
    DATA_DIR: dataDir,
    EMBEDDED_DB_DIR: path.join(dataDir, 'db'),
    // A local key file unless the test brings a KMS key (then the ring lives in the database).
    ...(options.env?.KMS_KEY_ID ? {} : { FIELD_KEYS_DIR: path.join(dataDir, 'keys') }),
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = pino(baseOptions(config.log.level, 'api'), logs);
  if (options.migrate !== false) {
    // As in production: the schema step runs first, in its own connection.
    const db = await openDatabase(config.database, logger);
    await new SchemaMigrator(db, MIGRATIONS).migrate(logger);
    await db.close();
  }
  const app = await createApiApp({ config, logger, modules: options.modules ?? [] });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('no address');
  let closed = false;
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    config,
    logs,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A request to the test API as a signed-in member: JSON in when there is a body. */
export function callApi(
  api: TestApi,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
