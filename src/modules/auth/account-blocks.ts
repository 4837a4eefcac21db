import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '../../platform/audit/audit-log.js';
import { SessionRevocations } from '../../platform/auth/session-revocations.js';
import { DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import type { MemberSummary } from '../members/members.dto.js';
import { MEMBER_PERSONAL_DATA } from '../members/members.policy.js';
import { type Member, MembersService } from '../members/members.service.js';
import { COGNITO_AUTH, type CognitoAuth } from './cognito-auth.port.js';

const blockedAlready = () =>
  new DomainError('conflict', 'member_blocked', 'The member is blocked already.');
const notBlocked = () =>
  new DomainError('conflict', 'member_not_blocked', 'The member is not blocked.');

/**
 * Staff block a member's account (fraud, a compromised or abusive account) and lift the block.
 * A block disables the Cognito user (no sign-in, no refresh), voids every token the member holds
 * (session revocations: every API task refuses them within two seconds), and is kept on the
 * member (who, when), which sign-in and refresh check too: cognito-local signs a disabled user in
 * (standins.md), and a migrated member's first sign-in comes through a user the block predates.
 *
 * The reason goes with the access record (접속기록, action `update`), written before anything
 * changes; the audit log keeps the event. Staff accounts are left to admins, and no one blocks
 * themselves. Each step can be retried: Cognito first, the member's record last.
 */
@Injectable()
export class AccountBlocks {
  constructor(
    @Inject(COGNITO_AUTH) private readonly cognito: CognitoAuth,
    private readonly members: MembersService,
    private readonly revocations: SessionRevocations,
    private readonly access: StaffAccess,
    private readonly audit: AuditLog,
  ) {}

  async block(
    actor: StaffActor,
    id: string,
    reason: string,
    at = new Date(),
  ): Promise<MemberSummary> {
    const member = await this.target(actor, id);
    if (member.blocked) {
      throw blockedAlready();
    }
    if (member.status === 'withdrawn') {
      throw new DomainError('conflict', 'member_withdrawn', 'The member has withdrawn.');
    }
    await this.recorded(actor, member, reason);
    if (member.username) await this.setEnabled(member.username, false);
    if (!(await this.members.block(id, actor.id, at))) {
      throw blockedAlready();
    }
    await this.revocations.revokeAllFor(id, at);
    await this.audited(actor, id, 'member.blocked');
    return this.members.summaryOf(id);
  }

  async unblock(
    actor: StaffActor,
    id: string,
    reason: string,
    at = new Date(),
  ): Promise<MemberSummary> {
    const member = await this.target(actor, id);
    if (!member.blocked) {
      throw notBlocked();
    }
    await this.recorded(actor, member, reason);
    if (member.username) await this.setEnabled(member.username, true);
    if (!(await this.members.unblock(id, at))) {
      throw notBlocked();
    }
    await this.audited(actor, id, 'member.unblocked');
    return this.members.summaryOf(id);
  }

  /** The member, when this staff member may block or unblock them. */
  private async target(actor: StaffActor, id: string): Promise<Member> {
    if (id === actor.id) {
      throw new DomainError('forbidden', 'cannot_block_self', 'No one blocks their own account.');
    }
    const member = await this.members.find(id);
    if (!member) throw new NotFoundError('The member', 'member_not_found');
    if ((member.role === 'operator' || member.role === 'admin') && actor.role !== 'admin') {
      throw new DomainError(
        'forbidden',
        'staff_block_requires_admin',
        'Only an admin blocks or unblocks a staff account.',
      );
    }
    return member;
  }

  /** A Cognito user already deleted (a withdrawn member's) has nothing left to switch. */
  private async setEnabled(username: string, enabled: boolean): Promise<void> {
    try {
      await this.cognito.setEnabled(username, enabled);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'user_not_found') return;
      throw error;
    }
  }

  private recorded(actor: StaffActor, member: Member, reason: string): Promise<void> {
    return this.access.record(actor, {
      action: 'update',
      policy: MEMBER_PERSONAL_DATA,
      subjects: [member.id],
      // What the answer shows of the member, masked.
      fields: (['email', 'phone'] as const).filter((f) => member[f] !== undefined),
      reason,
    });
  }

  private async audited(actor: StaffActor, id: string, action: string): Promise<void> {
    await this.audit.record({
      action,
      actor: { type: 'staff', id: actor.id, role: actor.role },
      subject: { type: 'member', id },
      outcome: 'done',
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
  }
}
