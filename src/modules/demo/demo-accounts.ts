import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '../../platform/auth/principal.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import { COGNITO_AUTH, type CognitoAuth, type CognitoUser } from '../auth/cognito-auth.port.js';
import { generatePassword } from '../../platform/auth/generate-password.js';
import { StaffAccounts } from '../auth/staff-accounts.js';
import { MembersService } from '../members/members.service.js';

export interface DemoAccount {
  email: string;
  role: Role;
  /** The member id (Cognito's sub). */
  id: string;
  username: string;
  /** Who it is, for the table: `김민준, 29`, `owner of …`. */
  label: string;
  /** Only when this run created the account: a password is shown once and never kept. */
  password: string | undefined;
  /** The password is temporary (staff): the first sign-in must set a new one. */
  temporary: boolean;
}

/**
 * The demo's Cognito users and their member records: each looked up by email first, so a run
 * after another creates none twice; a created one comes back with its generated password.
 */
@Injectable()
export class DemoAccounts {
  constructor(
    @Inject(COGNITO_AUTH) private readonly cognito: CognitoAuth,
    private readonly staffAccounts: StaffAccounts,
    private readonly members: MembersService,
  ) {}

  /** An operator, created as `cli members create-staff` does: a temporary password. */
  async operator(email: string, label: string): Promise<DemoAccount> {
    const role = 'operator';
    const account = { email, role, label, temporary: true } as const;
    const existing = await this.existing(email, role);
    if (existing) {
      const id = existing.sub ?? existing.username;
      await this.members.ensureProfile({
        id,
        username: existing.username,
        role,
        email,
        phone: undefined,
      });
      return { ...account, id, username: existing.username, password: undefined };
    }
    const password = generatePassword();
    const created = await this.staffAccounts.create({ email, role, temporaryPassword: password });
    return { ...account, ...created, password };
  }

  /** A member (business or worker) with a password that signs in at once, and their record. */
  async member(
    email: string,
    role: 'business' | 'worker',
    phone: string,
    { label }: { label: string },
  ): Promise<DemoAccount> {
    let user = await this.existing(email, role);
    let password: string | undefined;
    if (!user) {
      password = generatePassword();
      user = await this.cognito.createMember({ email, phone, password, group: role });
    }
    const id = user.sub ?? user.username;
    // As the API's sign-up confirmation does; a record already there is left as it is.
    await this.members.ensureProfile({ id, username: user.username, role, email, phone });
    return { email, role, id, username: user.username, label, password, temporary: false };
  }

  /**
   * The user of this email, when the pool holds one, in the group of `role` (given it when a run
   * stopped between the user and its group). One in another role is not ours to change.
   */
  private async existing(email: string, role: Role): Promise<CognitoUser | undefined> {
    if (!(await this.cognito.exists(email))) return undefined;
    const user = await this.cognito.getUser(email);
    const groups = await this.cognito.groupsOf(user.username);
    if (groups.length === 0) await this.cognito.addToGroup(user.username, role);
    else if (!groups.includes(role)) {
      throw new DomainError(
        'conflict',
        'demo_account_taken',
        `${email} exists with the role ${groups.join(', ')}, not ${role}: delete the local ` +
          'stack’s data (.data) to start the demo over.',
      );
    }
    return user;
  }
}
