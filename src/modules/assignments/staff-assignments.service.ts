import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import type { AssignmentReveal, AssignmentRevealRequest } from './assignments.dto.js';
import { ASSIGNMENT_PERSONAL_DATA } from './assignments.policy.js';
import { AssignmentsRepository } from './assignments.repository.js';

/**
 * What operators do with assignments beyond the marketplace routes: reveal the reasons given
 * when one ended (notes about a person), each reveal recorded before anything is read.
 */
@Injectable()
export class StaffAssignmentsService {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly access: StaffAccess,
  ) {}

  async reveal(
    actor: StaffActor,
    id: string,
    request: AssignmentRevealRequest,
  ): Promise<AssignmentReveal> {
    this.access.assertMayReveal(actor, ASSIGNMENT_PERSONAL_DATA);
    const assignment = await this.assignments.getById(id);
    if (!assignment) throw new NotFoundError('The assignment', 'assignment_not_found');
    await this.access.record(actor, {
      action: 'reveal',
      policy: ASSIGNMENT_PERSONAL_DATA,
      subjects: [assignment.workerId],
      fields: Object.keys(ASSIGNMENT_PERSONAL_DATA.notes ?? {}),
      reason: request.reason,
    });
    const notes = (await this.assignments.notesOf(id)) ?? [];
    return { id, notes: notes.map(({ at, text }) => ({ at, text })) };
  }
}
