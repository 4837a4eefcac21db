import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import {
  AddQualificationDto,
  PutBankAccountDto,
  PutProfileDto,
  QualificationParamsDto,
  WorkerProfile,
} from './workers.dto.js';
import { WorkersService } from './workers.service.js';

const PROFILE = {
  200: { description: 'The profile, personal data masked', schema: WorkerProfile },
};

/** A worker's own profile. Member routes: the service refuses members who are not workers (403). */
@Controller('workers/me')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Put()
  @Member()
  @ApiDoc({
    summary: 'Create or update my worker profile (legal name, birth date, phone)',
    description:
      'The birth date must be a real date, not in the future, at most 120 years ago. Once ' +
      'identity verification stands, changing the legal name or birth date ends it (verify ' +
      'again), and a legal-name change means the payout account holder must be matched again.',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 409],
  })
  put(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PutProfileDto,
  ): Promise<WorkerProfile> {
    return this.workers.putProfile(principal, body);
  }

  @Get()
  @Member()
  @ApiDoc({
    summary: 'My worker profile, personal data masked',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404],
  })
  get(@CurrentPrincipal() principal: Principal): Promise<WorkerProfile> {
    return this.workers.getMe(principal);
  }

  @Put('bank-account')
  @Member()
  @ApiDoc({
    summary: 'Register or replace my payout bank account (unverified until verified)',
    description:
      '`holderMatchesLegalName` compares the holder name with the legal name, ignoring spacing, ' +
      '".", "-", "·" and Latin case; it counts for eligibility only once the account is verified.',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404, 409],
  })
  putBankAccount(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PutBankAccountDto,
  ): Promise<WorkerProfile> {
    return this.workers.putBankAccount(principal, body);
  }

  @Post('bank-account/verify')
  @HttpCode(200)
  @Member()
  @ApiDoc({
    summary: 'Verify my payout account with the bank (예금주 조회)',
    description:
      'Found: verified, with the holder name as the bank has it. Not found: unverified, with ' +
      "the bank's answer in `lastCheck`. 503 `verifier_unavailable` while no verifier is set up.",
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404, 409, 503],
  })
  verifyBankAccount(@CurrentPrincipal() principal: Principal): Promise<WorkerProfile> {
    return this.workers.verifyBankAccount(principal);
  }

  @Post('qualifications')
  @HttpCode(200)
  @Member()
  @ApiDoc({
    summary:
      'Declare a qualification (e.g. health-certificate); unverified until an operator checks',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404, 409],
  })
  addQualification(
    @CurrentPrincipal() principal: Principal,
    @Body() body: AddQualificationDto,
  ): Promise<WorkerProfile> {
    return this.workers.addQualification(principal, body);
  }

  @Delete('qualifications/:code')
  @Member()
  @ApiDoc({
    summary: 'Remove one of my qualifications',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404],
  })
  removeQualification(
    @CurrentPrincipal() principal: Principal,
    @Param() params: QualificationParamsDto,
  ): Promise<WorkerProfile> {
    return this.workers.removeQualification(principal, params.code);
  }
}
