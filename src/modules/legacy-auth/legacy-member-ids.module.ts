import { Global, Module } from '@nestjs/common';
import { MEMBER_IDS, type MemberIds } from '../../platform/auth/member-ids.js';
import type { Database } from '../../platform/storage/database.js';
import { DATABASE } from '../../platform/storage/storage.module.js';
import { LegacyUsersRepository } from './legacy-users.repository.js';

/**
 * Binds `MEMBER_IDS` to the links the legacy accounts hold: a Cognito user the Firebase migration
 * trigger made acts as the member whose id is its Firebase uid. Global, so the token verifier
 * (platform/auth) and the sign-in see it.
 */
@Global()
@Module({
  providers: [
    {
      provide: MEMBER_IDS,
      inject: [DATABASE],
      useFactory: (db: Database): MemberIds => {
        const users = new LegacyUsersRepository(db);
        return { memberIdOf: (cognitoId) => users.uidOfCognitoUser(cognitoId) };
      },
    },
  ],
  exports: [MEMBER_IDS],
})
export class LegacyMemberIdsModule {}
