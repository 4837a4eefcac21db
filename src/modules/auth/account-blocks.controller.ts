import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import { BlockRequestDto, MemberIdParamsDto, MemberSummary } from '../members/members.dto.js';
import { AccountBlocks } from './account-blocks.js';

const RECORDED =
  'The reason is kept with the access record (접속기록, written before anything changes) and ' +
  'reviewed monthly. Staff accounts are left to admins (403 staff_block_requires_admin); no one ' +
  'blocks themselves (403 cannot_block_self).';

/** Blocking a member's account, for operators and admins (the auth module owns sign-in). */
@Controller('operator/members')
@Operator()
export class AccountBlocksController {
  constructor(private readonly blocks: AccountBlocks) {}

  @Post(':id/block')
  @HttpCode(200)
  @ApiDoc({
    summary: "Block a member's account, for a stated reason",
    description:
      'The Cognito user is disabled, every token the member holds stops working (within two ' +
      'seconds on every API task), and sign-in and refresh are refused (401) until unblocked. ' +
      `409 member_blocked when blocked already, member_withdrawn after withdrawal. ${RECORDED}`,
    tags: ['operator'],
    responses: { 200: { description: 'The member, blocked', schema: MemberSummary } },
    problems: [400, 401, 403, 404, 409, 503],
  })
  block(
    @CurrentStaff() actor: StaffActor,
    @Param() params: MemberIdParamsDto,
    @Body() body: BlockRequestDto,
  ): Promise<MemberSummary> {
    return this.blocks.block(actor, params.id, body.reason);
  }

  @Post(':id/unblock')
  @HttpCode(200)
  @ApiDoc({
    summary: "Lift the block of a member's account, for a stated reason",
    description: `The member signs in again. 409 member_not_blocked when not blocked. ${RECORDED}`,
    tags: ['operator'],
    responses: { 200: { description: 'The member, unblocked', schema: MemberSummary } },
    problems: [400, 401, 403, 404, 409, 503],
  })
  unblock(
    @CurrentStaff() actor: StaffActor,
    @Param() params: MemberIdParamsDto,
    @Body() body: BlockRequestDto,
  ): Promise<MemberSummary> {
    return this.blocks.unblock(actor, params.id, body.reason);
  }
}
