import { afterEach, describe, expect, it } from 'vitest';
import type { ReadinessResponse } from './modules/health/health.dto.js';
import type { JobStatus } from './platform/jobs/scheduler.js';
import { workerHealthServer, type WorkerHealthParts } from './worker-health.js';

const repairStatus: JobStatus = {
  name: 'holds-repair',
  schedule: 'every 1 min',
  nextRunAt: '2026-12-05T00:02:00.000Z',
  lastRunAt: '2026-12-05T00:01:00.000Z',
  lastResult: { status: 'ok', durationMs: 12, summary: { scheduleEntries: 0, slots: 1 } },
  running: false,
  scheduled: true,
};

function ok(): ReadinessResponse {
  return { status: 'ok', mode: 'local', checks: { database: { status: 'up', latencyMs: 1 } } };
}

let server: ReturnType<typeof workerHealthServer> | undefined;
afterEach(() => server?.close());

function serve(over: Partial<WorkerHealthParts> = {}) {
  server = workerHealthServer({
    health: { readiness: () => Promise.resolve(ok()) },
    consumer: { isRunning: true },
    outbox: { isRunning: true },
    scheduler: {
      isRunning: true,
      schedulesAny: true,
      status: () => Promise.resolve([repairStatus]),
    },
    ...over,
  });
  return server;
}

describe("the worker's /health/ready", () => {
  it('lists each named job with its schedule, next run and last result, and the scheduler as up', async () => {
    const response = await serve().inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      mode: 'local',
      checks: {
        database: { status: 'up', latencyMs: 1 },
        consumer: { status: 'up', latencyMs: 0 },
        outbox: { status: 'up', latencyMs: 0 },
        scheduler: { status: 'up', latencyMs: 0 },
      },
      jobs: [repairStatus],
    });
  });

  it('answers 503 while the scheduler is not running', async () => {
    const response = await serve({
      scheduler: {
        isRunning: false,
        schedulesAny: true,
        status: () => Promise.resolve([repairStatus]),
      },
    }).inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'unavailable',
      checks: { scheduler: { status: 'down' } },
    });
  });

  it('is ready with the scheduler off (WORKER_JOBS=none: EventBridge runs the jobs), still listing them', async () => {
    const response = await serve({
      scheduler: {
        isRunning: false,
        schedulesAny: false,
        status: () => Promise.resolve([{ ...repairStatus, scheduled: false }]),
      },
    }).inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ok',
      checks: { scheduler: { status: 'up', kind: 'off' } },
      jobs: [{ ...repairStatus, scheduled: false }],
    });
  });

  it('still answers (503, without the jobs) when the leases cannot be read', async () => {
    const response = await serve({
      health: {
        readiness: () =>
          Promise.resolve({
            ...ok(),
            status: 'unavailable',
            checks: { database: { status: 'down', latencyMs: 1_000, error: 'no answer' } },
          }),
      },
      scheduler: {
        isRunning: true,
        schedulesAny: true,
        status: () => Promise.reject(new Error('database closed')),
      },
    }).inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(503);
    expect(response.json()).not.toHaveProperty('jobs');
  });
});
