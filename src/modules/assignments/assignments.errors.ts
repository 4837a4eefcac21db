import { ConflictError, DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import type { Verdict } from '../eligibility/engine/types.js';
import type { SlotReservation } from '../shifts/shift-slots.service.js';

/**
 * Every error the assignments module answers with, by its stable code (the e2e specs assert each
 * through HTTP). `illegal_transition` lives with the state machine (assignment-state.ts).
 */

/** 422: the worker may not be assigned; every failing rule is in `failures`. */
export class NotEligibleError extends DomainError {
  constructor(verdict: Verdict) {
    super(
      'unprocessable',
      'not_eligible',
      `The worker is not eligible for this shift: ${verdict.failures.map((f) => f.code).join(', ')}.`,
      {
        failures: verdict.failures,
        ruleSetVersion: verdict.ruleSetVersion,
        evaluatedAt: verdict.evaluatedAt.toISOString(),
      },
    );
  }
}

export const workersOnly = () =>
  new DomainError('forbidden', 'workers_only', 'Only workers apply for shifts.');

export const assignmentNotFound = () => new NotFoundError('The assignment', 'assignment_not_found');

export const alreadyOnShift = () =>
  new ConflictError('already_on_shift', 'The worker already has an assignment on this shift.');

export const assignmentChanged = () =>
  new ConflictError('assignment_changed', 'The assignment changed meanwhile; try again.');

export const shiftNotStarted = (startsAt: Date) =>
  new ConflictError('shift_not_started', 'The shift has not started yet.', {
    startsAt: startsAt.toISOString(),
  });

export const invalidHoursWorked = (maxHours: number) =>
  new DomainError(
    'invalid',
    'invalid_hours_worked',
    `Hours worked must be more than 0 and at most the shift's ${maxHours} hours.`,
    { maxHours },
  );

/** Why the shift's slot could not be reserved. */
export function slotRefused(slot: Exclude<SlotReservation, 'reserved'>): ConflictError {
  switch (slot) {
    case 'full':
      return new ConflictError('shift_full', 'Every slot of this shift is taken.');
    case 'moved':
      return new ConflictError(
        'shift_changed',
        'The shift’s time changed while the worker was being checked; read it again.',
      );
    case 'not_open':
    case 'not_found':
      return new ConflictError('shift_not_open', 'The shift is cancelled or has started.');
  }
}
