import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config.js';
import type { Database } from '../storage/database.js';

/**
 * What a CLI command module gets: its arguments, the database, and where to write. A command
 * that needs the privacy layer declares it in its own context (platform cannot name privacy);
 * the CLI opens it on first use.
 */
export interface DatabaseCommandContext {
  argv: string[];
  config: AppConfig;
  logger: Logger;
  db: Database;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}
