import { Global, Module } from '@nestjs/common';
import { BUSINESS_STAFF_CHECK } from '../access/business-staff.port.js';
import { BusinessesModule } from './businesses.module.js';
import { BusinessesService } from './businesses.service.js';

/** Answers the access layer's staff check (`BUSINESS_STAFF_CHECK`) with the businesses' staff. */
@Global()
@Module({
  imports: [BusinessesModule],
  providers: [{ provide: BUSINESS_STAFF_CHECK, useExisting: BusinessesService }],
  exports: [BUSINESS_STAFF_CHECK],
})
export class BusinessStaffCheckModule {}
