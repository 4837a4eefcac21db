import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Roles } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import {
  BrowseShiftsQueryDto,
  BusinessIdParamsDto,
  BusinessShiftsQueryDto,
  CancelShiftDto,
  CreateShiftDto,
  EditShiftDto,
  PublicShiftPage,
  ShiftIdParamsDto,
  ShiftPageResponse,
  ShiftResponse,
  ShiftView,
} from './shifts.dto.js';
import { ShiftsService } from './shifts.service.js';

const WINDOW_RULES =
  'Times take an explicit offset and come back in KST (+09:00). 400 shift_ends_before_start, ' +
  'shift_too_long (over 24 h); 422 shift_starts_in_past, pay_below_minimum_wage (names the minimum).';

@Controller()
export class ShiftsController {
  constructor(private readonly shifts: ShiftsService) {}

  @Post('businesses/:businessId/shifts')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'Post a shift (the business’s staff)',
    description: WINDOW_RULES,
    tags: ['shifts'],
    responses: { 201: { description: 'The shift', schema: ShiftResponse } },
    problems: [403, 404, 422],
    idempotent: true,
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param() params: BusinessIdParamsDto,
    @Body() body: CreateShiftDto,
  ): Promise<ShiftResponse> {
    return this.shifts.create(principal, params.businessId, body);
  }

  @Get('businesses/:businessId/shifts')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'A business’s shifts, any status (its staff or operators)',
    description: 'Ordered by start, then id; pass `next` as `cursor` for the following page.',
    tags: ['shifts'],
    responses: { 200: { description: 'A page of shifts', schema: ShiftPageResponse } },
    problems: [403, 404],
  })
  listForBusiness(
    @CurrentPrincipal() principal: Principal,
    @Param() params: BusinessIdParamsDto,
    @Query() query: BusinessShiftsQueryDto,
  ): Promise<ShiftPageResponse> {
    return this.shifts.listForBusiness(principal, params.businessId, query);
  }

  @Get('shifts')
  @Member()
  @ApiDoc({
    summary: 'Browse open shifts by KST date range and region',
    description:
      'Open, not started, not full shifts starting on the KST days from..to (at most 31), ' +
      'optionally within a region (a 2, 5, 8 or 10-digit 법정동코드 prefix: 11 = Seoul, ' +
      '11680 = 강남구), ordered by start then id. 400 invalid_date_range, date_range_too_long, ' +
      'invalid_cursor.',
    tags: ['shifts'],
    responses: { 200: { description: 'A page of shifts', schema: PublicShiftPage } },
  })
  browse(@Query() query: BrowseShiftsQueryDto): Promise<PublicShiftPage> {
    return this.shifts.browse(query);
  }

  @Get('shifts/:id')
  @Member()
  @ApiDoc({
    summary: 'One shift',
    description: 'The business’s staff and operators see every field; others the public view.',
    tags: ['shifts'],
    responses: { 200: { description: 'The shift', schema: ShiftView } },
    problems: [404],
  })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ShiftIdParamsDto,
  ): Promise<ShiftView> {
    return this.shifts.get(principal, params.id);
  }

  @Patch('shifts/:id')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'Edit a shift (the business’s staff)',
    description:
      `Send the \`version\` read; a stale one is 409 shift_changed. ${WINDOW_RULES} ` +
      '409 headcount_below_filled, shift_time_locked (assigned workers), shift_already_cancelled, ' +
      'shift_started.',
    tags: ['shifts'],
    responses: { 200: { description: 'The shift as edited', schema: ShiftResponse } },
    problems: [403, 404, 409, 422],
  })
  edit(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ShiftIdParamsDto,
    @Body() body: EditShiftDto,
  ): Promise<ShiftResponse> {
    return this.shifts.edit(principal, params.id, body);
  }

  @Post('shifts/:id/cancel')
  @Roles('business', 'operator', 'admin')
  @HttpCode(200)
  @Member()
  @ApiDoc({
    summary: 'Cancel a shift (the business’s staff)',
    description: '409 shift_already_cancelled (names the state) or shift_started.',
    tags: ['shifts'],
    responses: { 200: { description: 'The cancelled shift', schema: ShiftResponse } },
    problems: [403, 404, 409],
    idempotent: true,
  })
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param() params: ShiftIdParamsDto,
    @Body() body: CancelShiftDto,
  ): Promise<ShiftResponse> {
    return this.shifts.cancel(principal, params.id, body.reason);
  }
}
