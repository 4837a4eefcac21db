import { z } from 'zod';

/**
 * One thing that went wrong, as the application reports it to the alerts queue (SQS; its DLQ
 * behind it): an error-level event, a security event over its threshold, a failed job, a provider
 * circuit opening, a CloudWatch alarm (SNS → SQS in AWS), a message that landed in a DLQ. Never
 * personal data: codes, route templates, job and provider names, ids and masked values only.
 */
const ALERT_SOURCES = ['error', 'security', 'job', 'provider', 'alarm', 'dlq'] as const;
const ALERT_SEVERITIES = ['critical', 'error', 'warning'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const AlertEvent = z.object({
  /** Unique per occurrence: a redelivered message with the same id alerts once. */
  id: z.string().min(1).max(100),
  at: z.iso.datetime(),
  source: z.enum(ALERT_SOURCES),
  severity: z.enum(ALERT_SEVERITIES),
  /** A stable code: the problem's `code`, the job's or alarm's name with what failed. */
  code: z.string().min(1).max(100),
  /** Where: a route template (`POST /shifts/:id/assignments`), a job, a provider operation. */
  where: z.string().min(1).max(200),
  /** The top frame of the stack inside our code (`src/modules/…:42`), when there is one. */
  topFrame: z.string().max(300).optional(),
  /** One line for people, already scrubbed of personal data. */
  summary: z.string().max(500),
  requestId: z.string().max(100).optional(),
  /** `api`, `worker`, `cli`, `cloudwatch`. */
  process: z.string().min(1).max(50),
  environment: z.string().min(1).max(50),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

/**
 * What a channel delivers: the events of one fingerprint within a window, grouped into one notice
 * (the first of a fingerprint opens it; repeats are counted and, on Slack, answered in its thread).
 */
export interface AlertNotice {
  /** error code + where + top frame, hashed: the same fault, whatever its message. */
  fingerprint: string;
  severity: AlertSeverity;
  source: AlertEvent['source'];
  code: string;
  where: string;
  summary: string;
  /** Events of this fingerprint in this notice (1 for the first). */
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** Up to five request ids of the grouped events, newest first. */
  requestIds: string[];
  environment: string;
  /** A CloudWatch Logs Insights query for these events (AWS), or undefined locally. */
  logsQueryUrl: string | undefined;
  /** Whether an earlier notice of this fingerprint was delivered (this one is a repeat). */
  repeat: boolean;
}

/** A channel could not deliver now; `retryAfterMs` when it said how long to wait (a 429). */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Where notices go: Slack for every severity, AlimTalk to the on-call phones for critical ones. */
export interface AlertChannel {
  readonly name: 'slack' | 'alimtalk';
  /**
   * Delivers one notice. `thread` is what this channel answered for the fingerprint's first
   * notice (Slack's message ts), so a repeat is posted in its thread; the answer's `thread` is kept
   * for the next one. Throws `AlertDeliveryError` when it could not deliver (the message is retried
   * later; nothing is lost).
   */
  deliver(notice: AlertNotice, thread: string | undefined): Promise<{ thread?: string }>;
}
