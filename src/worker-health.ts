import { fastify, type FastifyInstance } from 'fastify';
import type { HealthService } from './modules/health/health.service.js';
import type { JobScheduler } from './platform/jobs/scheduler.js';

/** What the worker's readiness is made of: the shared checks, and its three loops. */
export interface WorkerHealthParts {
  health: Pick<HealthService, 'readiness'>;
  consumer: { readonly isRunning: boolean };
  outbox: { readonly isRunning: boolean };
  scheduler: Pick<JobScheduler, 'isRunning' | 'status' | 'schedulesAny'>;
}

/**
 * The worker serves no API; this small server is only for the orchestrator's health checks and
 * for people: `/health/ready` also lists each named job with its next run and last result.
 */
export function workerHealthServer(parts: WorkerHealthParts): FastifyInstance {
  const { health, consumer, outbox, scheduler } = parts;
  // WORKER_JOBS=none: every job runs elsewhere (EventBridge), and a stopped loop is as it should be.
  const schedulerEnabled = scheduler.schedulesAny;
  const server = fastify({ logger: false });
  server.get('/health/live', async () => ({ status: 'ok' }));
  server.get('/health/ready', async (_request, reply) => {
    const readiness = await health.readiness();
    readiness.checks.consumer = { status: consumer.isRunning ? 'up' : 'down', latencyMs: 0 };
    readiness.checks.outbox = { status: outbox.isRunning ? 'up' : 'down', latencyMs: 0 };
    readiness.checks.scheduler = schedulerEnabled
      ? { status: scheduler.isRunning ? 'up' : 'down', latencyMs: 0 }
      : { status: 'up', kind: 'off', latencyMs: 0 };
    const running =
      consumer.isRunning && outbox.isRunning && (scheduler.isRunning || !schedulerEnabled);
    if (readiness.status !== 'ok' || !running) {
      readiness.status = 'unavailable';
      void reply.status(503);
    }
    // As the leases say; left out when the database does not answer (its check says so).
    const jobs = await scheduler.status().catch(() => undefined);
    return { ...readiness, ...(jobs ? { jobs } : {}) };
  });
  return server;
}
