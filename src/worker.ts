import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { HealthService } from './modules/health/health.service.js';
import { QueueConsumer } from './platform/jobs/queue-consumer.js';
import { JobScheduler } from './platform/jobs/scheduler.js';
import { OutboxDispatcher } from './platform/outbox/outbox-dispatcher.js';
import { createLogger, flushLogger } from './platform/logging/logger.js';
import { installAlertSink } from './platform/alerts/alert-sink.js';
import { startMetricsFlush } from './platform/metrics/metrics-flush.js';
import { PinoNestLogger } from './platform/logging/nest-logger.js';
import { describeListenError, loadConfigOrExit } from './platform/process/bootstrap.js';
import { exitOnSignals } from './platform/process/shutdown.js';
import { workerHealthServer } from './worker-health.js';
import { WorkerModule } from './worker.module.js';
import { AlertsWorkerModule } from './platform/alerts/alerts-worker.module.js';
import { POPBILL_CLIENTS } from './integrations/integrations.module.js';
import { checkAlimTalkTemplates } from './integrations/popbill/alimtalk-template-check.js';
import type { PopbillClients } from './integrations/popbill/popbill.clients.js';

const config = loadConfigOrExit();
const logger = createLogger(config, { name: 'worker' });
const alerts = installAlertSink(config, logger, 'worker');
const stopMetrics = startMetricsFlush(logger);

try {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const consumer = context.get(QueueConsumer);

  const server = workerHealthServer({
    health: context.get(HealthService),
    consumer,
    outbox: context.get(OutboxDispatcher),
    scheduler: context.get(JobScheduler),
  });

  exitOnSignals(
    async () => {
      // The queues first: a poll aborted now is a stop, not a failure to log (the stand-ins or
      // SQS may be going away with us).
      await Promise.all([consumer.stop(), context.get(AlertsWorkerModule).stopConsuming()]);
      await server.close();
      await context.close();
      stopMetrics();
      await alerts?.drain();
    },
    logger,
    config.http.shutdownGraceMs,
  );
  consumer.start();
  await server.listen({ port: config.worker.port, host: config.http.host });
  logger.info(
    { healthUrl: `http://${config.http.host}:${config.worker.port}/health/ready` },
    'worker started',
  );
  if (config.notifications.sender === 'popbill') {
    const popbill = context.get<PopbillClients | undefined>(POPBILL_CLIENTS);
    // Not awaited: a Popbill outage must not hold the worker's start.
    if (popbill) {
      void checkAlimTalkTemplates(popbill, config.providers.popbill?.kakaoChannel, logger);
    }
  }
} catch (error) {
  const hint = describeListenError(error, config.worker.port, 'WORKER_PORT');
  logger.fatal(hint ? { hint } : { err: error }, hint ?? 'worker failed to start');
  await flushLogger(logger);
  process.exit(1);
}
