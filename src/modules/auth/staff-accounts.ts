import type { Role } from '../../platform/auth/principal.js';
import type { MembersService } from '../members/members.service.js';
import type { CognitoAuth } from './cognito-auth.port.js';

export type StaffRole = Extract<Role, 'operator' | 'admin'>;

/**
 * Operators and admins: created by `cli members create-staff`, never through a route, with a
 * temporary password (Cognito's FORCE_CHANGE_PASSWORD). Their first sign-in gets no token, only
 * the NEW_PASSWORD_REQUIRED challenge (403 new_password_required); no staff route answers before
 * they have set a password of their own with POST /auth/complete-new-password.
 */
export class StaffAccounts {
  constructor(
    private readonly cognito: CognitoAuth,
    private readonly members: MembersService,
  ) {}

  async create(input: {
    email: string;
    role: StaffRole;
    temporaryPassword: string;
  }): Promise<{ id: string; username: string }> {
    const user = await this.cognito.createStaff({
      email: input.email,
      temporaryPassword: input.temporaryPassword,
      group: input.role,
    });
    const id = user.sub ?? user.username;
    await this.members.ensureProfile({
      id,
      username: user.username,
      role: input.role,
      email: input.email,
      phone: undefined,
    });
    return { id, username: user.username };
  }
}
