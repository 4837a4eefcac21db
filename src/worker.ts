import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { fastify } from 'fastify';
import { HealthService } from './modules/health/health.service.js';
import { QueueConsumer } from './platform/jobs/queue-consumer.js';
import { OutboxDispatcher } from './platform/outbox/outbox-dispatcher.js';
import { createLogger, flushLogger } from './platform/logging/logger.js';
import { PinoNestLogger } from './platform/logging/nest-logger.js';
import { describeListenError, loadConfigOrExit } from './platform/process/bootstrap.js';
import { exitOnSignals } from './platform/process/shutdown.js';
import { WorkerModule } from './worker.module.js';

const config = loadConfigOrExit();
const logger = createLogger(config, { name: 'worker' });

try {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const consumer = context.get(QueueConsumer);
  const health = context.get(HealthService);
  const outbox = context.get(OutboxDispatcher);

  // The worker serves no API; this small server is only for the orchestrator's health checks.
  const server = fastify({ logger: false });
  server.get('/health/live', async () => ({ status: 'ok' }));
  server.get('/health/ready', async (_request, reply) => {
    const readiness = await health.readiness();
    readiness.checks.consumer = { status: consumer.isRunning ? 'up' : 'down', latencyMs: 0 };
    readiness.checks.outbox = { status: outbox.isRunning ? 'up' : 'down', latencyMs: 0 };
    if (readiness.status !== 'ok' || !consumer.isRunning || !outbox.isRunning) {
      readiness.status = 'unavailable';
      void reply.status(503);
    }
    return readiness;
  });

  exitOnSignals(
    async () => {
      await server.close();
      await context.close();
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
} catch (error) {
  const hint = describeListenError(error, config.worker.port, 'WORKER_PORT');
  logger.fatal(hint ? { hint } : { err: error }, hint ?? 'worker failed to start');
  await flushLogger(logger);
  process.exit(1);
}
