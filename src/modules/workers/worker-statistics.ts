import { Injectable, Module } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { type VerificationEvent, WorkersRepository } from './workers.repository.js';

/** What the monthly statistics read of workers: verification decisions, counted. */
@Injectable()
export class WorkerStatistics {
  constructor(private readonly workers: WorkersRepository) {}

  /** Outside Nest (a CLI command or a bench), so no other module builds the repository. */
  static open(db: Database, personalData: PersonalData): WorkerStatistics {
    return new WorkerStatistics(new WorkersRepository(db, personalData));
  }

  verificationDecisions(range: { from: Date; to: Date }): Promise<
    {
      subject: VerificationEvent['subject'];
      action: VerificationEvent['action'];
      count: number;
    }[]
  > {
    return this.workers.verificationDecisions(range);
  }
}

@Module({ providers: [WorkersRepository, WorkerStatistics], exports: [WorkerStatistics] })
export class WorkerStatisticsModule {}
