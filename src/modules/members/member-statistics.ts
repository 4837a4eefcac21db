import { Injectable, Module } from '@nestjs/common';
import type { Role } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { MembersRepository } from './members.repository.js';

/** What the monthly statistics read of members: counts, never a member. */
@Injectable()
export class MemberStatistics {
  constructor(private readonly members: MembersRepository) {}

  /** Outside Nest (a CLI command or a bench), so no other module builds the repository. */
  static open(db: Database, personalData: PersonalData): MemberStatistics {
    return new MemberStatistics(new MembersRepository(db, personalData));
  }

  signUpsByRole(range: { from: Date; to: Date }): Promise<{ role: Role; count: number }[]> {
    return this.members.signUpsByRole(range);
  }
}

@Module({ providers: [MembersRepository, MemberStatistics], exports: [MemberStatistics] })
export class MemberStatisticsModule {}
