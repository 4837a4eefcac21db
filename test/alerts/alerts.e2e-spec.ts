import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { AlimTalkAlertChannel } from '../../src/integrations/popbill/alimtalk-alert-channel.js';
import { popbillUnderTest } from '../../src/integrations/popbill/popbill.test-kit.js';
import { SlackAlertChannel } from '../../src/integrations/slack/slack-alert-channel.js';
import { startSlackStub, type SlackStub } from '../../src/integrations/slack/stub/slack-stub.js';
import { freePort } from '../../src/local/ports.js';
import { ensureQueueWithDlq, startSqsStandIn, type SqsStandInHandle } from '../../src/local/sqs.js';
import type { AlertEvent } from '../../src/platform/alerts/alert.js';
import { installAlertSink } from '../../src/platform/alerts/alert-sink.js';
import { setAlertSink } from '../../src/platform/alerts/alert-tap.js';
import { AlertsWorkerModule } from '../../src/platform/alerts/alerts-worker.module.js';
import { ScheduledJobs } from '../../src/platform/jobs/scheduled-jobs.js';
import { JobScheduler } from '../../src/platform/jobs/scheduler.js';
import { baseOptions } from '../../src/platform/logging/logger.js';
import { ProviderGateway } from '../../src/platform/providers/provider-gateway.js';
import { ProviderGateways } from '../../src/platform/providers/provider-gateways.js';
import type { Database } from '../../src/platform/storage/database.js';
import { envelope } from '../../src/platform/jobs/queue-message.js';
import { LoggingModule, ROOT_LOGGER } from '../../src/platform/logging/logging.module.js';
import { DATABASE, StorageModule } from '../../src/platform/storage/storage.module.js';
import { FixturesModule } from '../support/fixtures.module.js';
import { LogCapture } from '../support/log-capture.js';
import { PLANTED, plantedIn, plantedQuery } from '../support/planted.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { until } from '../support/until.js';

const silent = pino({ level: 'silent' });

/**
 * Alerts end to end on the local stand-ins: a fault in the API becomes an error line, the line an
 * alert event on the alerts queue (SQS, local-aws-sqs), the worker's pipeline a notice on Slack
 * (the Slack stub, through the official Web API client).
 */
describe('alerts: from a fault to Slack, and to the on-call phone when critical', () => {
  let sqsServer: SqsStandInHandle;
  let slack: SlackStub;
  let popbill: Awaited<ReturnType<typeof popbillUnderTest>>;
  let sqs: SQSClient;
  let api: TestApi;
  let worker: INestApplicationContext;
  let queueUrl: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sqsServer = await startSqsStandIn({
      port: await freePort(),
      region: 'us-east-1',
      accountId: '000000000000',
    });
    slack = await startSlackStub({ port: await freePort() });
    popbill = await popbillUnderTest();
  });
  afterAll(async () => {
    await popbill?.stub.close();
    await slack?.close();
    await sqsServer?.close();
  });

  beforeEach(async () => {
    slack.reset();
    sqs = new SQSClient({
      endpoint: sqsServer.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    ({ queueUrl } = await ensureQueueWithDlq(sqs, `alerts-${Date.now()}`));
    env = {
      APP_MODE: 'local',
      SQS_ENDPOINT: sqsServer.url,
      SQS_ALERTS_QUEUE_URL: queueUrl,
      SLACK_API_URL: slack.apiUrl,
      ALERTS_ENVIRONMENT: 'dev',
      ALERTS_SECURITY_PER_MINUTE: '5',
      ALERTS_RETRY_SECONDS: '1',
    };
    api = await startTestApi({ modules: [FixturesModule], env });
    installAlertSink(api.config, silent, 'api');
    worker = await startWorker(loadConfig({ ...env, DATA_DIR: api.dataDir }));
  });
  afterEach(async () => {
    setAlertSink(undefined);
    await worker?.close();
    await api?.close();
    sqs.destroy();
  });

  /** The worker's share: its alerts module on the API's database, the channels the worker binds. */
  async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
    const context = await NestFactory.createApplicationContext(
      {
        module: class AlertsWorkerTestModule {},
        imports: [
          ConfigModule.forRoot(config),
          LoggingModule.forRoot(silent),
          StorageModule,
          AlertsWorkerModule.forRoot({
            useFactory: (cfg: AppConfig) => [
              new SlackAlertChannel(cfg.alerts.slack!),
              new AlimTalkAlertChannel(popbill.clients.kakao, {
                phones: ['01012345678'],
                repeatAfterMs: 3_600_000,
                quietHours: undefined,
              }),
            ],
          }),
        ],
      },
      { logger: false },
    );
    await context.init();
    return context;
  }

  const posted = () => slack.received().filter((c) => c.method === 'chat.postMessage');
  const boom = () => fetch(`${api.url}/fixtures/boom`);

  it('posts a route’s unexpected failure to Slack once, with its route and request id, and no personal data', async () => {
    const response = await boom();
    expect(response.status).toBe(500);
    const requestId = response.headers.get('x-request-id');

    await until(() => posted().length === 1, 15_000);

    const body = JSON.stringify(posted()[0]!.args);
    expect(body).toContain('GET /fixtures/boom');
    expect(body).toContain(requestId!);
    expect(body).not.toMatch(/1234-5678|01012345678/);
  });

  it('posts a burst of forged tokens as one security alert', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${api.url}/me`, {
        headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
      });
      expect(response.status).toBe(401);
    }

    await until(() => posted().length === 1, 15_000);
    expect(JSON.stringify(posted()[0]!.args)).toContain('security_token_invalid');
  });

  const delivered = () => posted().filter((c) => c.status === 200);

  it('tries again after the Retry-After of a Slack 429, and posts once', async () => {
    slack.control({ rateLimit: { times: 1, retryAfterSeconds: 1 } });

    await boom();

    await until(() => delivered().length === 1, 15_000);
    expect(posted().map((c) => c.status)).toEqual([429, 200]);
  });

  it('keeps alerts on the queue while Slack is down, and posts them once it is back', async () => {
    slack.control({ unavailable: {} });
    await boom();
    await until(() => posted().length >= 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(delivered()).toEqual([]);

    slack.control({ unavailable: null });

    await until(() => delivered().length === 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(delivered()).toHaveLength(1);
  });

  it('makes one notice of 50 identical faults in a minute', async () => {
    for (let i = 0; i < 50; i++) expect((await boom()).status).toBe(500);

    await until(() => posted().length >= 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(posted()).toHaveLength(1);
  });

  it('pages the on-call phone once, beside Slack, for a critical fault', async () => {
    const before = popbill.stub.inbox().length;
    const event: AlertEvent = {
      id: 'critical-1',
      at: new Date().toISOString(),
      source: 'error',
      severity: 'critical',
      code: 'worker_failed_to_start',
      where: 'worker',
      summary: 'worker failed to start',
      process: 'worker',
      environment: 'dev',
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(envelope('alert', event, event.id)),
      }),
    );

    await until(() => posted().length === 1 && popbill.stub.inbox().length === before + 1, 15_000);
    expect(popbill.stub.inbox()[0]).toMatchObject({
      channel: 'ALIMTALK',
      templateCode: 'WM_OPS_ALERT',
    });
  });

  it('alerts once for a message SQS delivers twice', async () => {
    const event: AlertEvent = {
      id: 'the-same-event',
      at: new Date().toISOString(),
      source: 'job',
      severity: 'error',
      code: 'job_failed',
      where: 'job holds-repair',
      summary: 'job failed; it runs again next time',
      process: 'worker',
      environment: 'dev',
    };
    const body = JSON.stringify(envelope('alert', event, event.id));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

    await until(() => posted().length === 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(posted()).toHaveLength(1);
  });

  it('posts a CloudWatch alarm that SNS delivered to the alerts queue', async () => {
    const alarm = {
      AlarmName: 'api-5xx-rate',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed',
      StateChangeTime: new Date().toISOString(),
      Trigger: { MetricName: '5xxRate', Namespace: 'workmatch/api' },
    };
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({
          Type: 'Notification',
          MessageId: 'sns-1',
          Message: JSON.stringify(alarm),
        }),
      }),
    );

    await until(() => posted().length === 1, 15_000);
    expect(JSON.stringify(posted()[0]!.args)).toContain('api-5xx-rate');
  });

  it('posts a provider whose circuit opened, naming the provider, once', async () => {
    // The app's own gateways and logger; the provider is a port nothing listens on.
    const dead = `http://127.0.0.1:${await freePort()}/status`;
    const gateway = api.app.get(ProviderGateways).track(
      new ProviderGateway('nts', {
        timeoutMs: 1_000,
        retries: 0,
        failuresToOpen: 2,
        halfOpenAfterMs: 60_000,
      }),
    );
    for (let i = 0; i < 4; i++) {
      await expect(
        gateway.call('status', { idempotent: true }, (signal) => fetch(dead, { signal })),
      ).rejects.toMatchObject({ outcome: expect.any(String) });
    }

    await until(() => posted().length === 1, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(posted()).toHaveLength(1);
    const body = JSON.stringify(posted()[0]!.args);
    expect(body).toContain('provider_circuit_open');
    expect(body).toContain('provider nts');
  });

  it('posts a failed job with its name and code, once', async () => {
    const jobs = new ScheduledJobs();
    jobs.register({
      name: 'monthly-report',
      schedule: { everyMs: 3_600_000 },
      run: () => Promise.reject(new Error('the report could not be written')),
    });
    const scheduler = new JobScheduler({
      db: api.app.get<Database>(DATABASE),
      jobs,
      // The worker's logger: the policy's job lines, through the alert tap.
      logger: pino(baseOptions('info', 'worker'), new LogCapture()),
      scheduled: [],
    });

    const outcome = await scheduler.runNow('monthly-report');
    expect(outcome).toMatchObject({ kind: 'ran', result: { status: 'failed' } });

    await until(() => posted().length === 1, 15_000);
    const body = JSON.stringify(posted()[0]!.args);
    expect(body).toContain('job_failed');
    expect(body).toContain('job monthly-report');
  });

  it('sends none of the personal data planted in a failing request or a fatal error to Slack or the on-call phone', async () => {
    const before = popbill.stub.inbox().length;
    const careless = await fetch(`${api.url}/fixtures/careless?${plantedQuery()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-contact-phone': PLANTED.phone },
      body: JSON.stringify({
        note: `call ${PLANTED.phone} or ${PLANTED.phoneDigits}, mail ${PLANTED.email}`,
        member: { rrn: PLANTED.rrnDigits, contact: [PLANTED.phoneIntl] },
        bank: `refund to ${PLANTED.account} (${PLANTED.accountDigits})`,
      }),
    });
    expect(careless.status).toBe(500);
    // A fatal line (critical: Slack and a page), its message and error quoting personal data.
    api.app
      .get<Logger>(ROOT_LOGGER)
      .fatal(
        { err: new Error(`could not reach ${PLANTED.phone} about ${PLANTED.rrn}`) },
        `worker failed for ${PLANTED.email}`,
      );

    await until(() => delivered().length === 2 && popbill.stub.inbox().length > before, 15_000);
    expect(JSON.stringify(delivered().map((c) => c.args))).toContain('POST /fixtures/careless');
    expect(
      plantedIn([
        ...slack.received().map((call) => JSON.stringify(call.args)),
        ...popbill.stub.inbox().map((entry) => JSON.stringify(entry)),
      ]),
    ).toEqual([]);
  });

  it('registers the flush that sends what waited, every minute', () => {
    expect(worker.get(ScheduledJobs).get('alerts-flush')?.schedule).toEqual({ everyMs: 60_000 });
  });
});
