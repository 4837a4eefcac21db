import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { envelope, type QueueEnvelope } from './queue-message.js';

/** Sends typed envelopes to a queue; the id doubles as the consumer's deduplication key. */
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
