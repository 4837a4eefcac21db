import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { envelope, type QueueEnvelope } from '../../src/platform/jobs/queue-message.js';

/**
 * Sends typed envelopes to a queue; the id doubles as the consumer's deduplication key. The app
 * publishes nothing to SQS yet (work goes through the outbox), so only the consumer's specs use
 * it; move it back to src/platform/jobs with its first producer.
 */
export class QueuePublisher {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(type: string, payload: unknown, id?: string): Promise<QueueEnvelope> {
    const message = envelope(type, payload, id);
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageAttributes: { type: { DataType: 'String', StringValue: message.type } },
      }),
    );
    return message;
  }
}
