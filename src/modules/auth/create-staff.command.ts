import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createCognitoClient } from '../../platform/aws/clients.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import { maskEmail } from '../../privacy/masking.js';
import { MembersRepository } from '../members/members.repository.js';
import { MembersService } from '../members/members.service.js';
import { AwsCognitoAuth } from './aws-cognito-auth.js';
import type { CognitoAuth } from './cognito-auth.port.js';
import { meetsPasswordPolicy, PASSWORD_POLICY_TEXT } from './password-policy.js';
import { StaffAccounts } from './staff-accounts.js';

const Args = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  role: z.enum(['operator', 'admin']),
});

export const CREATE_STAFF_USAGE =
  'usage: cli members create-staff --email <address> --role operator|admin\n' +
  '  (temporary password: $STAFF_INITIAL_PASSWORD, else generated and printed once;\n' +
  '   it must be changed at the first sign-in)\n';

/** 144 random bits, plus one character of each class the pool's policy demands. */
export function generatePassword(): string {
  return `${randomBytes(18).toString('base64url')}-Aa1`;
}

export interface CreateStaffContext extends DatabaseCommandContext {
  /** Tests pass a port of their own; by default, Cognito as configured. */
  cognito?: CognitoAuth;
}

/** `cli members create-staff`: an operator or admin, never through a public route. */
export async function createStaff(context: CreateStaffContext): Promise<number> {
  const { values } = parseArgs({
    args: context.argv,
    options: { email: { type: 'string' }, role: { type: 'string' } },
    allowPositionals: true,
    strict: false,
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    context.err.write(CREATE_STAFF_USAGE);
    return 2;
  }
  const given = context.config.auth.staffInitialPassword;
  if (given !== undefined && !meetsPasswordPolicy(given)) {
    context.err.write(`STAFF_INITIAL_PASSWORD does not meet the policy: ${PASSWORD_POLICY_TEXT}\n`);
    return 2;
  }
  const password = given ?? generatePassword();
  const cognito =
    context.cognito ??
    new AwsCognitoAuth(
      createCognitoClient(context.config),
      context.config.aws.cognito,
      context.logger,
    );
  const { personalData } = await context.privacy();
  const staff = new StaffAccounts(
    cognito,
    new MembersService(new MembersRepository(context.db, personalData)),
  );
  const { id } = await staff.create({ ...parsed.data, temporaryPassword: password });
  context.logger.info({ memberId: id, role: parsed.data.role }, 'staff account created');
  const change =
    'it must be changed at the first sign-in: POST /auth/login answers 403 ' +
    'new_password_required with a session, then POST /auth/complete-new-password';
  context.out.write(
    `created ${parsed.data.role} ${id} (${maskEmail(parsed.data.email)})\n` +
      (given === undefined
        ? `temporary password (shown once): ${password}\n${change}\n`
        : `temporary password: the one in STAFF_INITIAL_PASSWORD; ${change}\n`),
  );
  return 0;
}
