import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import {
  AssignmentIdParamsDto,
  AssignmentReveal,
  AssignmentRevealRequestDto,
} from './assignments.dto.js';
import { StaffAssignmentsService } from './staff-assignments.service.js';

/** Assignments for operators: the audited reveal of the reasons given when one ended. */
@Controller('operator/assignments')
@Operator()
export class StaffAssignmentsController {
  constructor(private readonly staff: StaffAssignmentsService) {}

  @Post(':id/reveal')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Reveal the reasons given on an assignment, for a stated reason',
    description:
      'Operators see these reasons masked elsewhere. The access record (reveal, whose data, ' +
      'the reason) is written before anything is read.',
    tags: ['operator'],
    responses: { 200: { description: 'Every note, raw', schema: AssignmentReveal } },
    problems: [401, 403, 404, 422, 503],
  })
  reveal(
    @CurrentStaff() actor: StaffActor,
    @Param() params: AssignmentIdParamsDto,
    @Body() body: AssignmentRevealRequestDto,
  ): Promise<AssignmentReveal> {
    return this.staff.reveal(actor, params.id, body);
  }
}
