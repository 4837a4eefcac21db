import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { formatKstMinute } from '../../platform/time/kst.js';
import type { AssignmentChanged } from '../assignments/assignments.events.js';
import type { OutgoingMessage } from './message-sender.port.js';

/** What assignment events carry: the producer's schema (assignments.events.ts). */
export type AssignmentEventPayload = AssignmentChanged;

type Audience = 'worker' | 'business';

/**
 * Who hears of each assignment change. The side that acted is not told what it did, except that a
 * confirmation reaches both (the worker gets it as the shift's reminder); a cancellation reaches
 * the other side, or both when the event does not say who cancelled.
 */
const AUDIENCES: Readonly<Record<string, (p: AssignmentEventPayload) => readonly Audience[]>> = {
  'assignment.proposed': () => ['worker'],
  'assignment.rejected': () => ['worker'],
  'assignment.withdrawn': () => ['business'],
  'assignment.confirmed': () => ['worker', 'business'],
  'assignment.declined': () => ['business'],
  'assignment.cancelled': (p) =>
    p.cancelledBy === 'worker'
      ? ['business']
      : p.cancelledBy === 'business'
        ? ['worker']
        : ['worker', 'business'],
  'assignment.completed': () => ['worker'],
  'assignment.no_show': () => ['worker'],
};

/** Every template the assignment notifications use: `<event type>.<audience>`. */
export const ASSIGNMENT_TEMPLATES: readonly string[] = Object.entries(AUDIENCES).flatMap(
  ([type, audiencesOf]) => {
    const cases = [undefined, 'worker', 'business'] as const;
    const all = new Set(
      cases.flatMap((cancelledBy) => audiencesOf({ cancelledBy } as AssignmentEventPayload)),
    );
    return [...all].map((audience) => `${type}.${audience}`);
  },
);

/** Whether the event's notifications need the business's staff. */
export function needsBusinessStaff(type: string, payload: AssignmentEventPayload): boolean {
  return AUDIENCES[type]?.(payload).includes('business') ?? false;
}

/**
 * The messages an assignment event causes: one per recipient, with an id derived from the event id
 * and the recipient, so a redelivered event yields the same ids and the sender drops repeats.
 * An event type without notifications yields none.
 */
export function assignmentMessages(
  event: Pick<OutboxEvent, 'id' | 'type' | 'occurredAt'>,
  payload: AssignmentEventPayload,
  businessStaff: readonly string[],
): OutgoingMessage[] {
  const audiences = AUDIENCES[event.type]?.(payload) ?? [];
  const params: Record<string, string> = {
    assignmentId: payload.assignmentId,
    shiftId: payload.shiftId,
    workerId: payload.workerId,
    businessId: payload.businessId,
    occurredAt: formatKstMinute(new Date(event.occurredAt)),
    ...(payload.startsAt ? { shiftStartsAt: formatKstMinute(new Date(payload.startsAt)) } : {}),
    ...(payload.cancelledBy ? { cancelledBy: payload.cancelledBy } : {}),
    ...(payload.late === undefined ? {} : { late: String(payload.late) }),
  };
  const messages: OutgoingMessage[] = [];
  for (const audience of audiences) {
    const recipients = audience === 'worker' ? [payload.workerId] : [...new Set(businessStaff)];
    for (const memberId of recipients) {
      messages.push({
        id: `${event.id}:${audience}:${memberId}`,
        to: { memberId },
        template: `${event.type}.${audience}`,
        params,
      });
    }
  }
  return messages;
}
