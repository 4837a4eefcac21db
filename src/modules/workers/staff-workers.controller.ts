import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import {
  BankAccountDecisionDto,
  IdentityDecisionDto,
  QualificationDecisionDto,
  StaffWorkerView,
  StatusDecisionDto,
  WorkerIdParamsDto,
  WorkerQualificationParamsDto,
  WorkerReveal,
  WorkerRevealRequestDto,
  WorkerReviewPage,
  WorkerReviewQueueQueryDto,
} from './workers.dto.js';
import { StaffWorkersService } from './staff-workers.service.js';

const RECORDED = 'Writes an access record (접속기록) before answering.';
const DECIDED =
  'Kept in the worker’s verification history (who, when, evidence) and as an access record ' +
  '(update), written before the change.';
const VIEW = { 200: { description: 'The worker, personal data masked', schema: StaffWorkerView } };

/** Worker profiles for operators: masked reads and the audited manual verifications. */
@Controller('operator/workers')
@Operator()
export class StaffWorkersController {
  constructor(private readonly staff: StaffWorkersService) {}

  @Get('review-queue')
  @ApiDoc({
    summary: 'What waits for an operator: bank accounts or qualifications to decide, oldest first',
    description:
      'Masked; the read is an access record naming every worker listed. Decide with POST ' +
      '/operator/workers/{id}/bank-account or /qualifications/{code} (verify, or revoke: a ' +
      'request still waiting is refused), which takes it off the queue. Page with `after`.',
    tags: ['operator'],
    responses: { 200: { description: 'One page of the queue', schema: WorkerReviewPage } },
    problems: [401, 403, 503],
  })
  reviewQueue(
    @CurrentStaff() actor: StaffActor,
    @Query() query: WorkerReviewQueueQueryDto,
  ): Promise<WorkerReviewPage> {
    return this.staff.reviewQueue(actor, query);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'One worker, personal data masked, with verification history and no-shows',
    description: RECORDED,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 503],
  })
  get(
    @CurrentStaff() actor: StaffActor,
    @Param() params: WorkerIdParamsDto,
  ): Promise<StaffWorkerView> {
    return this.staff.get(actor, params.id);
  }

  @Post(':id/reveal')
  @HttpCode(200)
  @ApiDoc({
    summary: "Reveal a worker's personal data and notes raw, for a stated reason",
    description:
      'Only the fields asked for (and `notes`: every piece of evidence and every reason written ' +
      'about the worker). The access record (reveal, fields, reason) is written before anything ' +
      'is read; 409 personal_data_destroyed after the retention period.',
    tags: ['operator'],
    responses: { 200: { description: 'The raw values asked for', schema: WorkerReveal } },
    problems: [401, 403, 404, 409, 422, 503],
  })
  reveal(
    @CurrentStaff() actor: StaffActor,
    @Param() params: WorkerIdParamsDto,
    @Body() body: WorkerRevealRequestDto,
  ): Promise<WorkerReveal> {
    return this.staff.reveal(actor, params.id, body);
  }

  @Post(':id/identity')
  @HttpCode(200)
  @ApiDoc({
    summary: "Verify or revoke a worker's identity by hand, on evidence",
    description:
      'Verify takes the CI (from the provider console) when there is one; a CI another worker ' +
      `holds is 409 identity_already_used. Revoke frees the CI. ${DECIDED}`,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 409, 503],
  })
  identity(
    @CurrentStaff() actor: StaffActor,
    @Param() params: WorkerIdParamsDto,
    @Body() body: IdentityDecisionDto,
  ): Promise<StaffWorkerView> {
    return this.staff.decideIdentity(actor, params.id, body);
  }

  @Post(':id/bank-account')
  @HttpCode(200)
  @ApiDoc({
    summary: "Verify or revoke a worker's payout account by hand, on evidence",
    description: `Verify states whether the holder is the worker (holderMatchesLegalName). ${DECIDED}`,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 409, 503],
  })
  bankAccount(
    @CurrentStaff() actor: StaffActor,
    @Param() params: WorkerIdParamsDto,
    @Body() body: BankAccountDecisionDto,
  ): Promise<StaffWorkerView> {
    return this.staff.decideBankAccount(actor, params.id, body);
  }

  @Post(':id/qualifications/:code')
  @HttpCode(200)
  @ApiDoc({
    summary: "Verify or revoke a worker's qualification by hand, on evidence",
    description: `Verify sets the expiry on the document. ${DECIDED}`,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 409, 503],
  })
  qualification(
    @CurrentStaff() actor: StaffActor,
    @Param() params: WorkerQualificationParamsDto,
    @Body() body: QualificationDecisionDto,
  ): Promise<StaffWorkerView> {
    return this.staff.decideQualification(actor, params.id, params.code, body);
  }

  @Post(':id/status')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Suspend or reactivate a worker, with the reason',
    description: `A withdrawn worker stays withdrawn (409). ${DECIDED}`,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 409, 503],
  })
  status(
    @CurrentStaff() actor: StaffActor,
    @Param() params: WorkerIdParamsDto,
    @Body() body: StatusDecisionDto,
  ): Promise<StaffWorkerView> {
    return this.staff.decideStatus(actor, params.id, body);
  }
}
