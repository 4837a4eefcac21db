import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Roles } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { IdentityVerificationService } from './identity-verification.service.js';
import {
  AddQualificationDto,
  ConfirmIdentityDto,
  IdentitySessionResponse,
  PutBankAccountDto,
  PutProfileDto,
  QualificationParamsDto,
  StartIdentityDto,
  WorkerProfile,
} from './workers.dto.js';
import { WorkersService } from './workers.service.js';

const PROFILE = {
  200: { description: 'The profile, personal data masked', schema: WorkerProfile },
};

/** A worker's own profile. Member routes: the service refuses members who are not workers (403). */
@Controller('workers/me')
@Roles('worker')
export class WorkersController {
  constructor(
    private readonly workers: WorkersService,
    private readonly identity: IdentityVerificationService,
  ) {}

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
    description:
      'Verification states of the identity, the payout account and each qualification; 404 worker_not_found before PUT /workers/me.',
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
      "the bank's answer in `lastCheck`. The bank is asked once per account per " +
      '`BANK_CHECK_TTL_DAYS` (lookups cost money); within it the last answer stands. 503 ' +
      '`verifier_unavailable` while no verifier is set up; 502/503/504 `provider_*` when the ' +
      'bank could not be asked, leaving the account unverified (retry later).',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404, 409, 502, 503, 504],
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
    description:
      'The code is one of the catalogue (src/modules/qualifications/qualifications.ts); declaring it again replaces it. It counts for eligibility once an operator verifies it. `certificateFileId` points at the evidence: one of my uploaded files, ready (404 file_not_found for any other; 409 file_not_usable when it is not a ready certificate of the right kind).',
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
    description: '404 qualification_not_found when the worker has none with this code.',
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

  @Post('identity-verifications')
  @HttpCode(200)
  @Member()
  @ApiDoc({
    summary: 'Start identity verification (본인인증) with NICE or Danal',
    description:
      "Answers the form the browser posts to the provider's window. `provider` is a preference: " +
      'while it is failing the next configured provider is used, and the answer says which. ' +
      'The provider returns the browser to our callback, which redirects to `returnUrl` with ' +
      'the result. 503 `verifier_unavailable` while no verifier is set up (an operator can ' +
      'verify on evidence); 502/503/504 `provider_*` when no provider could start.',
    tags: ['workers'],
    responses: { 200: { description: 'The provider session', schema: IdentitySessionResponse } },
    problems: [403, 404, 502, 503, 504],
  })
  startIdentity(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartIdentityDto,
  ): Promise<IdentitySessionResponse> {
    return this.identity.start(principal, body);
  }

  @Post('identity-verifications/confirm')
  @HttpCode(200)
  @Member()
  @ApiDoc({
    summary: 'Confirm identity verification with what the provider sent back',
    description:
      'The legal name, birth date and phone become the verified ones. A CI another worker holds ' +
      'is 409 `identity_already_used`; a refusal by the provider is 422 ' +
      '`identity_verification_failed`.',
    tags: ['workers'],
    responses: PROFILE,
    problems: [403, 404, 409, 422, 503],
  })
  confirmIdentity(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ConfirmIdentityDto,
  ): Promise<WorkerProfile> {
    return this.identity.confirm(principal, body);
  }
}
