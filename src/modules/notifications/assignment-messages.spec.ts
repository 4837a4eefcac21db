import { describe, expect, it } from 'vitest';
import {
  ASSIGNMENT_TEMPLATES,
  assignmentMessages,
  needsBusinessStaff,
  type AssignmentEventPayload,
} from './assignment-messages.js';

const payload: AssignmentEventPayload = {
  assignmentId: 'a1',
  shiftId: 's1',
  workerId: 'w1',
  businessId: 'b1',
  startsAt: '2026-11-25T00:30:00.000Z',
  from: 'proposed',
  to: 'confirmed',
};
const event = (type: string) => ({
  id: 'e1',
  type,
  occurredAt: new Date('2026-11-24T15:05:00Z'),
});
const summary = (type: string, p: AssignmentEventPayload = payload) =>
  assignmentMessages(event(type), p, ['staff1', 'staff2']).map((m) => [m.template, m.to.memberId]);

describe('assignment messages', () => {
  it('writes times in KST (UTC+9), the date turning at 15:00 UTC', () => {
    const occurredAt = (at: string) =>
      assignmentMessages(
        { ...event('assignment.proposed'), occurredAt: new Date(at) },
        payload,
        [],
      )[0]?.params['occurredAt'];
    expect(occurredAt('2026-11-24T14:59:00Z')).toBe('2026-11-24 23:59');
    expect(occurredAt('2026-11-24T15:00:00Z')).toBe('2026-11-25 00:00');
  });

  it('tells the worker of a proposal, and both sides of a confirmation', () => {
    expect(summary('assignment.proposed')).toEqual([['assignment.proposed.worker', 'w1']]);
    expect(summary('assignment.confirmed')).toEqual([
      ['assignment.confirmed.worker', 'w1'],
      ['assignment.confirmed.business', 'staff1'],
      ['assignment.confirmed.business', 'staff2'],
    ]);
  });

  it('tells the business staff when the worker declines', () => {
    expect(summary('assignment.declined')).toEqual([
      ['assignment.declined.business', 'staff1'],
      ['assignment.declined.business', 'staff2'],
    ]);
  });

  it('tells the other side of a cancellation, or both when the event does not say who', () => {
    const cancelled = (cancelledBy?: 'worker' | 'business') =>
      summary('assignment.cancelled', { ...payload, ...(cancelledBy ? { cancelledBy } : {}) });
    expect(cancelled('worker')).toEqual([
      ['assignment.cancelled.business', 'staff1'],
      ['assignment.cancelled.business', 'staff2'],
    ]);
    expect(cancelled('business')).toEqual([['assignment.cancelled.worker', 'w1']]);
    expect(cancelled()).toHaveLength(3);
  });

  it('tells the worker of a completion and of a no-show', () => {
    expect(summary('assignment.completed')).toEqual([['assignment.completed.worker', 'w1']]);
    expect(summary('assignment.no_show')).toEqual([['assignment.no_show.worker', 'w1']]);
  });

  it('sends nothing for an assignment event without notifications', () => {
    expect(summary('assignment.applied')).toEqual([]);
  });

  it('derives message ids from the event id and the recipient, so a redelivery repeats them', () => {
    const first = assignmentMessages(event('assignment.confirmed'), payload, ['staff1']);
    const again = assignmentMessages(event('assignment.confirmed'), payload, ['staff1']);
    expect(first.map((m) => m.id)).toEqual(['e1:worker:w1', 'e1:business:staff1']);
    expect(again).toEqual(first);
  });

  it('passes ids, KST times and flags as text, nothing else', () => {
    const [message] = assignmentMessages(
      event('assignment.cancelled'),
      { ...payload, cancelledBy: 'business', late: true },
      [],
    );
    expect(message?.params).toEqual({
      assignmentId: 'a1',
      shiftId: 's1',
      workerId: 'w1',
      businessId: 'b1',
      occurredAt: '2026-11-25 00:05',
      shiftStartsAt: '2026-11-25 09:30',
      cancelledBy: 'business',
      late: 'true',
    });
  });

  it('asks for business staff only when an event notifies the business', () => {
    expect(needsBusinessStaff('assignment.proposed', payload)).toBe(false);
    expect(needsBusinessStaff('assignment.confirmed', payload)).toBe(true);
    expect(
      needsBusinessStaff('assignment.cancelled', { ...payload, cancelledBy: 'business' }),
    ).toBe(false);
  });

  it('lists every template it can use', () => {
    expect(ASSIGNMENT_TEMPLATES).toEqual(
      expect.arrayContaining([
        'assignment.proposed.worker',
        'assignment.cancelled.worker',
        'assignment.cancelled.business',
        'assignment.no_show.worker',
      ]),
    );
    expect(ASSIGNMENT_TEMPLATES).not.toContain('assignment.proposed.business');
  });
});
