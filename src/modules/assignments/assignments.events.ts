import { z } from 'zod';
import { defineEvents, makeEvent, parseEvent } from '../../platform/outbox/event-catalog.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { ASSIGNMENT_STATES, type AssignmentState } from './assignment-state.js';

/**
 * An assignment changed state (`assignment.<new state>`): the notifications module tells the
 * worker and the business. Ids and facts only: never personal data (the sender looks contacts up).
 */
export const AssignmentChanged = z.object({
  assignmentId: z.string().min(1),
  shiftId: z.string().min(1),
  workerId: z.string().min(1),
  businessId: z.string().min(1),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  from: z.string().nullable().optional(),
  to: z.string().optional(),
  cancelledBy: z.enum(['worker', 'business']).optional(),
  late: z.boolean().optional(),
  hoursWorked: z.number().positive().optional(),
});
export type AssignmentChanged = z.infer<typeof AssignmentChanged>;

/** The states an assignment moves into: every state but the first, `applied`. */
type Target = Exclude<AssignmentState, 'applied'>;
const TARGETS = ASSIGNMENT_STATES.filter((state): state is Target => state !== 'applied');

/** `assignment.<state>`: the assignments module's change events, one schema for all. */
export const ASSIGNMENT_EVENTS = defineEvents(
  Object.fromEntries(TARGETS.map((to) => [`assignment.${to}`, AssignmentChanged])) as Record<
    `assignment.${Target}`,
    typeof AssignmentChanged
  >,
);

/** The change event of a move into `to`. */
export function changeEvent(
  to: AssignmentState,
  payload: AssignmentChanged,
  occurredAt: Date,
): OutboxEvent {
  if (to === 'applied') throw new Error('an assignment never moves into applied');
  return makeEvent(ASSIGNMENT_EVENTS, `assignment.${to}`, payload, occurredAt);
}

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
const NoShowOutcome = z.object({ ...Ids, at: z.iso.datetime() });
/** The worker worked the shift: the schedule entry counts as worked (hours and rest rules). */
const CompletedOutcome = z.object({ ...Ids, hoursWorked: z.number().positive() });

const OUTCOME_EVENT_CATALOG = defineEvents({
  'assignment_outcome.no_show': NoShowOutcome,
  'assignment_outcome.completed': CompletedOutcome,
});

export type Outcome =
  | { type: 'no_show'; payload: z.infer<typeof NoShowOutcome> }
  | { type: 'completed'; payload: z.infer<typeof CompletedOutcome> };

export function outcomeEvent(outcome: Outcome, occurredAt: Date): OutboxEvent {
  return makeEvent(
    OUTCOME_EVENT_CATALOG,
    `assignment_outcome.${outcome.type}`,
    outcome.payload,
    occurredAt,
  );
}

/** The outcome an event carries; one that never will parse is a `PermanentOutboxError`. */
export function parseOutcome(event: OutboxEvent): Outcome {
  const parsed = parseEvent(OUTCOME_EVENT_CATALOG, event);
  return parsed.type === 'assignment_outcome.no_show'
    ? { type: 'no_show', payload: parsed.payload }
    : { type: 'completed', payload: parsed.payload };
}
