import { Injectable } from '@nestjs/common';
import type { Principal } from '../../platform/auth/principal.js';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { mapMe, mapSummary, type MeResponse, type MemberSummary } from './members.dto.js';
import { type Member, MembersRepository, type NewMember } from './members.repository.js';

/** A member as other modules read it (masked), through this service. */
export type { Member };

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

  /** The member, masked (another module's staff action on the account reads it here). */
  async find(id: string): Promise<Member | undefined> {
    return this.members.getById(id);
  }

  /** The member as staff see it, masked. */
  async summaryOf(id: string): Promise<MemberSummary> {
    const member = await this.members.getById(id);
    if (!member) throw new NotFoundError('The member', 'member_not_found');
    return mapSummary(member);
  }

  /** Blocks the member (who, when): false when blocked already. */
  block(id: string, by: string, at: Date = new Date()): Promise<boolean> {
    return this.members.block(id, { at, by });
  }

  /** Lifts the member's block: false when there was none. */
  unblock(id: string, at: Date = new Date()): Promise<boolean> {
    return this.members.unblock(id, at);
  }

  isBlocked(id: string): Promise<boolean> {
    return this.members.isBlocked(id);
  }

  /** Marks the profile withdrawn; returns the email it held (for other records to forget). */
  async withdraw(id: string, at: Date = new Date()): Promise<{ email: string | undefined }> {
    const member = await this.members.getById(id, { plaintext: ['email'] });
    await this.members.markWithdrawn(id, at);
    return { email: member?.email };
  }
}
