import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { envelope } from '../jobs/queue-message.js';
import type { AlertEvent } from './alert.js';

/** Alert messages on their way to the queue at once; beyond this a storm is counted, not sent. */
const MAX_IN_FLIGHT = 64;

/**
 * Puts alert events on the alerts queue (an envelope of type `alert`, its id the event's, so the
 * pipeline counts a resent message once). Never waits and never throws: the faulting request or
 * job goes on; a queue that cannot be reached is logged as a warning (the pipeline's own lines are
 * marked `alerting` and are never alerted on, so a dead queue cannot start a loop).
 */
export class AlertPublisher {
  private inFlight = 0;
  private dropped = 0;

  constructor(private readonly deps: { sqs: SQSClient; queueUrl: string; logger: Logger }) {}

  /** Alert events not sent because too many were already on their way. */
  get droppedCount(): number {
    return this.dropped;
  }

  publish(event: AlertEvent): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.dropped += 1;
      return;
    }
    this.inFlight += 1;
    void this.deps.sqs
      .send(
        new SendMessageCommand({
          QueueUrl: this.deps.queueUrl,
          MessageBody: JSON.stringify(envelope('alert', event, event.id)),
        }),
      )
      .catch((error: unknown) =>
        this.deps.logger.warn(
          { err: error, alerting: true, eventId: event.id },
          'could not queue an alert',
        ),
      )
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  /** Resolves once every alert handed over so far has been sent (or failed): at shutdown. */
  async drain(timeoutMs = 2_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
