import { Module } from '@nestjs/common';
import { ShiftsController } from './shifts.controller.js';
import { ShiftsRepository } from './shifts.repository.js';
import { ShiftSlots } from './shift-slots.service.js';
import { ShiftsService } from './shifts.service.js';

/**
 * Shifts: posting, editing, cancelling, browsing. Needs a `BUSINESS_STAFF_CHECK` provider
 * (business-staff.port.ts) from the app (BusinessesService) or, in tests, a stand-in.
 * Exports the repository: the assignment code reserves and releases slots through it.
 */
@Module({
  controllers: [ShiftsController],
  providers: [ShiftsRepository, ShiftsService, ShiftSlots],
  exports: [ShiftsService, ShiftSlots],
})
export class ShiftsModule {}
