import { Inject, Injectable, Optional } from '@nestjs/common';
import { parseEvent } from '../../platform/outbox/event-catalog.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { ASSIGNMENT_EVENTS } from '../assignments/assignments.events.js';
import { assignmentMessages, needsBusinessStaff } from './assignment-messages.js';
import { InjectMessageSender, type MessageSender } from './message-sender.port.js';
import {
  NOTIFICATION_RECIPIENTS,
  type NotificationRecipients,
} from './notification-recipients.port.js';

/** Turns outbox events into notifications and hands them to the `MessageSender`. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectMessageSender() private readonly sender: MessageSender,
    @Optional()
    @Inject(NOTIFICATION_RECIPIENTS)
    private readonly recipients: NotificationRecipients | null = null,
  ) {}

  /**
   * Sends the messages of one `assignment.*` event. A failure (sender or recipient lookup) rejects
   * and the outbox delivers the event again; messages sent before it are dropped by the sender as
   * repeats. An event the producer's schema does not take never will be: the event is parked.
   */
  async onAssignmentEvent(event: OutboxEvent): Promise<void> {
    const { payload } = parseEvent(ASSIGNMENT_EVENTS, event);
    const staff =
      this.recipients && needsBusinessStaff(event.type, payload)
        ? await this.recipients.forBusiness(payload.businessId)
        : [];
    for (const message of assignmentMessages(event, payload, staff)) {
      await this.sender.send(message);
    }
  }
}
