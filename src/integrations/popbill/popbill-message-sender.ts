import type { MemberContacts } from '../../modules/notifications/member-contacts.port.js';
import type {
  MessageSender,
  OutgoingMessage,
} from '../../modules/notifications/message-sender.port.js';
import { alimTalkTemplate } from './alimtalk-templates.js';
import type { PopbillKakaoClient } from './kakao.client.js';

/**
 * `MESSAGE_SENDER=popbill`: each message as a KakaoTalk AlimTalk under its approved template, with
 * SMS/LMS fallback for numbers KakaoTalk cannot reach. The recipient's number is looked up here,
 * at sending time; a member without one is skipped (there is nowhere to deliver, and retrying
 * would not change that). Repeats are dropped twice over: `OnceMessageSender` around this sender,
 * and Popbill's refusal of a requestNum it already accepted.
 */
export class PopbillMessageSender implements MessageSender {
  constructor(
    private readonly kakao: PopbillKakaoClient,
    private readonly contacts: MemberContacts,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    const template = alimTalkTemplate(message.template);
    // Every template the app sends has one (alimtalk-templates.spec.ts); a new one without it is
    // a programming error, raised so the outbox keeps the event rather than dropping the message.
    if (!template) throw new Error(`no AlimTalk template for ${message.template}`);
    const receiver = await this.contacts.phoneOf(message.to.memberId);
    if (!receiver) return;
    await this.kakao.sendAlimTalk({
      id: message.id,
      template,
      params: message.params,
      receiver,
    });
  }
}
