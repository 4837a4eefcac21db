import { Injectable } from '@nestjs/common';
import type { Principal } from '../../platform/auth/principal.js';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { mapMe, type MeResponse } from './members.dto.js';
import { MembersRepository, type NewMember } from './members.repository.js';

@Injectable()
export class MembersService {
  constructor(private readonly members: MembersRepository) {}

  /**
   * The service outside Nest's container (a CLI command), so another module never builds the
   * members repository itself.
   */
  static open(db: Database, personalData: PersonalData): MembersService {
    return new MembersService(new MembersRepository(db, personalData));
  }

  /** The profile of a member Cognito has confirmed; safe to call on every login. */
  async ensureProfile(member: NewMember, at: Date = new Date()): Promise<void> {
    await this.members.createIfAbsent(member, at);
  }

  async getMe(principal: Principal): Promise<MeResponse> {
    const member = await this.members.getById(principal.sub);
    if (!member || member.status !== 'active')
      throw new NotFoundError('Your profile', 'member_not_found');
    return mapMe(member);
  }

  /** Marks the profile withdrawn; returns the email it held (for other records to forget). */
  async withdraw(id: string, at: Date = new Date()): Promise<{ email: string | undefined }> {
    const member = await this.members.getById(id, { plaintext: ['email'] });
    await this.members.markWithdrawn(id, at);
    return { email: member?.email };
  }
}
