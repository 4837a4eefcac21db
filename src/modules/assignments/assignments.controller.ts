import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Roles } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import {
  AssignmentIdParamsDto,
  AssignmentPage,
  AssignmentResponse,
  CancelRequestDto,
  CompleteRequestDto,
  mapAssignment,
  PageQueryDto,
  ProposeRequestDto,
  RejectRequestDto,
  ShiftIdParamsDto,
} from './assignments.dto.js';
import type { Assignment } from './assignments.repository.js';
import { AssignmentsService } from './assignments.service.js';

const TRANSITION = '409 illegal_transition names the current and the allowed states.';
const page = (items: Assignment[], limit: number): AssignmentPage => ({
  items: items.map(mapAssignment),
  next: items.length === limit ? (items.at(-1)?.id ?? null) : null,
});

/**
 * Applications and assignments. Member routes: who may do what (the worker, the business's
 * staff, operators) is checked in the service against the assignment.
 */
@Controller()
@Member()
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post('shifts/:id/applications')
  @Roles('worker')
  @ApiDoc({
    summary: 'Apply for a shift (worker)',
    description: '422 not_eligible lists every failing rule; 409 already_on_shift.',
    tags: ['assignments'],
    responses: { 201: { description: 'Applied', schema: AssignmentResponse } },
    problems: [403, 404, 409, 422],
    idempotent: true,
  })
  async apply(@CurrentPrincipal() p: Principal, @Param() params: ShiftIdParamsDto) {
    return mapAssignment(await this.assignments.apply(p, params.id));
  }

  @Post('shifts/:id/assignments')
  @Roles('business', 'operator', 'admin')
  @ApiDoc({
    summary: 'Propose a worker for a shift (business staff or operator)',
    description:
      'From the worker’s application when there is one, at the shift’s times now. Eligibility ' +
      'is checked again and the verdict stored; 422 not_eligible; 409 already_on_shift, or ' +
      'shift_full / shift_not_open / shift_changed when the shift filled up, was cancelled or ' +
      'moved while the worker was being checked (read it again and retry).',
    tags: ['assignments'],
    responses: { 201: { description: 'Proposed', schema: AssignmentResponse } },
    problems: [403, 404, 409, 422],
    idempotent: true,
  })
  async propose(
    @CurrentPrincipal() p: Principal,
    @Param() params: ShiftIdParamsDto,
    @Body() body: ProposeRequestDto,
  ) {
    return mapAssignment(await this.assignments.propose(p, params.id, body.workerId));
  }

  @Get('shifts/:id/assignments')
  @Roles('business', 'operator', 'admin')
  @ApiDoc({
    summary: 'A shift’s applications and assignments (business staff or operator)',
    description:
      'Newest first; pass the last id as `before` for the next page. Reasons are shown as written to the business, masked to operators.',
    tags: ['assignments'],
    responses: { 200: { description: 'Newest first', schema: AssignmentPage } },
    problems: [403, 404],
  })
  async listForShift(
    @CurrentPrincipal() p: Principal,
    @Param() params: ShiftIdParamsDto,
    @Query() query: PageQueryDto,
  ): Promise<AssignmentPage> {
    return page(await this.assignments.listForShift(p, params.id, query), query.limit);
  }

  @Get('me/assignments')
  @Roles('worker')
  @ApiDoc({
    summary: 'My applications and assignments (worker)',
    description: 'Newest first; pass the last id as `before` for the next page.',
    tags: ['assignments'],
    responses: { 200: { description: 'Newest first', schema: AssignmentPage } },
  })
  async listMine(
    @CurrentPrincipal() p: Principal,
    @Query() query: PageQueryDto,
  ): Promise<AssignmentPage> {
    return page(await this.assignments.listMine(p, query), query.limit);
  }

  @Get('assignments/:id')
  @ApiDoc({
    summary: 'One assignment (its worker, the business’s staff, operators)',
    description:
      'With the verdict it was made under and its history. 404 assignment_not_found; 403 to anyone else.',
    tags: ['assignments'],
    responses: { 200: { description: 'The assignment', schema: AssignmentResponse } },
    problems: [403, 404],
  })
  async get(@CurrentPrincipal() p: Principal, @Param() params: AssignmentIdParamsDto) {
    return mapAssignment(await this.assignments.get(p, params.id));
  }

  @Post('assignments/:id/accept')
  @Roles('worker')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Accept a proposal (the worker): confirmed',
    description: `Eligibility is checked again. ${TRANSITION}`,
    tags: ['assignments'],
    responses: { 200: { description: 'Confirmed', schema: AssignmentResponse } },
    problems: [403, 404, 409, 422],
  })
  async accept(@CurrentPrincipal() p: Principal, @Param() params: AssignmentIdParamsDto) {
    return mapAssignment(await this.assignments.accept(p, params.id));
  }

  @Post('assignments/:id/decline')
  @Roles('worker')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Decline a proposal (the worker)',
    description: TRANSITION,
    tags: ['assignments'],
    responses: { 200: { description: 'Declined', schema: AssignmentResponse } },
    problems: [403, 404, 409],
  })
  async decline(@CurrentPrincipal() p: Principal, @Param() params: AssignmentIdParamsDto) {
    return mapAssignment(await this.assignments.decline(p, params.id));
  }

  @Post('assignments/:id/withdraw')
  @Roles('worker')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Withdraw an application (the worker)',
    description: TRANSITION,
    tags: ['assignments'],
    responses: { 200: { description: 'Withdrawn', schema: AssignmentResponse } },
    problems: [403, 404, 409],
  })
  async withdraw(@CurrentPrincipal() p: Principal, @Param() params: AssignmentIdParamsDto) {
    return mapAssignment(await this.assignments.withdraw(p, params.id));
  }

  @Post('assignments/:id/reject')
  @Roles('business', 'operator', 'admin')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Reject an application (business staff or operator)',
    description: TRANSITION,
    tags: ['assignments'],
    responses: { 200: { description: 'Rejected', schema: AssignmentResponse } },
    problems: [403, 404, 409],
  })
  async reject(
    @CurrentPrincipal() p: Principal,
    @Param() params: AssignmentIdParamsDto,
    @Body() body: RejectRequestDto,
  ) {
    return mapAssignment(await this.assignments.reject(p, params.id, body.reason));
  }

  @Post('assignments/:id/cancel')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Cancel a proposed or confirmed assignment, with a reason (either side)',
    description: `Flagged late within LATE_CANCELLATION_HOURS of the start. ${TRANSITION}`,
    tags: ['assignments'],
    responses: { 200: { description: 'Cancelled', schema: AssignmentResponse } },
    problems: [403, 404, 409],
  })
  async cancel(
    @CurrentPrincipal() p: Principal,
    @Param() params: AssignmentIdParamsDto,
    @Body() body: CancelRequestDto,
  ) {
    return mapAssignment(await this.assignments.cancel(p, params.id, body.reason));
  }

  @Post('assignments/:id/complete')
  @Roles('business', 'operator', 'admin')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Mark a confirmed assignment worked, with the hours (business staff or operator)',
    description:
      'Once the shift has started (409 shift_not_started); at most the hours the shift lasts ' +
      `(400 invalid_hours_worked). ${TRANSITION}`,
    tags: ['assignments'],
    responses: { 200: { description: 'Completed', schema: AssignmentResponse } },
    problems: [400, 403, 404, 409],
  })
  async complete(
    @CurrentPrincipal() p: Principal,
    @Param() params: AssignmentIdParamsDto,
    @Body() body: CompleteRequestDto,
  ) {
    return mapAssignment(await this.assignments.complete(p, params.id, body.hoursWorked));
  }

  @Post('assignments/:id/no-show')
  @Roles('business', 'operator', 'admin')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Mark a confirmed assignment a no-show (business staff or operator)',
    description:
      'Once the shift has started; counts against the worker’s eligibility from the answer on ' +
      `(the record is also delivered from the assignment’s outbox, so it is never lost). ${TRANSITION}`,
    tags: ['assignments'],
    responses: { 200: { description: 'No-show', schema: AssignmentResponse } },
    problems: [403, 404, 409],
  })
  async noShow(@CurrentPrincipal() p: Principal, @Param() params: AssignmentIdParamsDto) {
    return mapAssignment(await this.assignments.noShow(p, params.id));
  }
}
