import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';

/**
 * Watches the dead-letter queues behind our queues (found through each queue's redrive policy):
 * when one holds more messages than at the last look, that is an error line, so an alert (a
 * message no consumer could handle, after its receives ran out). What is in a DLQ stays there for
 * an operator; nothing here reads or deletes it.
 */
export class DeadLetterWatch {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly deps: { sqs: SQSClient; queueUrls: readonly string[]; logger: Logger },
  ) {}

  async check(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const queueUrl of this.deps.queueUrls) {
      const dlqUrl = await this.deadLetterQueueOf(queueUrl);
      if (!dlqUrl) continue;
      const { Attributes } = await this.deps.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: dlqUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      const count = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
      const name = queueUrl.split('/').at(-1) ?? queueUrl;
      counts[name] = count;
      const before = this.seen.get(queueUrl) ?? 0;
      this.seen.set(queueUrl, count);
      if (count > before) {
        this.deps.logger.error(
          { code: 'queue_dead_letters', component: `queue ${name}`, deadLetters: count },
          `messages no consumer could handle wait in the dead-letter queue of ${name}`,
        );
      }
    }
    return counts;
  }

  private async deadLetterQueueOf(queueUrl: string): Promise<string | undefined> {
    const { Attributes } = await this.deps.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    const policy = Attributes?.RedrivePolicy;
    if (!policy) return undefined;
    const arn = (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    const name = arn?.split(':').at(-1);
    if (!name) return undefined;
    return (await this.deps.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  }
}
