import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config.js';
import type { Database } from '../../platform/storage/database.js';
import { openDatabase } from '../../platform/storage/open-database.js';
import {
  createLegacyAuthTriggers,
  type LegacyAuthTriggerEvent,
  type LegacyAuthTriggers,
} from './legacy-auth.triggers.js';
import { LegacyUsersRepository } from './legacy-users.repository.js';

export interface LegacyAuthRuntime {
  handle(event: LegacyAuthTriggerEvent): Promise<LegacyAuthTriggerEvent>;
  close(): Promise<void>;
}

/**
 * The triggers on the database the configuration names, opened on first use and kept: once per
 * Lambda container, once per local stack. An open that fails is retried by the next event.
 */
export function legacyAuthRuntime(config: AppConfig, logger: Logger): LegacyAuthRuntime {
  let opening: Promise<{ db: Database; triggers: LegacyAuthTriggers }> | undefined;
  const open = () => {
    opening ??= openDatabase(config.database, logger.child({ component: 'storage' })).then(
      (db) => ({
        db,
        triggers: createLegacyAuthTriggers({
          users: new LegacyUsersRepository(db),
          hashParameters: config.legacyAuth.hashParameters,
          logger,
        }),
      }),
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };
  return {
    handle: async (event) => (await open()).triggers.handle(event),
    close: async () => {
      const current = opening;
      opening = undefined;
      if (current) await (await current.catch(() => undefined))?.db.close();
    },
  };
}
