import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Roles } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { type BusinessCaller, CurrentBusinessCaller } from './business-caller.decorator.js';
import {
  AddStaffDto,
  BlockedWorkerParamsDto,
  BlockWorkerDto,
  BusinessList,
  BusinessParamsDto,
  BusinessView,
  EditBusinessDto,
  RegisterBusinessDto,
} from './businesses.dto.js';
import { BusinessesService } from './businesses.service.js';

const VIEW = {
  200: { description: 'The business, personal data masked', schema: BusinessView },
};
const WHO =
  'Business members on its staff, or operators (whose reads and changes are recorded as access ' +
  'records, 접속기록).';

/** Businesses for business members (and operators). Member routes; the service checks staff. */
@Controller('businesses')
export class BusinessesController {
  constructor(private readonly businesses: BusinessesService) {}

  @Post()
  @Roles('business')
  @Member()
  @ApiDoc({
    summary: 'Register a business; the caller (a business member) becomes its owner',
    description:
      'The number may be written 124-81-00998 or 1248100998; its check digit must be right ' +
      '(400 invalid_business_number). The opening date must be a real day, not after today in ' +
      'KST (400 invalid_opening_date). A number already registered is 409 business_exists. ' +
      'Not verified until an operator verifies it or the NTS check confirms it.',
    tags: ['businesses'],
    responses: { 201: { description: 'The business, personal data masked', schema: BusinessView } },
    problems: [403, 409],
    idempotent: true,
  })
  register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterBusinessDto,
  ): Promise<BusinessView> {
    return this.businesses.register(principal, body);
  }

  @Get('mine')
  @Roles('business')
  @Member()
  @ApiDoc({
    summary: 'The businesses where I am owner or manager',
    description: 'Each with its readiness: whether workers can be found eligible for its shifts.',
    tags: ['businesses'],
    responses: { 200: { description: 'My businesses', schema: BusinessList } },
  })
  mine(@CurrentPrincipal() principal: Principal): Promise<BusinessList> {
    return this.businesses.mine(principal);
  }

  @Get(':id')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'One business, personal data masked',
    description: WHO,
    tags: ['businesses'],
    responses: VIEW,
    problems: [403, 404],
  })
  get(
    @CurrentBusinessCaller() caller: BusinessCaller,
    @Param() params: BusinessParamsDto,
  ): Promise<BusinessView> {
    return this.businesses.get(caller, params.id);
  }

  @Patch(':id')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'Change a business’s name, address or registration certificate',
    description: `${WHO} With version, 409 business_changed when it moved on.`,
    tags: ['businesses'],
    responses: VIEW,
    problems: [403, 404, 409],
  })
  edit(
    @CurrentBusinessCaller() caller: BusinessCaller,
    @Param() params: BusinessParamsDto,
    @Body() body: EditBusinessDto,
  ): Promise<BusinessView> {
    return this.businesses.edit(caller, params.id, body);
  }

  @Post(':id/staff')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'Add a business member to the staff as a manager (the owner, or operators)',
    description:
      '422 not_a_business_member for an unknown, withdrawn or non-business member; 409 ' +
      'already_staff; 403 owner_only for managers.',
    tags: ['businesses'],
    responses: { 201: { description: 'The business, personal data masked', schema: BusinessView } },
    problems: [403, 404, 409, 422],
  })
  addStaff(
    @CurrentBusinessCaller() caller: BusinessCaller,
    @Param() params: BusinessParamsDto,
    @Body() body: AddStaffDto,
  ): Promise<BusinessView> {
    return this.businesses.addStaff(caller, params.id, body);
  }

  @Put(':id/blocked-workers/:workerId')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'Block a worker from this business’s shifts, with the reason',
    description: `${WHO} Blocking again replaces the reason. A blocked worker is not eligible.`,
    tags: ['businesses'],
    responses: VIEW,
    problems: [403, 404],
  })
  block(
    @CurrentBusinessCaller() caller: BusinessCaller,
    @Param() params: BlockedWorkerParamsDto,
    @Body() body: BlockWorkerDto,
  ): Promise<BusinessView> {
    return this.businesses.block(caller, params.id, params.workerId, body);
  }

  @Delete(':id/blocked-workers/:workerId')
  @Roles('business', 'operator', 'admin')
  @Member()
  @ApiDoc({
    summary: 'Lift the block of a worker',
    description: `${WHO} 404 worker_not_blocked when there is none.`,
    tags: ['businesses'],
    responses: VIEW,
    problems: [403, 404],
  })
  unblock(
    @CurrentBusinessCaller() caller: BusinessCaller,
    @Param() params: BlockedWorkerParamsDto,
  ): Promise<BusinessView> {
    return this.businesses.unblock(caller, params.id, params.workerId);
  }
}
