import { Injectable } from '@nestjs/common';
import type { MessageSender, OutgoingMessage } from './message-sender.port.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

/**
 * `MESSAGE_SENDER=recording`: keeps each message in `sent_messages` instead of sending it, for the
 * local stack and the tests to read. A repeated id is ignored, as a provider sender must.
 */
@Injectable()
export class RecordingMessageSender implements MessageSender {
  constructor(private readonly sentMessages: SentMessagesRepository) {}

  async send(message: OutgoingMessage): Promise<void> {
    await this.sentMessages.createIfAbsent(message, new Date());
  }
}
