import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnModuleInit,
  type Provider,
  type Type,
} from '@nestjs/common';
import { OutboxHandlersModule } from '../../platform/outbox/outbox-dispatch.module.js';
import { OutboxHandlers } from '../../platform/outbox/outbox-handlers.js';
import { MESSAGE_SENDER, type MessageSenderKind } from './message-sender.port.js';
import {
  NOTIFICATION_RECIPIENTS,
  type NotificationRecipients,
} from './notification-recipients.port.js';
import { NotificationsService } from './notifications.service.js';
import { RecordingMessageSender } from './recording-message-sender.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

export interface NotificationsModuleOptions {
  /** `MESSAGE_SENDER`: which sender delivers (`recording` until the provider senders exist). */
  sender: MessageSenderKind;
  /**
   * Where business staff recipients come from: a provider of `NotificationRecipients` made here
   * (`useClass`, its dependencies from `imports`) or taken from `imports` (`useExisting`). Without
   * it only workers are notified.
   */
  recipients?: {
    imports?: ModuleMetadata['imports'];
    useClass?: Type<NotificationRecipients>;
    useExisting?: InjectionToken;
  };
}

/**
 * Notifications of assignment changes: the outbox handler for `assignment.*` (worker process) and
 * the `MessageSender` chosen by configuration (exported as `MESSAGE_SENDER`).
 */
@Module({})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly handlers: OutboxHandlers,
    private readonly notifications: NotificationsService,
  ) {}

  static forRoot(options: NotificationsModuleOptions): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [OutboxHandlersModule, ...(options.recipients?.imports ?? [])],
      providers: [
        NotificationsService,
        SentMessagesRepository,
        senderProvider(options.sender),
        ...recipientsProvider(options.recipients),
      ],
      exports: [MESSAGE_SENDER, SentMessagesRepository],
    };
  }

  onModuleInit(): void {
    this.handlers.register('assignment.*', (event) => this.notifications.onAssignmentEvent(event));
  }
}

function senderProvider(kind: MessageSenderKind): Provider {
  switch (kind) {
    case 'recording':
      return { provide: MESSAGE_SENDER, useClass: RecordingMessageSender };
  }
}

function recipientsProvider(recipients: NotificationsModuleOptions['recipients']): Provider[] {
  if (recipients?.useClass)
    return [{ provide: NOTIFICATION_RECIPIENTS, useClass: recipients.useClass }];
  if (recipients?.useExisting) {
    return [{ provide: NOTIFICATION_RECIPIENTS, useExisting: recipients.useExisting }];
  }
  return [];
}
