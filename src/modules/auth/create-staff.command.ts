import { commandAudit } from '../../platform/audit/audit-log.js';
import { z } from 'zod';
import { createCognitoClient } from '../../platform/aws/clients.js';
import { defineCommand, readCommandArgs, usageError } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import type { Privacy } from '../../privacy/privacy.js';
import { maskEmail } from '../../platform/masking/masking.js';
import { MembersService } from '../members/members.service.js';
import { AwsCognitoAuth } from './aws-cognito-auth.js';
import type { CognitoAuth } from './cognito-auth.port.js';
import { generatePassword } from '../../platform/auth/generate-password.js';
import { meetsPasswordPolicy, PASSWORD_POLICY_TEXT } from '../../platform/auth/password-policy.js';
import { StaffAccounts } from './staff-accounts.js';

const Args = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  role: z.enum(['operator', 'admin']),
});

export const CREATE_STAFF_COMMAND = defineCommand({
  name: 'members create-staff',
  summary: 'create an operator or admin (never through a public route)',
  description: `
Creates the Cognito user (in the operator or admin group) and its member record. The account
starts with a temporary password: $STAFF_INITIAL_PASSWORD when set (not printed), else a
generated one printed once. Its first sign-in (POST /auth/login) answers 403
new_password_required with a session; POST /auth/complete-new-password sets the owner's own.`,
  options: {
    email: { type: 'string', value: '<address>', required: true, description: 'their email' },
    role: { type: 'string', value: 'operator|admin', required: true, description: 'the role' },
  },
  examples: ['npm run cli -- members create-staff --email ops.kim@example.com --role operator'],
});

export interface CreateStaffContext extends DatabaseCommandContext {
  /** The privacy layer (the members' personal data codec), opened on first use. */
  privacy: () => Promise<Privacy>;
  /** Tests pass a port of their own; by default, Cognito as configured. */
  cognito?: CognitoAuth;
}

/** `cli members create-staff`: an operator or admin, never through a public route. */
export async function createStaff(context: CreateStaffContext): Promise<number> {
  const args = readCommandArgs(CREATE_STAFF_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const parsed = Args.safeParse(args.values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`);
    return usageError(CREATE_STAFF_COMMAND, context.err, problems.join('\n'));
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
  const staff = new StaffAccounts(cognito, MembersService.open(context.db, personalData));
  const { id } = await staff.create({ ...parsed.data, temporaryPassword: password });
  context.logger.info({ memberId: id, role: parsed.data.role }, 'staff account created');
  await commandAudit(context).record({
    action: 'staff.account.created',
    actor: { type: 'cli' },
    subject: { type: 'member', id },
    outcome: 'created',
    details: { command: 'members create-staff', role: parsed.data.role },
  });
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
