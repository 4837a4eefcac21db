import { ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'pino';
import { Consumer } from 'sqs-consumer';
import type { QueueHandlers } from './queue-handlers.js';
import { QueueEnvelope } from './queue-message.js';

export interface QueueConsumerOptions {
  queueUrl: string;
  sqs: SQSClient;
  handlers: QueueHandlers;
  logger: Logger;
  batchSize?: number;
  visibilityTimeoutSeconds?: number;
  waitTimeSeconds?: number;
  /**
   * Reads a body that is not our envelope (an SNS notification of a CloudWatch alarm) as one, or
   * answers undefined to read it as an envelope.
   */
  adapt?: (body: unknown) => QueueEnvelope | undefined;
  /**
   * A failed message comes back after this many seconds instead of the visibility timeout; a
   * handler's error with `retryAfterMs` (a 429's Retry-After) sets its own wait.
   */
  retryDelaySeconds?: number;
}

/**
 * Long-polls one SQS queue (sqs-consumer) and dispatches each envelope to its handler. A message
 * is deleted only after its handler succeeds; one that fails, is malformed or has no handler is
 * left for SQS to redeliver and, after the redrive policy's count, to move to the DLQ. Nothing
 * acknowledged is lost, and the log shows message ids and types only, never payloads.
 */
export class QueueConsumer {
  private readonly consumer: Consumer;
  private running = false;

  constructor(private readonly options: QueueConsumerOptions) {
    this.consumer = Consumer.create({
      queueUrl: options.queueUrl,
      sqs: options.sqs,
      batchSize: options.batchSize ?? 5,
      visibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
      waitTimeSeconds: options.waitTimeSeconds ?? 20,
      pollingCompleteWaitTimeMs: 5_000,
      handleMessage: (message) => this.handle(message),
    });
    this.consumer.on('error', (error) => {
      // stop() aborts the long poll in flight: that is the stop, not a failure.
      if (!this.running && isAbort(error)) {
        options.logger.debug('queue polling stopped');
        return;
      }
      this.pollFailed(error);
    });
    // A poll that answered (messages or none): the queue is back.
    const recovered = () => this.pollSucceeded();
    this.consumer.on('response_processed', recovered);
    this.consumer.on('empty', recovered);
    this.consumer.on('processing_error', (error) =>
      options.logger.warn({ err: error }, 'queue message processing failed'),
    );
  }

  /**
   * sqs-consumer polls again at once after a failed receive: an unreachable queue would be
   * polled (and logged) in a tight loop. The pause doubles from half a second to 30 s, and the
   * failure is logged when it starts and then once a minute with a count.
   */
  private failedPolls = 0;
  private lastFailureLogAt = 0;

  private pollFailed(error: unknown): void {
    this.failedPolls += 1;
    const pause = Math.min(500 * 2 ** Math.min(this.failedPolls - 1, 6), 30_000);
    this.consumer.updateOption('pollingWaitTimeMs', pause);
    const now = Date.now();
    if (this.failedPolls === 1 || now - this.lastFailureLogAt >= 60_000) {
      this.lastFailureLogAt = now;
      this.options.logger.warn(
        { err: error, failedPolls: this.failedPolls, nextPollInMs: pause },
        'queue polling failed',
      );
    }
  }

  private pollSucceeded(): void {
    if (this.failedPolls === 0) return;
    this.options.logger.info({ failedPolls: this.failedPolls }, 'queue polling recovered');
    this.failedPolls = 0;
    this.consumer.updateOption('pollingWaitTimeMs', 0);
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    this.running = true;
    this.consumer.start();
  }

  /** Stops polling and waits for the messages in hand to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await new Promise<void>((resolve) => {
      this.consumer.once('stopped', () => resolve());
      this.consumer.stop({ abort: true });
    });
  }

  /** Sets when a failed message comes back (it stays on the queue either way). */
  private async retryLater(message: Message, error: unknown, log: Logger): Promise<void> {
    const seconds = retryAfterSecondsOf(error) ?? this.options.retryDelaySeconds;
    if (seconds === undefined || !message.ReceiptHandle) return;
    try {
      await this.options.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.options.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: Math.min(Math.max(seconds, 1), 43_200),
        }),
      );
    } catch (changeError) {
      // It comes back after the visibility timeout instead: later, never lost.
      log.warn({ err: changeError }, 'could not set when the failed message comes back');
    }
  }

  private async handle(message: Message): Promise<Message | undefined> {
    const log = this.options.logger.child({ messageId: message.MessageId });
    let parsed: QueueEnvelope;
    try {
      const body: unknown = JSON.parse(message.Body ?? '');
      parsed = QueueEnvelope.parse(this.options.adapt?.(body) ?? body);
    } catch {
      log.error('queue message is not a valid envelope; leaving it for the DLQ');
      return undefined;
    }
    const handler = this.options.handlers.get(parsed.type);
    if (!handler) {
      log.error(
        { type: parsed.type, eventId: parsed.id },
        'no handler for this message type; leaving it for the DLQ',
      );
      return undefined;
    }
    try {
      await handler(parsed);
    } catch (error) {
      await this.retryLater(message, error, log);
      throw error;
    }
    log.debug({ type: parsed.type, eventId: parsed.id }, 'queue message handled');
    return message;
  }
}

/** The wait a handler's error asks for (`retryAfterMs`, as a 429 gives it), in seconds. */
function retryAfterSecondsOf(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0
    ? Math.ceil(ms / 1000)
    : undefined;
}

/** An abort, or an error caused by one (sqs-consumer wraps the SDK's AbortError). */
function isAbort(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false;
  const { code, name, cause } = error as { code?: unknown; name?: unknown; cause?: unknown };
  return code === 'AbortError' || name === 'AbortError' || isAbort(cause, depth + 1);
}
