import { z } from 'zod';
import { type OutboxEvent, outboxEvent } from '../../platform/outbox/outbox-event.js';
import { PermanentOutboxError } from '../../platform/outbox/outbox-handlers.js';

/**
 * The outcome events: what the end of an assignment means for the worker's record, written in
 * the same document write as the assignment's move to `no_show` or `completed`, so the record can
 * never be lost between two writes. The worker process applies them (AssignmentOutcomes), and the
 * API applies them at once as well; both are idempotent by assignment id.
 *
 * They are events of their own beside the `assignment.*` notification events, not a second
 * handler of those: the outbox has one handler per type (notifications own `assignment.*`), and
 * the record must not wait for, or be parked with, a notification that cannot be sent.
 */
export const OUTCOME_EVENTS = 'assignment_outcome';

const Ids = {
  assignmentId: z.string().min(1),
  shiftId: z.string().min(1),
  workerId: z.string().min(1),
};

/** The worker did not come: a no-show on the worker (at the shift's start), holds given back. */
export const NoShowOutcome = z.object({ ...Ids, at: z.iso.datetime() });
/** The worker worked the shift: the schedule entry counts as worked (hours and rest rules). */
export const CompletedOutcome = z.object({ ...Ids, hoursWorked: z.number().positive() });

export type Outcome =
  | { type: 'no_show'; payload: z.infer<typeof NoShowOutcome> }
  | { type: 'completed'; payload: z.infer<typeof CompletedOutcome> };

export function outcomeEvent(outcome: Outcome, occurredAt: Date): OutboxEvent {
  return outboxEvent(`${OUTCOME_EVENTS}.${outcome.type}`, outcome.payload, occurredAt);
}

/** The outcome an event carries; one that never will parse is a `PermanentOutboxError`. */
export function parseOutcome(event: Pick<OutboxEvent, 'type' | 'payload'>): Outcome {
  switch (event.type) {
    case `${OUTCOME_EVENTS}.no_show`:
      return { type: 'no_show', payload: parsed(NoShowOutcome, event) };
    case `${OUTCOME_EVENTS}.completed`:
      return { type: 'completed', payload: parsed(CompletedOutcome, event) };
    default:
      throw new PermanentOutboxError(`not an assignment outcome event: ${event.type}`);
  }
}

function parsed<T>(schema: z.ZodType<T>, event: Pick<OutboxEvent, 'type' | 'payload'>): T {
  const result = schema.safeParse(event.payload);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new PermanentOutboxError(`${event.type} payload is invalid at: ${fields}`);
}
