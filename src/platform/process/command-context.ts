import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config.js';
import type { Privacy } from '../../privacy/privacy.js';
import type { Database } from '../storage/database.js';

/** What a CLI command module gets: its arguments, the database, and where to write. */
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
