import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import {
  ExportRequestDto,
  MemberIdParamsDto,
  MemberPage,
  MemberSearchDto,
  MemberSummary,
  RevealRequestDto,
  RevealResponse,
} from './members.dto.js';
import { StaffMembersService } from './staff-members.service.js';

const RECORDED = 'Writes an access record (접속기록) before answering.';

/** Member records for operators and admins: masked, with raw values only through reveal. */
@Controller('operator/members')
@Operator()
export class StaffMembersController {
  constructor(private readonly staff: StaffMembersService) {}

  @Post('search')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Find members by email, phone (any format), role or status; masked',
    description: `Email and phone match through blind indexes. ${RECORDED}`,
    tags: ['operator'],
    responses: { 200: { description: 'A page of members', schema: MemberPage } },
    problems: [401, 403, 503],
  })
  search(@CurrentStaff() actor: StaffActor, @Body() body: MemberSearchDto): Promise<MemberPage> {
    return this.staff.search(actor, body);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'One member, personal data masked',
    description: RECORDED,
    tags: ['operator'],
    responses: { 200: { description: 'The member', schema: MemberSummary } },
    problems: [401, 403, 404, 503],
  })
  get(
    @CurrentStaff() actor: StaffActor,
    @Param() params: MemberIdParamsDto,
  ): Promise<MemberSummary> {
    return this.staff.get(actor, params.id);
  }

  @Post(':id/reveal')
  @HttpCode(200)
  @ApiDoc({
    summary: "Reveal a member's raw email or phone, for a stated reason",
    description: `The reason is kept with the access record and reviewed monthly. ${RECORDED}`,
    tags: ['operator'],
    responses: { 200: { description: 'The raw values asked for', schema: RevealResponse } },
    problems: [401, 403, 404, 409, 503],
  })
  reveal(
    @CurrentStaff() actor: StaffActor,
    @Param() params: MemberIdParamsDto,
    @Body() body: RevealRequestDto,
  ): Promise<RevealResponse> {
    return this.staff.reveal(actor, params.id, body);
  }

  @Post('export')
  @HttpCode(200)
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="members.csv"')
  @ApiDoc({
    summary: 'Export members as CSV, personal data masked, for a stated reason',
    description: `At most 10,000 members (422 export_too_large). ${RECORDED}`,
    tags: ['operator'],
    responses: {
      200: { description: 'CSV, one member per row', schema: z.string(), contentType: 'text/csv' },
    },
    problems: [401, 403, 422, 503],
  })
  export(@CurrentStaff() actor: StaffActor, @Body() body: ExportRequestDto): Promise<string> {
    return this.staff.export(actor, body);
  }
}
