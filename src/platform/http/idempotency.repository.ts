import type { Database } from '../storage/database.js';
import { isDuplicateKeyError } from '../storage/errors.js';

export interface StoredResponse {
  status: number;
  contentType: string | undefined;
  location: string | undefined;
  payload: string;
}

export interface IdempotencyRecord {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  lockedAt: Date;
  expiresAt: Date;
  response?: StoredResponse;
}

const COLLECTION = 'idempotency_keys';

/** The only code that touches the idempotency collection (its index: src/migrations). */
export class IdempotencyRepository {
  constructor(private readonly db: Database) {}

  private get collection() {
    return this.db.collection<IdempotencyRecord>(COLLECTION);
  }

  /** Inserts a pending record; on a duplicate, returns the record that holds the key. */
  async claim(record: IdempotencyRecord): Promise<IdempotencyRecord | null> {
    try {
      await this.collection.insertOne(record);
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return this.collection.findOne({ _id: record._id });
  }

  /** Takes over a record whose holder expired or died, if nobody else took it first. */
  async takeOver(stale: IdempotencyRecord, fresh: IdempotencyRecord): Promise<boolean> {
    const result = await this.collection.replaceOne(
      { _id: stale._id, state: stale.state, lockedAt: stale.lockedAt },
      fresh,
    );
    return result.matchedCount === 1;
  }

  async complete(id: string, lockedAt: Date, response: StoredResponse): Promise<void> {
    await this.collection.updateOne(
      { _id: id, state: 'pending', lockedAt },
      { $set: { state: 'done', response } },
    );
  }

  async release(id: string, lockedAt: Date): Promise<void> {
    await this.collection.deleteOne({ _id: id, state: 'pending', lockedAt });
  }
}
