import { ConflictError } from '../../platform/errors/domain.error.js';

/**
 * An assignment's life (배정). A worker applies (`applied`) or a business proposes directly
 * (`proposed`); the worker accepts (`confirmed`) or declines; either side cancels with a reason;
 * the business marks it `completed` (hours worked) or `no_show` once the shift has started.
 */
export const ASSIGNMENT_STATES = [
  'applied',
  'withdrawn',
  'rejected',
  'proposed',
  'declined',
  'confirmed',
  'cancelled',
  'completed',
  'no_show',
] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

export type AssignmentAction =
  'propose' | 'withdraw' | 'reject' | 'accept' | 'decline' | 'cancel' | 'complete' | 'no_show';

/** Which state each action leads to, from which states. Anything else is refused. */
const TRANSITIONS: Readonly<
  Record<AssignmentAction, { from: readonly AssignmentState[]; to: AssignmentState }>
> = {
  propose: { from: ['applied'], to: 'proposed' },
  withdraw: { from: ['applied'], to: 'withdrawn' },
  reject: { from: ['applied'], to: 'rejected' },
  accept: { from: ['proposed'], to: 'confirmed' },
  decline: { from: ['proposed'], to: 'declined' },
  cancel: { from: ['proposed', 'confirmed'], to: 'cancelled' },
  complete: { from: ['confirmed'], to: 'completed' },
  no_show: { from: ['confirmed'], to: 'no_show' },
};

/** States in which the assignment holds a slot of the shift and time in the worker's schedule. */
export const HOLDING_STATES: readonly AssignmentState[] = ['proposed', 'confirmed'];
/** States in which the worker is on the shift in any way (one such assignment per pair). */
export const ACTIVE_STATES: readonly AssignmentState[] = ['applied', 'proposed', 'confirmed'];

class IllegalTransitionError extends ConflictError {
  constructor(action: AssignmentAction, from: AssignmentState) {
    const allowed = TRANSITIONS[action].from;
    super(
      'illegal_transition',
      `Cannot ${action.replace('_', '-')} an assignment that is ${from}; only one that is ${allowed.join(' or ')}.`,
      { action, from, allowedFrom: allowed, to: TRANSITIONS[action].to },
    );
  }
}

/** The state `action` leads to from `from`, or an `IllegalTransitionError` (409) naming both. */
export function transition(from: AssignmentState, action: AssignmentAction): AssignmentState {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) throw new IllegalTransitionError(action, from);
  return rule.to;
}
