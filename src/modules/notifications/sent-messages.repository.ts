import { Injectable } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { OutgoingMessage } from './message-sender.port.js';

const COLLECTION = 'sent_messages';

interface SentMessageDocument {
  /** The message id: the deduplication key. */
  _id: string;
  to: { memberId: string };
  template: string;
  params: Record<string, string>;
  recordedAt: Date;
}

export interface SentMessage extends OutgoingMessage {
  recordedAt: Date;
}

/** The messages the recording sender accepted, one document per message id. */
@Injectable()
export class SentMessagesRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<SentMessageDocument>(COLLECTION);
  }

  /** Stores the message unless its id is there already; true when it was new. */
  async createIfAbsent(message: OutgoingMessage, at: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({
        _id: message.id,
        to: { memberId: message.to.memberId },
        template: message.template,
        params: { ...message.params },
        recordedAt: at,
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Whether a message with this id was accepted already. */
  async has(id: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: id }, { projection: { _id: 1 } })) !== null;
  }

  /** Messages to one member (or all), oldest first. */
  async getMany(filter: { memberId?: string } = {}): Promise<SentMessage[]> {
    const docs = await this.collection
      .find(filter.memberId === undefined ? {} : { 'to.memberId': filter.memberId }, {
        sort: { recordedAt: 1, _id: 1 },
      })
      .toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}
