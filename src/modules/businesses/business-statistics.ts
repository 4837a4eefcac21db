import { Injectable, Module } from '@nestjs/common';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { BusinessesRepository } from './businesses.repository.js';

/** What the monthly statistics read of businesses: verification decisions, counted. */
@Injectable()
export class BusinessStatistics {
  constructor(private readonly businesses: BusinessesRepository) {}

  /** Outside Nest (a CLI command or a bench), so no other module builds the repository. */
  static open(db: Database, personalData: PersonalData): BusinessStatistics {
    return new BusinessStatistics(new BusinessesRepository(db, personalData));
  }

  verificationDecisions(range: {
    from: Date;
    to: Date;
  }): Promise<{ action: 'verify' | 'revoke'; count: number }[]> {
    return this.businesses.verificationDecisions(range);
  }
}

@Module({
  providers: [BusinessesRepository, BusinessStatistics],
  exports: [BusinessStatistics],
})
export class BusinessStatisticsModule {}
