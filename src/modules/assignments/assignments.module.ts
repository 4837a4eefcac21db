import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { BusinessesModule } from '../businesses/businesses.module.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import { WORKER_SCHEDULES } from '../eligibility/worker-schedules.port.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { AssignmentsController } from './assignments.controller.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { AssignmentsService } from './assignments.service.js';
import { EligibilityController } from './eligibility.controller.js';
import { EligibilityVerdicts } from './eligibility-verdicts.service.js';
import { HoldsRepair } from './holds-repair.js';
import { StaffAssignmentsController } from './staff-assignments.controller.js';
import { StaffAssignmentsService } from './staff-assignments.service.js';
import { WorkerExit } from './worker-exit.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

/** Applications, assignments and the eligibility routes, on workers, businesses and shifts. */
@Module({
  imports: [AccessModule, WorkersModule, BusinessesModule, ShiftsModule],
  controllers: [AssignmentsController, EligibilityController, StaffAssignmentsController],
  providers: [
    AssignmentsRepository,
    WorkerSchedulesRepository,
    { provide: WORKER_SCHEDULES, useExisting: WorkerSchedulesRepository },
    AssignmentHolds,
    AssignmentOutcomes,
    AssignmentsService,
    StaffAssignmentsService,
    EligibilityService,
    EligibilityVerdicts,
    HoldsRepair,
    WorkerExit,
  ],
  exports: [AssignmentsService, AssignmentOutcomes, EligibilityService, HoldsRepair, WorkerExit],
})
export class AssignmentsModule {}
