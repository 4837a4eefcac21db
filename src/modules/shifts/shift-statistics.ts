import { Injectable, Module } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import { type ShiftActivityRow, ShiftsRepository } from './shifts.repository.js';

export type { ShiftActivityRow } from './shifts.repository.js';

/** What the monthly statistics read of shifts: the month's shifts as counts and amounts. */
@Injectable()
export class ShiftStatistics {
  constructor(private readonly shifts: ShiftsRepository) {}

  /** Outside Nest (a CLI command or a bench), so no other module builds the repository. */
  static open(db: Database): ShiftStatistics {
    return new ShiftStatistics(new ShiftsRepository(db));
  }

  monthActivity(range: {
    from: Date;
    to: Date;
  }): Promise<{ shifts: ShiftActivityRow[]; posted: number }> {
    return this.shifts.monthActivity(range);
  }
}

@Module({ providers: [ShiftsRepository, ShiftStatistics], exports: [ShiftStatistics] })
export class ShiftStatisticsModule {}
