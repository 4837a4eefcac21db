import { baseOptions } from '../../src/platform/logging/logger.js';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/ports.js';
import { ensureQueueWithDlq, startSqsStandIn, type SqsStandInHandle } from '../../src/local/sqs.js';
import { DeadLetterWatch } from '../../src/platform/alerts/dead-letters.js';
import { QueueConsumer } from '../../src/platform/jobs/queue-consumer.js';
import { QueueHandlers } from '../../src/platform/jobs/queue-handlers.js';
import type { QueueEnvelope } from '../../src/platform/jobs/queue-message.js';
import { LogCapture } from '../support/log-capture.js';
import { QueuePublisher } from '../support/queue-publisher.js';
import { until } from '../support/until.js';

let sqsServer: SqsStandInHandle;
let sqs: SQSClient;

beforeAll(async () => {
  sqsServer = await startSqsStandIn({
    port: await freePort(),
    region: 'us-east-1',
    accountId: '000000000000',
  });
  sqs = new SQSClient({
    endpoint: sqsServer.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqs?.destroy();
  await sqsServer?.close();
});

async function visibleCount(queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * A consumer on `queueUrl` that polls briefly. `redeliverFast` shortens the visibility timeout so
 * a failed message comes back within a second (the stand-in then redelivers even handled ones
 * once, so tests of the happy path keep the default).
 */
function consumerOn(
  queueUrl: string,
  handlers: QueueHandlers,
  redeliverFast = false,
): QueueConsumer {
  return new QueueConsumer({
    queueUrl,
    sqs,
    handlers,
    logger: pino({ level: 'silent' }),
    waitTimeSeconds: 1,
    ...(redeliverFast ? { visibilityTimeoutSeconds: 1 } : {}),
  });
}

describe('queue consumer', () => {
  it('dispatches each published envelope to the handler of its type, then deletes it', async () => {
    const { queueUrl } = await ensureQueueWithDlq(sqs, 'consume-ok');
    const handlers = new QueueHandlers();
    const seen: QueueEnvelope[] = [];
    handlers.register('shift.assigned', async (message) => {
      seen.push(message);
    });
    const sut = consumerOn(queueUrl, handlers);
    sut.start();
    try {
      const sent = await new QueuePublisher(sqs, queueUrl).publish('shift.assigned', {
        assignmentId: 'a1',
      });
      await until(() => seen.length === 1);
      expect(seen[0]).toMatchObject({
        id: sent.id,
        type: 'shift.assigned',
        payload: { assignmentId: 'a1' },
      });
      await until(async () => (await visibleCount(queueUrl)) === 0);
    } finally {
      await sut.stop();
    }
  });

  it('leaves a message whose handler fails on the queue, for redelivery', async () => {
    const { queueUrl } = await ensureQueueWithDlq(sqs, 'consume-fail');
    const handlers = new QueueHandlers();
    let attempts = 0;
    handlers.register('flaky', async () => {
      attempts += 1;
      throw new Error('downstream unavailable');
    });
    const sut = consumerOn(queueUrl, handlers, true);
    sut.start();
    try {
      await new QueuePublisher(sqs, queueUrl).publish('flaky', {});
      await until(() => attempts >= 2);
    } finally {
      await sut.stop();
    }
    expect(attempts).toBeGreaterThanOrEqual(2);
  });

  it('never deletes a malformed message or one of an unknown type, so the DLQ receives it', async () => {
    const { queueUrl, deadLetterQueueUrl } = await ensureQueueWithDlq(sqs, 'consume-bad');
    const sut = consumerOn(queueUrl, new QueueHandlers(), true);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not json' }));
    await new QueuePublisher(sqs, queueUrl).publish('nobody.handles.this', {});
    sut.start();
    try {
      await until(async () => (await visibleCount(deadLetterQueueUrl)) === 2, 20_000);
    } finally {
      await sut.stop();
    }
  }, 30_000);

  it('stops in the middle of a long poll without logging a warning', async () => {
    const { queueUrl } = await ensureQueueWithDlq(sqs, 'stop-quietly');
    const logs = new LogCapture();
    const consumer = new QueueConsumer({
      queueUrl,
      sqs,
      handlers: new QueueHandlers(),
      logger: pino(baseOptions('debug', 'worker'), logs),
      waitTimeSeconds: 20,
    });
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await consumer.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      logs.lines.filter((line) => ['warn', 'error', 'fatal'].includes(String(line.level))),
    ).toEqual([]);
  });

  it('pauses between failed polls of an unreachable queue, and logs the failure once, not per poll', async () => {
    const unreachable = new SQSClient({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    const logs = new LogCapture();
    const consumer = new QueueConsumer({
      queueUrl: 'http://127.0.0.1:9/000000000000/gone',
      sqs: unreachable,
      handlers: new QueueHandlers(),
      logger: pino(baseOptions('debug', 'worker'), logs),
      waitTimeSeconds: 1,
    });
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await consumer.stop();
    unreachable.destroy();

    const failures = logs.lines.filter((line) => line.msg === 'queue polling failed');
    expect(failures).toEqual([expect.objectContaining({ failedPolls: 1, nextPollInMs: 500 })]);
  });

  it('reports dead letters as an error line (an alert) when the dead-letter queue grows, once per growth', async () => {
    const { queueUrl, deadLetterQueueUrl } = await ensureQueueWithDlq(sqs, 'watched');
    const logs = new LogCapture();
    const watch = new DeadLetterWatch({
      sqs,
      queueUrls: [queueUrl],
      logger: pino(baseOptions('info', 'worker'), logs),
    });
    const deadLetter = () =>
      sqs.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrl, MessageBody: 'poison' }));
    const errors = () => logs.lines.filter((line) => line.code === 'queue_dead_letters');

    expect(await watch.check()).toEqual({ watched: 0 });
    await deadLetter();
    expect(await watch.check()).toEqual({ watched: 1 });
    expect(await watch.check()).toEqual({ watched: 1 });
    await deadLetter();
    await watch.check();

    expect(errors().map((line) => [line.level, line.deadLetters])).toEqual([
      ['error', 1],
      ['error', 2],
    ]);
  });

  it('refuses two handlers for one type', () => {
    const handlers = new QueueHandlers();
    handlers.register('a', async () => {});
    expect(() => handlers.register('a', async () => {})).toThrow(/exists already/);
  });
});
