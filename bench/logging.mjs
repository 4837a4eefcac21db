// logging (issue 14): (1) the http bench's route with the policy's access-log line and the EMF
// metrics on, against bare Fastify, in paired rounds (goal: no worse than the access-log figure
// before, 0.49-0.53; aim >= 0.6); (2) the alert pipeline: 1,000 distinct faults put on the alerts
// queue (local-aws-sqs) the way the API does, consumed by the worker's pipeline, posted to the
// Slack stub through the official client: events/s end to end and the p99 delay from the fault to
// Slack.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsLikeEnv, freePort, load, median, migrate, report, startServer } from './lib.mjs';
import { loadConfig } from '../dist/config/config.js';
import { SlackAlertChannel } from '../dist/integrations/slack/slack-alert-channel.js';
import { startSlackStub } from '../dist/integrations/slack/stub/slack-stub.js';
import { ensureQueueWithDlq, startSqsStandIn } from '../dist/local/sqs.js';
import { MIGRATIONS } from '../dist/migrations/index.js';
import { AlertPipeline } from '../dist/platform/alerts/alert-pipeline.js';
import { AlertPublisher } from '../dist/platform/alerts/alert-publisher.js';
import { AlertStore } from '../dist/platform/alerts/alert-store.js';
import { AlertEvent } from '../dist/platform/alerts/alert.js';
import { QueueConsumer } from '../dist/platform/jobs/queue-consumer.js';
import { QueueHandlers } from '../dist/platform/jobs/queue-handlers.js';
import { SchemaMigrator } from '../dist/platform/schema/schema-migrator.js';
import { EmbeddedDatabase } from '../dist/platform/storage/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const FAULTS = Number(process.env.BENCH_ALERT_FAULTS ?? 1_000);
const silent = pino({ level: 'silent' });

async function requestPath(dir) {
  const [appPort, barePort] = [await freePort(), await freePort()];
  const env = { ...awsLikeEnv(path.join(dir, 'db'), appPort), ENABLE_ACCESS_LOG: 'true' };
  migrate(env);
  const app = await startServer('dist/main.js', env, `http://127.0.0.1:${appPort}/health/ready`);
  const bare = await startServer(
    'bench/servers/bare-fastify.mjs',
    { PORT: String(barePort) },
    `http://127.0.0.1:${barePort}/health/live`,
  );
  try {
    const appUrl = `http://127.0.0.1:${appPort}/health/live`;
    const bareUrl = `http://127.0.0.1:${barePort}/health/live`;
    for (const url of [appUrl, bareUrl]) load(url, { seconds: 1 });
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bareRps = load(bareUrl, { seconds: SECONDS });
      const appRps = load(appUrl, { seconds: SECONDS });
      rounds.push({ appRps, bareRps });
    }
    return {
      app: median(rounds.map((r) => r.appRps)),
      bare: median(rounds.map((r) => r.bareRps)),
      ratio: median(rounds.map((r) => r.appRps / r.bareRps)),
    };
  } finally {
    await Promise.all([app.stop(), bare.stop()]);
  }
}

async function alertPipeline(dir) {
  const sqsServer = await startSqsStandIn({
    port: await freePort(),
    region: 'us-east-1',
    accountId: '000000000000',
  });
  const slack = await startSlackStub({ port: await freePort() });
  const sqs = new SQSClient({
    endpoint: sqsServer.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const db = await EmbeddedDatabase.open(path.join(dir, 'alerts-db'), { logger: silent });
  let consumer;
  try {
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const { queueUrl } = await ensureQueueWithDlq(sqs, 'bench-alerts');
    const config = loadConfig({ APP_MODE: 'local', DATA_DIR: dir, SLACK_API_URL: slack.apiUrl });
    const pipeline = new AlertPipeline({
      store: new AlertStore(db),
      channels: [new SlackAlertChannel(config.alerts.slack)],
      logger: silent,
      // Every fault distinct and the budget out of the way: the pipeline's own speed.
      options: { groupWindowMs: 300_000, maxNoticesPerMinute: 1_000_000 },
    });
    const handlers = new QueueHandlers();
    handlers.register('alert', (message) => pipeline.handle(AlertEvent.parse(message.payload)));
    consumer = new QueueConsumer({
      queueUrl,
      sqs,
      handlers,
      logger: silent,
      waitTimeSeconds: 1,
      batchSize: 10,
    });
    const publisher = new AlertPublisher({ sqs, queueUrl, logger: silent });
    const sentAt = new Map();
    const started = performance.now();
    consumer.start();
    for (let i = 0; i < FAULTS; i++) {
      const code = `bench_fault_${i}`;
      sentAt.set(code, performance.now());
      publisher.publish({
        id: `bench-${i}`,
        at: new Date().toISOString(),
        source: 'error',
        severity: 'error',
        code,
        where: 'GET /bench',
        summary: 'a fault for the bench',
        process: 'api',
        environment: 'bench',
      });
      // The publisher keeps 64 in flight; let it drain as the API's would between faults.
      if (i % 50 === 49) await publisher.drain(10_000);
    }
    const delays = [];
    const seen = new Set();
    while (seen.size < FAULTS) {
      if (performance.now() - started > 300_000) throw new Error('alerts did not all arrive');
      for (const call of slack.received()) {
        const match = /bench_fault_\d+/.exec(JSON.stringify(call.args));
        if (!match || seen.has(match[0])) continue;
        seen.add(match[0]);
        delays.push(performance.now() - sentAt.get(match[0]));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    delays.sort((a, b) => a - b);
    return {
      eventsPerSecond: FAULTS / seconds,
      p99Ms: delays[Math.floor(delays.length * 0.99)],
      p50Ms: delays[Math.floor(delays.length * 0.5)],
    };
  } finally {
    await consumer?.stop();
    sqs.destroy();
    await db.close();
    await slack.close();
    await sqsServer.close();
  }
}

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-logging-'));
  try {
    const http = await requestPath(dir);
    const alerts = await alertPipeline(dir);
    report('logging', [
      {
        figure: `GET /health/live through the whole app with the access-log line and EMF metrics on vs bare Fastify (median of ${ROUNDS} paired ${SECONDS}s rounds)`,
        value: http.app,
        unit: 'req/s',
        baseline: http.bare,
        ratio: http.ratio,
        goal: '>= 0.49 (the access-log figure before metrics); aim >= 0.6',
      },
      {
        figure: `alert pipeline: ${FAULTS} distinct faults from the publisher through SQS (local-aws-sqs), the worker's pipeline and the Slack client to the Slack stub`,
        value: alerts.eventsPerSecond,
        unit: 'events/s',
      },
      {
        figure: 'alert pipeline: p99 delay from a fault to its Slack post (p50 in the next figure)',
        value: alerts.p99Ms,
        unit: 'ms',
      },
      {
        figure: 'alert pipeline: p50 delay from a fault to its Slack post',
        value: alerts.p50Ms,
        unit: 'ms',
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
