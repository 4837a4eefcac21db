import { z } from 'zod';
import { meetsPasswordPolicy, PASSWORD_POLICY_TEXT } from '../../platform/auth/password-policy.js';
import { Email } from '../../platform/http/fields.js';
import { opaque } from '../../platform/http/text.js';

/*
 * The sign-in bodies as zod schemas and nothing else: the API's DTOs (auth.dto.ts) wrap them, and
 * the operator console's forms import them, so this file and what it imports stay plain
 * TypeScript and zod (no Nest, no Node module; the lint checks *.schemas.ts files).
 */

/** A new password: the user pool's policy, checked here as well as by Cognito. */
export const NewPassword = opaque(
  z.string().refine(meetsPasswordPolicy, {
    message: `The password does not meet the policy: ${PASSWORD_POLICY_TEXT}.`,
  }),
  'a password: passed to Cognito, never stored or logged by us',
);

/** An existing password: no policy (a migrated Firebase password may predate it). */
export const CurrentPassword = opaque(
  z.string().min(1).max(256),
  'a password: passed to Cognito, never stored or logged by us',
);

export const Login = z.object({ email: Email, password: CurrentPassword });

export const CompleteNewPassword = z.object({
  email: Email,
  session: opaque(
    z.string().min(1).max(4096),
    "Cognito's challenge session, passed back to it",
  ).meta({ description: 'The `session` of the 403 new_password_required answer' }),
  newPassword: NewPassword,
});
