import { Injectable } from '@nestjs/common';
import { DomainError } from '../../platform/errors/domain.error.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { PermanentOutboxError } from '../../platform/outbox/outbox-handlers.js';
import { WorkersService } from '../workers/workers.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { type Outcome, parseOutcome } from './assignments.events.js';

/**
 * Applies an assignment's outcome to the worker's side: a no-show is recorded on the worker (the
 * eligibility no-show rule counts it) and the holds are given back; a completion marks the
 * schedule entry worked. Idempotent by assignment id, so the API's immediate attempt, the outbox
 * handler and any redelivery may all run it: the no-show is added once, the entry moved once.
 */
@Injectable()
export class AssignmentOutcomes {
  constructor(
    private readonly workers: WorkersService,
    private readonly holds: AssignmentHolds,
  ) {}

  async apply(outcome: Outcome, now = new Date()): Promise<void> {
    const { assignmentId, shiftId, workerId } = outcome.payload;
    switch (outcome.type) {
      case 'no_show':
        await this.workers.recordNoShow(
          workerId,
          { assignmentId, shiftId, at: new Date(outcome.payload.at) },
          now,
        );
        await this.holds.release(shiftId, workerId, assignmentId, now);
        return;
      case 'completed':
        await this.holds.markCompleted(workerId, assignmentId, now);
        return;
    }
  }

  /**
   * The outbox handler of `assignment_outcome.*` (worker process). A worker without a profile
   * can never be given the record: the event is parked for an operator rather than retried.
   */
  async handle(event: OutboxEvent): Promise<void> {
    try {
      await this.apply(parseOutcome(event));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'worker_not_found') {
        throw new PermanentOutboxError(`${event.type}: the worker has no profile`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
