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
import { MEMBER_CONTACTS, type MemberContacts } from './member-contacts.port.js';
import {
  MESSAGE_SENDER,
  type MessageSender,
  type MessageSenderKind,
} from './message-sender.port.js';
import {
  NOTIFICATION_RECIPIENTS,
  type NotificationRecipients,
} from './notification-recipients.port.js';
import { NotificationsService } from './notifications.service.js';
import { OnceMessageSender } from './once-message-sender.js';
import { RecordingMessageSender } from './recording-message-sender.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

/** Builds the provider sender (`popbill`) from the member contacts and what it injects. */
interface MessageDelivery {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (contacts: MemberContacts, ...deps: never[]) => MessageSender;
}

export interface NotificationsModuleOptions {
  /**
   * `MESSAGE_SENDER`: `recording` keeps messages in `sent_messages`; `popbill` hands them to
   * `delivery`, once per id (`OnceMessageSender`).
   */
  sender: MessageSenderKind;
  /** Required for `popbill`: the provider sender, made by the composition root. */
  delivery?: MessageDelivery;
  /** Required for `popbill`: where members' phone numbers come from. */
  contacts?: { imports?: ModuleMetadata['imports']; useExisting: InjectionToken };
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
      imports: [
        OutboxHandlersModule,
        ...(options.recipients?.imports ?? []),
        ...(options.contacts?.imports ?? []),
        ...(options.delivery?.imports ?? []),
      ],
      providers: [
        NotificationsService,
        SentMessagesRepository,
        ...senderProviders(options),
        ...recipientsProvider(options.recipients),
      ],
      exports: [MESSAGE_SENDER, SentMessagesRepository],
    };
  }

  onModuleInit(): void {
    this.handlers.register('assignment.*', (event) => this.notifications.onAssignmentEvent(event));
  }
}

const PROVIDER_SENDER = Symbol('PROVIDER_SENDER');

function senderProviders(options: NotificationsModuleOptions): Provider[] {
  switch (options.sender) {
    case 'recording':
      return [{ provide: MESSAGE_SENDER, useClass: RecordingMessageSender }];
    case 'popbill': {
      const { delivery, contacts } = options;
      if (!delivery || !contacts) {
        throw new Error('MESSAGE_SENDER=popbill needs a delivery and the member contacts');
      }
      return [
        { provide: MEMBER_CONTACTS, useExisting: contacts.useExisting },
        {
          provide: PROVIDER_SENDER,
          inject: [MEMBER_CONTACTS, ...(delivery.inject ?? [])],
          useFactory: delivery.useFactory as (...args: unknown[]) => MessageSender,
        },
        {
          provide: MESSAGE_SENDER,
          inject: [PROVIDER_SENDER, SentMessagesRepository],
          useFactory: (sender: MessageSender, sent: SentMessagesRepository) =>
            new OnceMessageSender(sender, sent),
        },
      ];
    }
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
