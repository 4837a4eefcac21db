import { Module } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import { DATABASE } from '../../platform/storage/storage.module.js';
import { LEGACY_ACCOUNTS, type LegacyAccounts } from './legacy-accounts.port.js';
import { LegacyUsersRepository } from './legacy-users.repository.js';

@Module({
  providers: [
    {
      provide: LEGACY_ACCOUNTS,
      inject: [DATABASE],
      useFactory: (db: Database): LegacyAccounts => {
        const users = new LegacyUsersRepository(db);
        return { forget: (email) => users.deleteByEmail(email) };
      },
    },
  ],
  exports: [LEGACY_ACCOUNTS],
})
export class LegacyAuthModule {}
