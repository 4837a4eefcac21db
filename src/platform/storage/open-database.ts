import type { AppConfig } from '../../config/config.js';
import type { Database, StorageLogger } from './database.js';
import { DelayedDatabase } from './delayed-database.js';
import { EmbeddedDatabase } from './embedded/embedded-database.js';
import { MongoDatabase } from './mongo-database.js';

/** The database the configuration names: MongoDB/DocumentDB when a URI is set, else embedded. */
export async function openDatabase(
  config: AppConfig['database'],
  logger: StorageLogger,
): Promise<Database> {
  const db = await openConfigured(config, logger);
  if (!config.benchDelayMs) return db;
  logger.warn({ delayMs: config.benchDelayMs }, 'bench-only: every database call is delayed');
  return new DelayedDatabase(db, config.benchDelayMs);
}

function openConfigured(config: AppConfig['database'], logger: StorageLogger): Promise<Database> {
  switch (config.kind) {
    case 'mongodb':
      return MongoDatabase.connect(
        {
          uri: config.uri,
          dbName: config.dbName,
          tlsCaFile: config.tlsCaFile,
          ...(config.auth ? { auth: config.auth } : {}),
        },
        logger,
      );
    case 'embedded':
      return EmbeddedDatabase.open(config.dir, {
        logger,
        dbName: config.dbName,
        synchronous: config.synchronous,
        busyTimeoutMs: config.busyTimeoutMs,
      });
    default:
      throw new Error(
        `openDatabase does not know database kind ${(config as { kind: string }).kind}`,
      );
  }
}
