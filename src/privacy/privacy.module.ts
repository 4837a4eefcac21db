import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../platform/logging/logging.module.js';
import type { Database } from '../platform/storage/database.js';
import { DATABASE } from '../platform/storage/storage.module.js';
import { FieldCipher } from './crypto/field-cipher.js';
import { KeyRing } from './crypto/key-ring.js';
import { BLIND_INDEXER, PersonalData } from './personal-data/personal-data.service.js';
import { openPrivacy, type Privacy } from './privacy.js';
import { ACCESS_RECORDS, StaffAccess } from './staff-access.service.js';

const PRIVACY = Symbol('PRIVACY');

/**
 * The privacy layer for every module: the key ring (opened, and its keys unwrapped, before the
 * service answers), the field cipher, blind indexes, the per-policy codecs and the access records.
 */
@Global()
@Module({
  providers: [
    {
      provide: PRIVACY,
      inject: [APP_CONFIG, DATABASE, ROOT_LOGGER],
      useFactory: (config: AppConfig, db: Database, logger: Logger) =>
        openPrivacy(config, db, {
          logger: logger.child({ component: 'privacy' }),
          tolerateUnavailable: true,
        }),
    },
    { provide: KeyRing, inject: [PRIVACY], useFactory: (p: Privacy) => p.keys },
    { provide: FieldCipher, inject: [PRIVACY], useFactory: (p: Privacy) => p.cipher },
    { provide: BLIND_INDEXER, inject: [PRIVACY], useFactory: (p: Privacy) => p.blindIndex },
    { provide: PersonalData, inject: [PRIVACY], useFactory: (p: Privacy) => p.personalData },
    { provide: ACCESS_RECORDS, inject: [PRIVACY], useFactory: (p: Privacy) => p.accessRecords },
    StaffAccess,
  ],
  exports: [KeyRing, FieldCipher, BLIND_INDEXER, PersonalData, ACCESS_RECORDS, StaffAccess],
})
export class PrivacyModule {}
