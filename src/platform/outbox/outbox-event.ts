import { randomUUID } from 'node:crypto';

/**
 * A change other parts of the system must hear about (a notification to send, say). Written in
 * the same single-document update as the change itself, in the document's `outbox` array, so the
 * two can never disagree without a transaction (DocumentDB-safe, embedded-engine-safe). The worker
 * process delivers each event at least once and removes it; receivers deduplicate by `id`.
 */
export interface OutboxEvent {
  /** Unique per event (a UUID); the deduplication key everywhere downstream. */
  id: string;
  /** What happened, e.g. `assignment.proposed`. */
  type: string;
  occurredAt: Date;
  /** Ids and facts only, never personal data (the sender looks up contact details itself). */
  payload: Record<string, unknown>;
}

/** The field a document keeps its undelivered events in. */
export const OUTBOX_FIELD = 'outbox';

export function outboxEvent(
  type: string,
  payload: Record<string, unknown>,
  occurredAt: Date = new Date(),
): OutboxEvent {
  return { id: randomUUID(), type, occurredAt, payload };
}
