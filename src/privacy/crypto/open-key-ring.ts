import type { AppConfig } from '../../config/config.js';
import type { Database } from '../../platform/storage/database.js';
import { KeyRing } from './key-ring.js';

/**
 * The key ring the configuration names: a local key file (`file`), or KMS-wrapped data keys
 * shared through the database (`kms`).
 */
export async function openKeyRing(
  privacy: AppConfig['privacy'],
  _db: Database,
): Promise<KeyRing> {
  if (privacy.keys.kind === 'file') return KeyRing.openLocal(privacy.keys.dir);
  throw new Error('the KMS key ring is not built yet');
}
