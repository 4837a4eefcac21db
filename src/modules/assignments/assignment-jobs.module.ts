import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { ScheduledJobs } from '../../platform/jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from '../../platform/jobs/scheduler.module.js';
import { ROOT_LOGGER } from '../../platform/logging/logging.module.js';
import { OutboxHandlers } from '../../platform/outbox/outbox-handlers.js';
import { OutboxHandlersModule } from '../../platform/outbox/outbox-dispatch.module.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { OUTCOME_EVENTS } from './assignments.events.js';
import { AssignmentsModule } from './assignments.module.js';
import { AssignmentEndings } from './assignment-endings.js';
import { HoldsRepair } from './holds-repair.js';
import { BUSINESS_EVENTS } from '../businesses/businesses.events.js';
import { SHIFT_EVENTS } from '../shifts/shifts.events.js';

const HOLDS_REPAIR_JOB = 'holds-repair';
const REPAIR_EVERY_MS = 60_000;

/**
 * The worker process's share of assignments: a cancelled shift ends its assignments (the
 * `shift.cancelled` outbox event), a no-show or a completion reaches the worker's record (the
 * `assignment_outcome.*` events), and holds left behind by an interrupted write are repaired
 * every minute (the `holds-repair` job: the worker's scheduler runs it, as does
 * `cli jobs run holds-repair`); a business the NTS now calls suspended or closed has its
 * assignments decided again (`business.nts_changed`).
 */
@Module({ imports: [AssignmentsModule, OutboxHandlersModule, ScheduledJobsModule] })
export class AssignmentJobsModule implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly handlers: OutboxHandlers,
    private readonly endings: AssignmentEndings,
    private readonly outcomes: AssignmentOutcomes,
    private readonly repair: HoldsRepair,
    private readonly jobs: ScheduledJobs,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'assignment-jobs' });
  }

  onModuleInit(): void {
    this.handlers.on(SHIFT_EVENTS, 'shift.cancelled', async ({ payload, event }) => {
      const ended = await this.endings.endForCancelledShift(payload.shiftId);
      this.log.info(
        { shiftId: payload.shiftId, ended, eventId: event.id },
        'assignments of a cancelled shift ended',
      );
    });
    this.handlers.on(BUSINESS_EVENTS, 'business.nts_changed', async ({ payload, event }) => {
      if (payload.to === 'active') return;
      const ended = await this.endings.reconsiderForBusiness(payload.businessId);
      this.log.info(
        { businessId: payload.businessId, to: payload.to, ended, eventId: event.id },
        'assignments of a business no longer trading at the NTS decided again',
      );
    });
    this.handlers.register(`${OUTCOME_EVENTS}.*`, (event) => this.outcomes.handle(event));
    this.jobs.register({
      name: HOLDS_REPAIR_JOB,
      schedule: { everyMs: REPAIR_EVERY_MS },
      run: async (signal) => {
        const repaired = await this.repair.run(new Date(), signal);
        if (repaired.scheduleEntries || repaired.slots) {
          this.log.warn(repaired, 'gave back holds left by interrupted assignment writes');
        }
        return repaired;
      },
    });
  }
}
