import { Inject } from '@nestjs/common';

/** One notification to one member, from an approved template; ids and facts, never contact data. */
export interface OutgoingMessage {
  /**
   * The deduplication key, derived from the outbox event that caused it (so a redelivered event
   * produces the same ids): a sender must deliver each id at most once.
   */
  id: string;
  /** The sender looks up the member's phone number or KakaoTalk channel itself. */
  to: { memberId: string };
  /** e.g. `assignment.proposed.worker`: maps to an AlimTalk template code or an SMS text. */
  template: string;
  /** The template's variables: ids, KST times as text, flags. No names, no phone numbers. */
  params: Record<string, string>;
}

/**
 * Sends notifications (SMS, KakaoTalk AlimTalk through Popbill in a later issue). Resolving means
 * accepted for delivery; a rejection makes the outbox try the whole event again, so `send` must
 * ignore an id it has already accepted.
 */
export interface MessageSender {
  send(message: OutgoingMessage): Promise<void>;
}

export const MESSAGE_SENDER = Symbol('MESSAGE_SENDER');

export const InjectMessageSender = () => Inject(MESSAGE_SENDER);

// The values of `MESSAGE_SENDER` are configuration's to declare (config imports nothing above it).
export { type MessageSenderKind } from '../../config/config.schema.js';
