import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import {
  BusinessParamsDto,
  BusinessReviewPage,
  BusinessReviewQueueQueryDto,
  BusinessReveal,
  BusinessRevealRequestDto,
  BusinessSearchDto,
  BusinessSearchResult,
  NtsCheckDto,
  StaffBusinessView,
  VerificationDecisionDto,
} from './businesses.dto.js';
import { StaffBusinessesService } from './staff-businesses.service.js';

const VIEW = {
  200: {
    description: 'The business, personal data masked, with its verification history',
    schema: StaffBusinessView,
  },
};
const DECIDED =
  'Kept in the business’s verification history (who, when, evidence) and as an access record ' +
  '(update), written before the change.';

/** Businesses for operators: the history, manual verification and the NTS check. */
@Controller('operator/businesses')
@Operator()
export class StaffBusinessesController {
  constructor(private readonly staff: StaffBusinessesService) {}

  @Get('review-queue')
  @ApiDoc({
    summary: 'Registrations waiting for an operator, oldest first',
    description:
      'Those no one has decided (verify, refuse, or the NTS check), and those with a new ' +
      'registration certificate since; masked; the read is an access record naming every ' +
      'business listed. Page with `after`.',
    tags: ['operator'],
    responses: { 200: { description: 'One page of the queue', schema: BusinessReviewPage } },
    problems: [401, 403, 503],
  })
  reviewQueue(
    @CurrentStaff() actor: StaffActor,
    @Query() query: BusinessReviewQueueQueryDto,
  ): Promise<BusinessReviewPage> {
    return this.staff.reviewQueue(actor, query);
  }

  @Post('search')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Find a business by its registration number (any way it is written), masked',
    description:
      'Through the number’s blind index (it is stored encrypted). The number goes in the body, ' +
      'never a URL; a wrong check digit is 400 invalid_business_number. The business found is ' +
      'recorded as read (접속기록) before the answer.',
    tags: ['operator'],
    responses: { 200: { description: 'The business, or none', schema: BusinessSearchResult } },
    problems: [400, 401, 403, 503],
  })
  search(
    @CurrentStaff() actor: StaffActor,
    @Body() body: BusinessSearchDto,
  ): Promise<BusinessSearchResult> {
    return this.staff.search(actor, body);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'One business with its verification history, personal data masked',
    description: 'Writes an access record (접속기록) before answering.',
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 503],
  })
  get(
    @CurrentStaff() actor: StaffActor,
    @Param() params: BusinessParamsDto,
  ): Promise<StaffBusinessView> {
    return this.staff.get(actor, params.id);
  }

  @Post(':id/reveal')
  @HttpCode(200)
  @ApiDoc({
    summary: "Reveal a business's personal data and notes raw, for a stated reason",
    description:
      'Only the fields asked for (and `notes`: the evidence and reasons of its verifications ' +
      "and its block list's reasons). The access record (reveal, fields, reason) is written " +
      'before anything is read; 409 personal_data_destroyed after the retention period.',
    tags: ['operator'],
    responses: { 200: { description: 'The raw values asked for', schema: BusinessReveal } },
    problems: [401, 403, 404, 409, 422, 503],
  })
  reveal(
    @CurrentStaff() actor: StaffActor,
    @Param() params: BusinessParamsDto,
    @Body() body: BusinessRevealRequestDto,
  ): Promise<BusinessReveal> {
    return this.staff.reveal(actor, params.id, body);
  }

  @Post(':id/verification')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Verify or revoke a business’s registration by hand, on evidence',
    description:
      'Evidence says what was checked (사업자등록증 사본, ticket); ntsStatus, when given, is the ' +
      `status read on the NTS website. Revoke of an unverified business is 409. ${DECIDED}`,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 409, 503],
  })
  verification(
    @CurrentStaff() actor: StaffActor,
    @Param() params: BusinessParamsDto,
    @Body() body: VerificationDecisionDto,
  ): Promise<StaffBusinessView> {
    return this.staff.decideVerification(actor, params.id, body);
  }

  @Post(':id/nts-check')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Check the business at the NTS register and store its status',
    description:
      '503 registry_unavailable when no register is configured or it cannot be asked; 422 ' +
      'not_registered_at_nts when the register does not know the number (nothing changes). ' +
      `With validate, a match verifies the business (method nts). ${DECIDED}`,
    tags: ['operator'],
    responses: VIEW,
    problems: [401, 403, 404, 409, 422, 503],
  })
  ntsCheck(
    @CurrentStaff() actor: StaffActor,
    @Param() params: BusinessParamsDto,
    @Body() body: NtsCheckDto,
  ): Promise<StaffBusinessView> {
    return this.staff.checkNts(actor, params.id, body);
  }
}
