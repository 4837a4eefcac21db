import type { MessageSender, OutgoingMessage } from './message-sender.port.js';
import type { SentMessagesRepository } from './sent-messages.repository.js';

/**
 * A provider sender that delivers each message id at most once: an id already in `sent_messages`
 * is dropped, and an id is recorded there once the provider accepted it. A crash between the two
 * sends it again, which the provider itself drops (Popbill refuses a requestNum it accepted;
 * the Popbill client reads that as accepted). Recording after sending keeps a failed send
 * retryable: recording first would lose the message when the send fails.
 */
export class OnceMessageSender implements MessageSender {
  constructor(
    private readonly provider: MessageSender,
    private readonly sentMessages: SentMessagesRepository,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    if (await this.sentMessages.has(message.id)) return;
    await this.provider.send(message);
    await this.sentMessages.createIfAbsent(message, new Date());
  }
}
