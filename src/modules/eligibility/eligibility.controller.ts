import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Operator, Roles } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { EligibilityService } from './eligibility.service.js';
import {
  CandidatesRequestDto,
  CandidatesResponse,
  EligibilityParamsDto,
  mapVerdict,
  ShiftIdParamsDto,
  VerdictSchema,
  type VerdictResponse,
} from './eligibility.dto.js';
import { EligibilityVerdicts } from './eligibility-verdicts.service.js';

@Controller('shifts/:id')
export class EligibilityController {
  constructor(
    private readonly eligibility: EligibilityService,
    private readonly verdicts: EligibilityVerdicts,
  ) {}

  @Get('eligibility/:workerId')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'May this worker be assigned to this shift? (the shift’s business staff, operators)',
    description: 'Every failing rule with a stable code, Korean and English messages, and data.',
    tags: ['eligibility'],
    responses: { 200: { description: 'The verdict', schema: VerdictSchema } },
    problems: [403, 404],
  })
  async verdict(
    @CurrentPrincipal() p: Principal,
    @Param() params: EligibilityParamsDto,
  ): Promise<VerdictResponse> {
    const verdict = await this.verdicts.verdict(p, params.id, params.workerId);
    return mapVerdict(verdict);
  }

  @Post('candidates')
  @Operator()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Rank up to 1,000 workers for a shift (operators)',
    description:
      'Eligible workers ranked by fewest no-shows, then fewest hours already held in the ' +
      'shift’s KST week; the others with every failing rule; ids without a worker profile apart.',
    tags: ['eligibility'],
    responses: { 200: { description: 'Candidates', schema: CandidatesResponse } },
    problems: [403, 404],
  })
  async candidates(
    @Param() params: ShiftIdParamsDto,
    @Body() body: CandidatesRequestDto,
  ): Promise<CandidatesResponse> {
    const list = await this.eligibility.candidates(params.id, body.workerIds);
    return { ...list, evaluatedAt: list.evaluatedAt.toISOString() };
  }
}
