import { z } from 'zod';
import { envelope, type QueueEnvelope } from '../jobs/queue-message.js';
import type { AlertEvent } from './alert.js';

/** What SNS delivers to an SQS subscription (not raw): the notification around the alarm. */
const SnsNotification = z.object({
  Type: z.literal('Notification'),
  MessageId: z.string().min(1).max(100),
  Message: z.string(),
  Timestamp: z.string().optional(),
});

/** A CloudWatch alarm's state change, as CloudWatch publishes it to SNS. */
const AlarmChange = z.object({
  AlarmName: z.string().min(1).max(255),
  AlarmDescription: z.string().nullish(),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.string().nullish(),
  StateChangeTime: z.string(),
  Trigger: z
    .object({ MetricName: z.string().nullish(), Namespace: z.string().nullish() })
    .nullish(),
});

/**
 * CloudWatch alarms reach the alerts queue through SNS (issue 14): an alarm entering ALARM becomes
 * an `alert` envelope (source `alarm`; critical when its name or description says so), any other
 * state change an `alarm.resolved` one, which the pipeline only logs. Other bodies are not
 * alarms (undefined): the consumer reads them as envelopes.
 */
export function alarmEnvelope(body: unknown, environment: string): QueueEnvelope | undefined {
  const notification = SnsNotification.safeParse(body);
  if (!notification.success) return undefined;
  let change: z.infer<typeof AlarmChange>;
  try {
    change = AlarmChange.parse(JSON.parse(notification.data.Message));
  } catch {
    return undefined;
  }
  const at = new Date(change.StateChangeTime);
  const id = `alarm-${notification.data.MessageId}`;
  if (change.NewStateValue !== 'ALARM') {
    return envelope('alarm.resolved', { alarm: change.AlarmName, state: change.NewStateValue }, id);
  }
  const metric = [change.Trigger?.Namespace, change.Trigger?.MetricName].filter(Boolean).join(' ');
  const event: AlertEvent = {
    id,
    at: Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString(),
    source: 'alarm',
    severity: /critical|p1|긴급/i.test(`${change.AlarmName} ${change.AlarmDescription ?? ''}`)
      ? 'critical'
      : 'error',
    code: change.AlarmName.slice(0, 100),
    where: (metric || 'cloudwatch').slice(0, 200),
    summary: (change.NewStateReason ?? change.AlarmDescription ?? 'alarm').slice(0, 500),
    process: 'cloudwatch',
    environment,
  };
  return envelope('alert', event, id);
}
