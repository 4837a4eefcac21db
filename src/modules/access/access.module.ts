import { Module } from '@nestjs/common';
import { AccessService } from './access.service.js';

/**
 * The access layer. Needs a `BUSINESS_STAFF_CHECK` provider (business-staff.port.ts): the app
 * binds it to BusinessesService (BusinessStaffCheckModule), a test to a stand-in.
 */
@Module({ providers: [AccessService], exports: [AccessService] })
export class AccessModule {}
