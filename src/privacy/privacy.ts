import type { AppConfig } from '../config/config.js';
import type { Database } from '../platform/storage/database.js';
import { AccessRecords } from './access/access-records.js';
import { accessChainKey } from './access/access-record.js';
import { KeyRingBlindIndex } from './crypto/blind-index.js';
import { FieldCipher } from './crypto/field-cipher.js';
import type { KeyRing } from './crypto/key-ring.js';
import { openKeyRing } from './crypto/open-key-ring.js';
import { PersonalData } from './personal-data/personal-data.service.js';

/** The privacy layer, assembled once per process (the API, the worker, a CLI command). */
export interface Privacy {
  keys: KeyRing;
  cipher: FieldCipher;
  blindIndex: KeyRingBlindIndex;
  personalData: PersonalData;
  accessRecords: AccessRecords;
}

export async function openPrivacy(config: AppConfig, db: Database): Promise<Privacy> {
  const keys = await openKeyRing(config, db);
  const cipher = new FieldCipher(keys, config.privacy.fieldCipher);
  const blindIndex = new KeyRingBlindIndex(keys);
  const accessRecords = new AccessRecords(db, accessChainKey(await keys.ensureBlindIndexKey()));
  return {
    keys,
    cipher,
    blindIndex,
    personalData: new PersonalData(cipher, blindIndex),
    accessRecords,
  };
}
