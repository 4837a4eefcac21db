import type { Logger } from 'pino';
import type { AppConfig } from '../../config/config.js';
import { createSqsClient } from '../aws/clients.js';
import { AlertPublisher } from './alert-publisher.js';
import { setAlertSink } from './alert-tap.js';

/**
 * Makes this process's error-level log lines alert events on the alerts queue (when there is
 * one). Answers the publisher, to drain at shutdown, or undefined without a queue.
 */
export function installAlertSink(
  config: AppConfig,
  logger: Logger,
  process: string,
): AlertPublisher | undefined {
  const queueUrl = config.aws.sqs.alertsQueueUrl;
  if (!queueUrl) return undefined;
  const publisher = new AlertPublisher({ sqs: createSqsClient(config), queueUrl, logger });
  setAlertSink((event) => publisher.publish(event), {
    process,
    environment: config.alerts.environment,
  });
  return publisher;
}
