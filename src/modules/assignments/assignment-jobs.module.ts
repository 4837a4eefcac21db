import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../../platform/logging/logging.module.js';
import { OutboxHandlers } from '../../platform/outbox/outbox-handlers.js';
import { OutboxHandlersModule } from '../../platform/outbox/outbox-dispatch.module.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { OUTCOME_EVENTS } from './assignments.events.js';
import { AssignmentsModule } from './assignments.module.js';
import { AssignmentsService } from './assignments.service.js';
import { HoldsRepair } from './holds-repair.js';
import { SHIFT_EVENTS } from '../shifts/shifts.events.js';

const REPAIR_EVERY_MS = 60_000;

/**
 * The worker process's share of assignments: a cancelled shift ends its assignments (the
 * `shift.cancelled` outbox event), a no-show or a completion reaches the worker's record (the
 * `assignment_outcome.*` events), and holds left behind by an interrupted write are repaired
 * every minute.
 */
@Module({ imports: [AssignmentsModule, OutboxHandlersModule] })
export class AssignmentJobsModule
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly handlers: OutboxHandlers,
    private readonly assignments: AssignmentsService,
    private readonly outcomes: AssignmentOutcomes,
    private readonly repair: HoldsRepair,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'assignment-jobs' });
  }

  onModuleInit(): void {
    this.handlers.on(SHIFT_EVENTS, 'shift.cancelled', async ({ payload, event }) => {
      const ended = await this.assignments.endForCancelledShift(payload.shiftId);
      this.log.info(
        { shiftId: payload.shiftId, ended, eventId: event.id },
        'assignments of a cancelled shift ended',
      );
    });
    this.handlers.register(`${OUTCOME_EVENTS}.*`, (event) => this.outcomes.handle(event));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.repair
        .run()
        .then((repaired) => {
          if (repaired.scheduleEntries || repaired.slots) {
            this.log.warn(repaired, 'gave back holds left by interrupted assignment writes');
          }
        })
        .catch((error: unknown) => this.log.error({ err: error }, 'holds repair failed'))
        .finally(() => (this.running = undefined));
    }, REPAIR_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
