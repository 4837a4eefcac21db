import { AuditModule } from './platform/audit/audit.module.js';
import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { BusinessStaffCheckModule } from './modules/businesses/business-staff-check.module.js';
import { BusinessesModule } from './modules/businesses/businesses.module.js';
import { BusinessesService } from './modules/businesses/businesses.service.js';
import { JOB_MODULES } from './jobs.module.js';
import { HealthChecksModule } from './modules/health/health.module.js';
import { IntegrationsModule, POPBILL_CLIENTS } from './integrations/integrations.module.js';
import type { PopbillClients } from './integrations/popbill/popbill.clients.js';
import { PopbillMessageSender } from './integrations/popbill/popbill-message-sender.js';
import { MemberContactsService } from './modules/members/member-contacts.service.js';
import { MembersModule } from './modules/members/members.module.js';
import type { MemberContacts } from './modules/notifications/member-contacts.port.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { JobSchedulerModule } from './platform/jobs/scheduler.module.js';
import { AlertsWorkerModule } from './platform/alerts/alerts-worker.module.js';
import { SlackAlertChannel } from './integrations/slack/slack-alert-channel.js';
import { AlimTalkAlertChannel } from './integrations/popbill/alimtalk-alert-channel.js';
import { OutboxDispatchModule } from './platform/outbox/outbox-dispatch.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { createSqsClient } from './platform/aws/clients.js';
import { QueueConsumer } from './platform/jobs/queue-consumer.js';
import { QueueHandlers } from './platform/jobs/queue-handlers.js';
import { LoggingModule, ROOT_LOGGER } from './platform/logging/logging.module.js';
import { ProviderGatewaysModule } from './platform/providers/provider-gateways.js';
import { StorageModule } from './platform/storage/storage.module.js';

@Module({})
export class WorkerModule implements OnApplicationShutdown {
  constructor(private readonly consumer: QueueConsumer) {}

  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        StorageModule,
        AuditModule,
        PrivacyModule,
        HealthChecksModule,
        BusinessStaffCheckModule,
        // Outbox events of assignments (notifications), shifts (a cancelled shift) and businesses
        // (a status change at the NTS).
        OutboxDispatchModule.forRoot({ sources: ['assignments', 'shifts', 'businesses'] }),
        ProviderGatewaysModule,
        IntegrationsModule.forRoot(config),
        NotificationsModule.forRoot({
          sender: config.notifications.sender,
          recipients: { imports: [BusinessesModule], useExisting: BusinessesService },
          contacts: { imports: [MembersModule], useExisting: MemberContactsService },
          delivery: {
            inject: [POPBILL_CLIENTS],
            useFactory: (contacts: MemberContacts, clients: PopbillClients | undefined) => {
              if (!clients) throw new Error('MESSAGE_SENDER=popbill but Popbill is not configured');
              return new PopbillMessageSender(clients.kakao, contacts);
            },
          },
        }),
        ...JOB_MODULES,
        // The alerts queue's consumer and the notices' channels: Slack when configured, and
        // AlimTalk to the on-call phones for critical ones when they and Popbill are.
        AlertsWorkerModule.forRoot({
          inject: [POPBILL_CLIENTS],
          useFactory: (cfg: AppConfig, popbill: PopbillClients | undefined) => [
            ...(cfg.alerts.slack ? [new SlackAlertChannel(cfg.alerts.slack)] : []),
            ...(cfg.alerts.page && popbill
              ? [new AlimTalkAlertChannel(popbill.kakao, cfg.alerts.page)]
              : []),
          ],
        }),
        // Runs the named jobs JOB_MODULES register (holds repair), one task at a time.
        JobSchedulerModule.forRoot(),
      ],
      providers: [
        QueueHandlers,
        {
          provide: QueueConsumer,
          inject: [APP_CONFIG, ROOT_LOGGER, QueueHandlers],
          useFactory: (cfg: AppConfig, log: Logger, handlers: QueueHandlers) => {
            const queueUrl = cfg.aws.sqs.eventsQueueUrl;
            if (!queueUrl) throw new Error('SQS_EVENTS_QUEUE_URL is not set');
            return new QueueConsumer({
              queueUrl,
              sqs: createSqsClient(cfg),
              handlers,
              logger: log.child({ component: 'queue', queue: 'events' }),
              // local-aws-sqs answers a long poll only with a full batch or at the end of the
              // wait (SQS answers at the first message): short polls locally.
              ...(cfg.mode === 'local' ? { waitTimeSeconds: 1 } : {}),
            });
          },
        },
      ],
      exports: [QueueHandlers],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}
