import type { StorageLogger } from '../platform/storage/database.js';
import { EmbeddedDatabase } from '../platform/storage/embedded/embedded-database.js';
import { serveEmbeddedDatabase } from '../platform/storage/embedded-server/embedded-server.js';
import { LOOPBACK } from './ports.js';

export interface EmbeddedDatabaseHost {
  url: string;
  close(): Promise<void>;
}

/**
 * The embedded engine admits one writer process, and the stack has three that need it (the
 * migration step, the API, the worker). The launcher owns the journal and serves it on
 * loopback; the children reach it through `EMBEDDED_DB_URL`.
 */
export async function hostEmbeddedDatabase(options: {
  dir: string;
  dbName: string;
  port: number;
  log: (line: string) => void;
}): Promise<EmbeddedDatabaseHost> {
  const logger: StorageLogger = {
    debug: () => undefined,
    // The banner says where the database is; routine lines would only be noise.
    info: () => undefined,
    warn: (_obj, msg) => options.log(`warning: ${msg}`),
    error: (obj, msg) => options.log(`error: ${msg} ${JSON.stringify(obj)}`),
  };
  const db = await EmbeddedDatabase.open(options.dir, { logger, dbName: options.dbName });
  try {
    const server = await serveEmbeddedDatabase(db, { port: options.port, host: LOOPBACK, logger });
    return {
      url: server.url,
      close: async () => {
        // Stop taking requests first, then flush and release the journal's lock.
        await server.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
