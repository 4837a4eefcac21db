import { Injectable } from '@nestjs/common';
import { WorkersService } from '../workers/workers.service.js';
import { AssignmentEndings } from './assignment-endings.js';

/** A worker leaving the platform (account deletion): their shifts end, their profile withdraws. */
@Injectable()
export class WorkerExit {
  constructor(
    private readonly endings: AssignmentEndings,
    private readonly workers: WorkersService,
  ) {}

  async leave(workerId: string, at: Date): Promise<void> {
    await this.endings.endForWithdrawnWorker(workerId, at);
    await this.workers.markWithdrawn(workerId, at);
  }
}
