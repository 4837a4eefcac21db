import type { Role } from '../../platform/auth/principal.js';
import type { MembersService } from '../members/members.service.js';
import type { CognitoAuth } from './cognito-auth.port.js';

export type StaffRole = Extract<Role, 'operator' | 'admin'>;

/**
 * Operators and admins: created by `cli members create-staff`, never through a route. The
 * password is permanent (this API offers no NEW_PASSWORD_REQUIRED step); the new staff member
 * is told to change it with POST /auth/change-password.
 */
export class StaffAccounts {
  constructor(
    private readonly cognito: CognitoAuth,
    private readonly members: MembersService,
  ) {}

  async create(input: {
    email: string;
    role: StaffRole;
    password: string;
  }): Promise<{ id: string }> {
    const user = await this.cognito.createStaff({
      email: input.email,
      password: input.password,
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
    return { id };
  }
}
