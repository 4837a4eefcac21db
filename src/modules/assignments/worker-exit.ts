import { Injectable } from '@nestjs/common';
import { WorkersService } from '../workers/workers.service.js';
import { AssignmentsService } from './assignments.service.js';

/** A worker leaving the platform (account deletion): their shifts end, their profile withdraws. */
@Injectable()
export class WorkerExit {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly workers: WorkersService,
  ) {}

  async leave(workerId: string, at: Date): Promise<void> {
    await this.assignments.endForWithdrawnWorker(workerId, at);
    await this.workers.markWithdrawn(workerId, at);
  }
}
