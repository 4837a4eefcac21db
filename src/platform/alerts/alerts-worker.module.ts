import {
  type DynamicModule,
  Inject,
  type InjectionToken,
  Module,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { createSqsClient } from '../aws/clients.js';
import { QueueConsumer } from '../jobs/queue-consumer.js';
import { QueueHandlers } from '../jobs/queue-handlers.js';
import { ScheduledJobs } from '../jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from '../jobs/scheduler.module.js';
import { ROOT_LOGGER } from '../logging/logging.module.js';
import type { Database } from '../storage/database.js';
import { DATABASE } from '../storage/storage.module.js';
import { AlertEvent, type AlertChannel } from './alert.js';
import { AlertPipeline } from './alert-pipeline.js';
import { AlertStore } from './alert-store.js';
import { alarmEnvelope } from './cloudwatch-alarm.js';
import { DeadLetterWatch } from './dead-letters.js';
import { logsInsightsLink } from './logs-insights-link.js';

/** The channels notices go to (Slack, AlimTalk), made by the composition root. */
const ALERT_CHANNELS = Symbol('ALERT_CHANNELS');
const ALERTS_CONSUMER = Symbol('ALERTS_CONSUMER');
const DEAD_LETTERS = Symbol('DEAD_LETTERS');

/**
 * The worker's alert pipeline: it consumes the alerts queue (its own consumer: an alert storm
 * never delays domain events), counts each event into its fault and sends notices (platform/alerts/
 * alert-pipeline.ts), and flushes what waited every minute (`alerts-flush`). Without an alerts
 * queue there is nothing to consume and the flush has nothing to send.
 */
@Module({
  imports: [ScheduledJobsModule],
  providers: [
    {
      provide: AlertPipeline,
      inject: [DATABASE, APP_CONFIG, ROOT_LOGGER, ALERT_CHANNELS],
      useFactory: (db: Database, config: AppConfig, logger: Logger, channels: AlertChannel[]) =>
        new AlertPipeline({
          store: new AlertStore(db),
          channels,
          logger: logger.child({ component: 'alerts' }),
          options: {
            groupWindowMs: config.alerts.groupWindowSeconds * 1000,
            maxNoticesPerMinute: config.alerts.maxNoticesPerMinute,
            logsQueryUrl: logsInsightsLink(config.aws.region, config.alerts.logGroup),
          },
        }),
    },
    {
      provide: ALERTS_CONSUMER,
      inject: [APP_CONFIG, ROOT_LOGGER, AlertPipeline],
      useFactory: (config: AppConfig, logger: Logger, pipeline: AlertPipeline) => {
        const queueUrl = config.aws.sqs.alertsQueueUrl;
        if (!queueUrl) return undefined;
        const handlers = new QueueHandlers();
        handlers.register('alert', (message) => pipeline.handle(AlertEvent.parse(message.payload)));
        handlers.register('alarm.resolved', (message) => {
          logger.info({ alarm: message.payload, alerting: true }, 'CloudWatch alarm resolved');
          return Promise.resolve();
        });
        return new QueueConsumer({
          queueUrl,
          sqs: createSqsClient(config),
          handlers,
          logger: logger.child({ component: 'queue', queue: 'alerts', alerting: true }),
          // CloudWatch alarms arrive through SNS, in its notification.
          adapt: (body) => alarmEnvelope(body, config.alerts.environment),
          retryDelaySeconds: config.alerts.retrySeconds,
          // local-aws-sqs answers a long poll only once it holds a full batch or the wait is
          // over (SQS answers as soon as it has one message): short polls locally.
          ...(config.mode === 'local' ? { waitTimeSeconds: 1 } : {}),
        });
      },
    },
    {
      provide: DEAD_LETTERS,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) => {
        const queueUrls = [config.aws.sqs.eventsQueueUrl, config.aws.sqs.alertsQueueUrl].filter(
          (url): url is string => url !== undefined,
        );
        if (queueUrls.length === 0) return undefined;
        return new DeadLetterWatch({
          sqs: createSqsClient(config),
          queueUrls,
          logger: logger.child({ component: 'dead-letters' }),
        });
      },
    },
  ],
})
export class AlertsWorkerModule
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  /**
   * `channels`: the composition root's (platform code does not import the integrations), made
   * from the configuration and whatever else it injects.
   */
  static forRoot(channels: {
    inject?: InjectionToken[];
    useFactory: (config: AppConfig, ...deps: never[]) => AlertChannel[];
  }): DynamicModule {
    return {
      module: AlertsWorkerModule,
      providers: [
        {
          provide: ALERT_CHANNELS,
          inject: [APP_CONFIG, ...(channels.inject ?? [])],
          useFactory: channels.useFactory,
        },
      ],
    };
  }

  constructor(
    private readonly jobs: ScheduledJobs,
    private readonly pipeline: AlertPipeline,
    @Optional() @Inject(ALERTS_CONSUMER) private readonly consumer: QueueConsumer | undefined,
    @Optional() @Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterWatch | undefined,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'alerts-flush',
      schedule: { everyMs: 60_000 },
      run: async () => ({ sent: await this.pipeline.flush() }),
    });
    const watch = this.deadLetters;
    if (watch) {
      this.jobs.register({
        name: 'queues-dead-letters',
        schedule: { everyMs: 60_000 },
        run: () => watch.check(),
      });
    }
  }

  onApplicationBootstrap(): void {
    this.consumer?.start();
  }

  /** Stops taking alert messages (first thing at shutdown, before what it may still need). */
  async stopConsuming(): Promise<void> {
    await this.consumer?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopConsuming();
  }
}
