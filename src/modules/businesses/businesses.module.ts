import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { BusinessesController } from './businesses.controller.js';
import { BusinessesRepository } from './businesses.repository.js';
import { BusinessesService } from './businesses.service.js';
import { StaffBusinessesController } from './staff-businesses.controller.js';
import { StaffBusinessesService } from './staff-businesses.service.js';

/**
 * Businesses, their staff and block lists, and their verification. The NTS register port
 * (`BUSINESS_REGISTRY`) is optional: a global module that provides it (the NTS client, a later
 * issue) turns the NTS check on; without one it answers 503 and operators verify by hand.
 * `BusinessesService` is exported for eligibility facts and staff checks, `StaffBusinessesService`
 * for the operator's decisions `cli demo seed` makes.
 */
@Module({
  // The registration certificate is one of the owner's uploaded files.
  imports: [FilesModule],
  controllers: [BusinessesController, StaffBusinessesController],
  providers: [BusinessesRepository, BusinessesService, StaffBusinessesService],
  exports: [BusinessesService, StaffBusinessesService],
})
export class BusinessesModule {}
