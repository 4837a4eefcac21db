import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { ShiftsController } from './shifts.controller.js';
import { ShiftsRepository } from './shifts.repository.js';
import { ShiftSlots } from './shift-slots.service.js';
import { ShiftsService } from './shifts.service.js';

/**
 * Shifts: posting, editing, cancelling, browsing. Who may is the access layer's answer, which
 * needs a `BUSINESS_STAFF_CHECK` provider (access/business-staff.port.ts) from the app
 * (BusinessesService) or, in tests, a stand-in.
 * Exports the repository: the assignment code reserves and releases slots through it.
 */
@Module({
  imports: [AccessModule],
  controllers: [ShiftsController],
  providers: [ShiftsRepository, ShiftsService, ShiftSlots],
  exports: [ShiftsService, ShiftSlots],
})
export class ShiftsModule {}
