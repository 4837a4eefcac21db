import type { Collection, Database } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import { type KeyRingRecord, type KeyRingStore, latestVersion } from './key-ring-store.js';

export const KEY_RING_COLLECTION = 'privacy_key_ring';
const KEY_RING_ID = 'field-keys';

/** The stored record plus `latest`, its highest version, kept so a rotation can compare-and-swap. */
interface KeyRingDocument extends KeyRingRecord {
  _id: string;
  latest: number;
}

/**
 * `aws` mode: the wrapped keys in one document of the database, so every task of the service
 * shares one ring. Holds wrapped keys only; without KMS they are useless.
 */
export class DatabaseKeyRingStore implements KeyRingStore {
  private readonly collection: Collection<KeyRingDocument>;

  constructor(db: Database) {
    this.collection = db.collection<KeyRingDocument>(KEY_RING_COLLECTION);
  }

  async load(): Promise<KeyRingRecord | undefined> {
    const stored = await this.collection.findOne({ _id: KEY_RING_ID });
    if (!stored) return undefined;
    const { _id, latest: _latest, ...record } = stored;
    return record;
  }

  async create(record: KeyRingRecord): Promise<boolean> {
    try {
      await this.collection.insertOne({
        ...record,
        _id: KEY_RING_ID,
        latest: latestVersion(record),
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false; // another task stored the first ring
      throw error;
    }
  }

  async replace(record: KeyRingRecord, expectedLatest: number): Promise<boolean> {
    const result = await this.collection.replaceOne(
      { _id: KEY_RING_ID, latest: expectedLatest },
      { ...record, latest: latestVersion(record) },
    );
    return result.matchedCount === 1;
  }
}
