import { createServer, type Server } from 'node:http';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';
import { closeServer } from './cognito.js';
import { LOOPBACK } from './ports.js';

/** Receives after which a message moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

function deadLetterQueueName(queueName: string): string {
  return `${queueName}-dlq`;
}

/** The queue name is the last path segment of its URL. */
export function queueNameFromUrl(queueUrl: string): string {
  const name = new URL(queueUrl).pathname.split('/').filter(Boolean).at(-1);
  if (!name) throw new Error(`not a queue URL: ${queueUrl}`);
  return name;
}

export interface SqsStandInOptions {
  port: number;
  region: string;
  accountId: string;
}

export interface SqsStandInHandle {
  url: string;
  close(): Promise<void>;
}

/**
 * local-aws-sqs in-process. We mount its request handler on our own server rather than call
 * `createSqsServer`, whose promise never settles when the port is taken (the 'error' event has
 * no listener and would crash the launcher instead).
 */
export async function startSqsStandIn(options: SqsStandInOptions): Promise<SqsStandInHandle> {
  const { requestHandler } = createRequestHandler({
    port: options.port,
    hostname: LOOPBACK,
    region: options.region,
    accountId: options.accountId,
    // AWS makes you wait 60 s before re-creating a deleted queue; useless locally.
    emulateQueueCreationLifecycle: false,
  });
  const server: Server = createServer((req, res) => void requestHandler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { url: `http://${LOOPBACK}:${options.port}`, close: () => closeServer(server) };
}

export interface QueueUrls {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

/**
 * Creates the queue and its dead-letter queue with a redrive policy. CreateQueue with the same
 * attributes is idempotent in SQS, so this is safe on every start.
 */
export async function ensureQueueWithDlq(sqs: SQSClient, queueName: string): Promise<QueueUrls> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: deadLetterQueueName(queueName) }));
  if (!dlq.QueueUrl) throw new Error('CreateQueue returned no URL for the dead-letter queue');
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const deadLetterTargetArn = attributes.Attributes?.QueueArn;
  if (!deadLetterTargetArn) throw new Error('the dead-letter queue has no ARN');
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: queueName,
      Attributes: {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
      },
    }),
  );
  if (!queue.QueueUrl) throw new Error(`CreateQueue returned no URL for ${queueName}`);
  return { queueUrl: queue.QueueUrl, deadLetterQueueUrl: dlq.QueueUrl };
}
