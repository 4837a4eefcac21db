import { Injectable } from '@nestjs/common';
import type { Database } from '../storage/database.js';
import { InjectDatabase } from '../storage/storage.module.js';

export interface SessionRevocation {
  /** The member's sub. */
  _id: string;
  /** Tokens issued at or before this second (epoch seconds) are void. */
  through: number;
  updatedAt: Date;
  expiresAt: Date;
}

const COLLECTION = 'session_revocations';

@Injectable()
export class SessionRevocationsRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<SessionRevocation>(COLLECTION);
  }

  /** Never moves `through` backwards, whichever task writes last. */
  async revoke(sub: string, through: number, updatedAt: Date, expiresAt: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: sub },
      { $max: { through }, $set: { updatedAt, expiresAt } },
      { upsert: true },
    );
  }

  changedSince(since: Date): Promise<SessionRevocation[]> {
    return this.collection
      .find({ updatedAt: { $gt: since } })
      .sort({ updatedAt: 1 })
      .toArray();
  }
}
