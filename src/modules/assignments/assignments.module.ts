import { EligibilityRefusalsRepository } from './eligibility-refusals.repository.js';
import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { BusinessesModule } from '../businesses/businesses.module.js';
import { EligibilityModule } from '../eligibility/eligibility.module.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { AssignmentEndings } from './assignment-endings.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { AssignmentTransitions } from './assignment-transitions.js';
import { AssignmentsController } from './assignments.controller.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { AssignmentsService } from './assignments.service.js';
import { HoldsRepair } from './holds-repair.js';
import { ProposalHold } from './proposal-hold.js';
import { StaffAssignmentsController } from './staff-assignments.controller.js';
import { StaffAssignmentsService } from './staff-assignments.service.js';
import { WorkerExit } from './worker-exit.js';
import { OperatorDay, OperatorDayController } from './operator-day.js';
import { WorkerSchedulesModule } from './worker-schedules.module.js';

/**
 * Applications and assignments, on workers, businesses and shifts, each decided by eligibility
 * (which reads the schedules kept here through its port).
 */
@Module({
  imports: [
    AccessModule,
    WorkersModule,
    BusinessesModule,
    ShiftsModule,
    WorkerSchedulesModule,
    EligibilityModule.register({ schedules: [WorkerSchedulesModule] }),
  ],
  controllers: [AssignmentsController, StaffAssignmentsController, OperatorDayController],
  providers: [
    AssignmentsRepository,
    EligibilityRefusalsRepository,
    AssignmentHolds,
    AssignmentOutcomes,
    AssignmentTransitions,
    ProposalHold,
    AssignmentEndings,
    AssignmentsService,
    StaffAssignmentsService,
    OperatorDay,
    HoldsRepair,
    WorkerExit,
  ],
  exports: [AssignmentsService, AssignmentEndings, AssignmentOutcomes, HoldsRepair, WorkerExit],
})
export class AssignmentsModule {}
