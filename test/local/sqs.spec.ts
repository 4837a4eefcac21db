import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, loadConfig, type AppConfig } from '../../src/config/config.js';
import { freePort } from '../../src/local/ports.js';
import {
  ensureQueueWithDlq,
  MAX_RECEIVE_COUNT,
  queueNameFromUrl,
  startSqsStandIn,
  type QueueUrls,
  type SqsStandInHandle,
} from '../../src/local/sqs.js';
import { createSqsClient } from '../../src/platform/aws/clients.js';

describe('local-aws-sqs stand-in', () => {
  let config: AppConfig;
  let server: SqsStandInHandle | undefined;
  let sut: SQSClient;
  let queues: QueueUrls;

  beforeAll(async () => {
    const port = await freePort();
    config = loadConfig({ APP_MODE: 'local', LOCAL_SQS_PORT: String(port) });
    server = await startSqsStandIn({
      port,
      region: config.aws.region,
      accountId: LOCAL_DEFAULTS.sqsAccountId,
    });
    sut = createSqsClient(config);
    queues = await ensureQueueWithDlq(sut, queueNameFromUrl(config.aws.sqs.eventsQueueUrl ?? ''));
  });

  afterAll(async () => {
    sut?.destroy();
    await server?.close();
  });

  it('serves the events queue at the URL the configuration derives', () => {
    expect(queues.queueUrl).toBe(config.aws.sqs.eventsQueueUrl);
    expect(queues.deadLetterQueueUrl).toBe(`${config.aws.sqs.eventsQueueUrl}-dlq`);
  });

  it('creates the queues idempotently', async () => {
    await expect(ensureQueueWithDlq(sut, 'workmatch-events')).resolves.toEqual(queues);
  });

  it('gives the events queue a redrive policy to its dead-letter queue after 5 receives', async () => {
    const { Attributes } = await sut.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.queueUrl, AttributeNames: ['All'] }),
    );
    const dlq = await sut.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        AttributeNames: ['QueueArn'],
      }),
    );

    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.Attributes?.QueueArn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
  });

  it('sends, receives and deletes a message', async () => {
    await sut.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: JSON.stringify({ type: 'shift.posted', id: 's-1' }),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'shift.posted' } },
      }),
    );

    const { Messages } = await sut.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    const [message] = Messages ?? [];
    await sut.send(
      new DeleteMessageCommand({
        QueueUrl: queues.queueUrl,
        ReceiptHandle: message?.ReceiptHandle,
      }),
    );
    const after = await sut.send(
      new ReceiveMessageCommand({ QueueUrl: queues.queueUrl, WaitTimeSeconds: 0 }),
    );

    expect(Messages).toHaveLength(1);
    expect(JSON.parse(message?.Body ?? '{}')).toEqual({ type: 'shift.posted', id: 's-1' });
    expect(message?.MessageAttributes?.type?.StringValue).toBe('shift.posted');
    expect(after.Messages ?? []).toHaveLength(0);
  });

  it('moves a message that keeps failing to the dead-letter queue', async () => {
    await sut.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'poison' }));

    // Each receive without a delete is a failed attempt; a zero visibility timeout makes the
    // message visible again at once.
    const receives: number[] = [];
    for (let i = 0; i < MAX_RECEIVE_COUNT + 1; i++) {
      const { Messages } = await sut.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.queueUrl,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
        }),
      );
      receives.push(Messages?.length ?? 0);
    }
    const dead = await sut.send(
      new ReceiveMessageCommand({ QueueUrl: queues.deadLetterQueueUrl, WaitTimeSeconds: 1 }),
    );

    expect(receives).toEqual([1, 1, 1, 1, 1, 0]);
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });
});
