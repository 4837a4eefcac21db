import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { ROOT_LOGGER } from '../../platform/logging/logging.module.js';
import type { Database } from '../../platform/storage/database.js';
import { DATABASE } from '../../platform/storage/storage.module.js';
import { LEGACY_ACCOUNTS, type LegacyAccounts } from './legacy-accounts.port.js';
import { LegacyPasswords } from './legacy-passwords.js';
import { LegacyUsersRepository } from './legacy-users.repository.js';

@Module({
  providers: [
    {
      provide: LEGACY_ACCOUNTS,
      inject: [DATABASE, APP_CONFIG, ROOT_LOGGER],
      useFactory: (db: Database, config: AppConfig, logger: Logger): LegacyAccounts => {
        const users = new LegacyUsersRepository(db);
        // The same parameters as the migration trigger's (LEGACY_AUTH_HASH_CONFIG).
        const passwords = new LegacyPasswords(
          users,
          config.legacyAuth.hashParameters,
          logger.child({ component: 'legacy-auth' }),
        );
        return {
          forget: (email) => users.deleteByEmail(email),
          passwordMatches: async (email, password) =>
            (await passwords.check(email, password)).valid,
          uidOfEmail: async (email) => (await users.getByEmail(email))?.uid,
          profileOf: async (firebaseUid) => {
            const user = await users.getByUid(firebaseUid);
            if (!user?.role || user.disabled) return undefined;
            return { firebaseUid, role: user.role, email: user.email, phone: user.phone };
          },
          linkCognitoUser: (firebaseUid, cognitoId) =>
            users.linkCognitoUser(firebaseUid, cognitoId),
        };
      },
    },
  ],
  exports: [LEGACY_ACCOUNTS],
})
export class LegacyAuthModule {}
