import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import type { Database } from '../platform/storage/database.js';
import type { Privacy } from './privacy.js';

/**
 * What a CLI command module gets: its arguments, the database, and where to write. Here rather
 * than in platform/process because it hands out the privacy layer, which platform may not import.
 */
export interface DatabaseCommandContext {
  argv: string[];
  config: AppConfig;
  logger: Logger;
  db: Database;
  /** The privacy layer (key ring, codecs, access records), opened on first use. */
  privacy: () => Promise<Privacy>;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}
