import { Injectable } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';

/** Failed logins of one subject (a hashed username or IP) in one fixed window. */
interface LoginAttemptsDocument {
  /** `<subject key>:<window number>`: one document per subject and window. */
  _id: string;
  failures: number;
  /** The window's end; a TTL index removes the document afterwards (src/migrations). */
  expiresAt: Date;
}

const COLLECTION = 'login_attempts';

@Injectable()
export class LoginAttemptsRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<LoginAttemptsDocument>(COLLECTION);
  }

  async failuresIn(ids: string[]): Promise<Map<string, number>> {
    const docs = await this.collection.find({ _id: { $in: ids } }).toArray();
    return new Map(docs.map((d) => [d._id, d.failures]));
  }

  /** One more failure, atomically whichever task counts it. */
  async addFailure(id: string, expiresAt: Date): Promise<void> {
    const update = { $inc: { failures: 1 }, $setOnInsert: { expiresAt } };
    try {
      await this.collection.updateOne({ _id: id }, update, { upsert: true });
    } catch (error) {
      // Two tasks upserting the same new window at once: one insert loses; its $inc then applies
      // to the document the other created.
      if (!isDuplicateKeyError(error)) throw error;
      await this.collection.updateOne({ _id: id }, update);
    }
  }

  async clear(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }
}
