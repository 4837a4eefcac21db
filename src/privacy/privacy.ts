import type { AppConfig } from '../config/config.js';
import type { Database } from '../platform/storage/database.js';
import { AccessRecords } from './access/access-records.js';
import { accessChainKey } from './access/access-record.js';
import { KeyRingBlindIndex } from './crypto/blind-index.js';
import { FieldCipher } from './crypto/field-cipher.js';
import type { KeyRing } from './crypto/key-ring.js';
import { openKeyRing, type OpenKeyRingOptions } from './crypto/open-key-ring.js';
import { PersonalData } from './personal-data/personal-data.service.js';

/** The privacy layer, assembled once per process (the API, the worker, a CLI command). */
export interface Privacy {
  keys: KeyRing;
  cipher: FieldCipher;
  blindIndex: KeyRingBlindIndex;
  personalData: PersonalData;
  accessRecords: AccessRecords;
}

/**
 * Opens the key ring and builds the rest on it. Services pass `tolerateUnavailable` so they start
 * while KMS is away (readiness reports the keys down; requests needing them answer 503).
 */
export async function openPrivacy(
  config: AppConfig,
  db: Database,
  options: Pick<OpenKeyRingOptions, 'logger' | 'tolerateUnavailable'> = {},
): Promise<Privacy> {
  const keys = await openKeyRing(config, db, options);
  const cipher = new FieldCipher(keys, config.privacy.fieldCipher);
  const blindIndex = new KeyRingBlindIndex(keys);
  // Derived again only when the ring hands out another index key buffer (it refreshes in place).
  let derived: { from: Buffer; key: Buffer } | undefined;
  const accessRecords = new AccessRecords(db, async () => {
    const from = await keys.ensureBlindIndexKey();
    if (derived?.from !== from) derived = { from, key: accessChainKey(from) };
    return derived.key;
  });
  return {
    keys,
    cipher,
    blindIndex,
    personalData: new PersonalData(cipher, blindIndex),
    accessRecords,
  };
}
