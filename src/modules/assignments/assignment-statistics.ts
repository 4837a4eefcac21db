import { Injectable, Module } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { AssignmentsRepository, type MonthOutcomes } from './assignments.repository.js';
import { EligibilityRefusalsRepository } from './eligibility-refusals.repository.js';

export type { AssignmentOutcomeRow, MonthOutcomes } from './assignments.repository.js';

/** What the monthly statistics read of assignments: outcomes per shift, applications, refusals. */
@Injectable()
export class AssignmentStatistics {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly refusals: EligibilityRefusalsRepository,
  ) {}

  /** Outside Nest (a CLI command or a bench), so no other module builds the repositories. */
  static open(db: Database, personalData: PersonalData): AssignmentStatistics {
    return new AssignmentStatistics(
      new AssignmentsRepository(db, personalData),
      new EligibilityRefusalsRepository(db),
    );
  }

  monthOutcomes(range: { from: Date; to: Date }): Promise<MonthOutcomes> {
    return this.assignments.monthOutcomes(range);
  }

  countApplications(range: { from: Date; to: Date }): Promise<number> {
    return this.assignments.countApplications(range);
  }

  /** Refusals by failing rule over the KST days `[fromDay, toDay)`. */
  refusalsByRule(fromDay: string, toDay: string): Promise<{ rule: string; count: number }[]> {
    return this.refusals.byRule(fromDay, toDay);
  }
}

@Module({
  providers: [AssignmentsRepository, EligibilityRefusalsRepository, AssignmentStatistics],
  exports: [AssignmentStatistics],
})
export class AssignmentStatisticsModule {}
