import { z } from 'zod';
import { Email } from '../../platform/http/fields.js';
import { opaque } from '../../platform/http/text.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { CompleteNewPassword, CurrentPassword, Login, NewPassword } from './auth.schemas.js';
import type { AuthTokens } from './cognito-auth.port.js';

const Code = z.string().regex(/^\d{4,8}$/, { message: 'Expected the numeric code.' });

/** A Korean mobile number, `010-1234-5678`, `01012345678` or `+821012345678`; stored as E.164. */
const Phone = z
  .string()
  .trim()
  .meta({ pattern: '^(\\+82|0)1[016789][0-9 -]{7,11}$', example: '010-1234-5678' })
  .transform((v) => v.replace(/[\s-]/g, ''))
  .pipe(
    z.string().regex(/^(\+82|0)1[016789]\d{7,8}$/, {
      message: 'Expected a Korean mobile number such as 010-1234-5678.',
    }),
  )
  .transform((v) => (v.startsWith('+82') ? v : `+82${v.slice(1)}`));

export const SignUp = z.object({
  email: Email,
  password: NewPassword,
  phone: Phone,
  role: z.enum(['worker', 'business']),
});
export class SignUpDto extends zodDto(SignUp, {
  example: () => ({
    email: 'minsu.kim@example.com',
    password: 'Haneul-2026!pw',
    phone: '010-1234-5678',
    role: 'worker',
  }),
}) {}

export const SignUpResponse = z
  .object({
    userId: z.string(),
    confirmationRequired: z.literal(true),
    delivery: z.object({
      medium: z.literal('EMAIL'),
      destination: z.string().meta({ description: 'Masked: ab***@example.com' }),
    }),
  })
  .meta({ id: 'SignUpResult' });
export type SignUpResponse = z.infer<typeof SignUpResponse>;

export const Confirm = z.object({ email: Email, code: Code });
export class ConfirmDto extends zodDto(Confirm, {
  example: () => ({ email: 'minsu.kim@example.com', code: '482913' }),
}) {}

export class LoginDto extends zodDto(Login, {
  example: () => ({ email: 'minsu.kim@example.com', password: 'Haneul-2026!pw' }),
}) {}

export class CompleteNewPasswordDto extends zodDto(CompleteNewPassword, {
  example: () => ({
    email: 'ops.lee@workmatch.kr',
    session: 'AYABeC0Rq…(the session of the 403 answer)',
    newPassword: 'Bada-2026!secure',
  }),
}) {}

export const Refresh = z.object({
  refreshToken: opaque(z.string().min(1).max(8192), 'a Cognito refresh token, passed on'),
});
export class RefreshDto extends zodDto(Refresh, {
  example: () => ({
    refreshToken: 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ…',
  }),
}) {}

export const ForgotPassword = z.object({ email: Email });
export class ForgotPasswordDto extends zodDto(ForgotPassword, {
  example: () => ({ email: 'minsu.kim@example.com' }),
}) {}

export const ResendCode = z.object({ email: Email });
export class ResendCodeDto extends zodDto(ResendCode, {
  example: () => ({ email: 'minsu.kim@example.com' }),
}) {}

export const ConfirmForgotPassword = z.object({ email: Email, code: Code, password: NewPassword });
export class ConfirmForgotPasswordDto extends zodDto(ConfirmForgotPassword, {
  example: () => ({ email: 'minsu.kim@example.com', code: '715302', password: 'Sanbit-2026!pw' }),
}) {}

export const ChangePassword = z.object({
  currentPassword: CurrentPassword,
  newPassword: NewPassword,
});
export class ChangePasswordDto extends zodDto(ChangePassword, {
  example: () => ({ currentPassword: 'Haneul-2026!pw', newPassword: 'Sanbit-2026!pw' }),
}) {}

export const TokensResponse = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    idToken: z.string(),
    refreshToken: z.string().optional().meta({ description: 'On login only' }),
    expiresIn: z.number().int().meta({ description: 'Seconds the access token lives' }),
  })
  .meta({ id: 'Tokens' });
export type TokensResponse = z.infer<typeof TokensResponse>;

/** The operator console's session: no refresh token here (it is in an httpOnly cookie). */
export const ConsoleSessionResponse = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    expiresIn: z.number().int().meta({ description: 'Seconds the access token lives' }),
    staff: z.object({
      id: z.string().meta({ description: 'The member id (Cognito sub)' }),
      role: z.enum(['operator', 'admin']),
    }),
  })
  .meta({ id: 'ConsoleSession' });
export type ConsoleSessionResponse = z.infer<typeof ConsoleSessionResponse>;

export function mapTokens(tokens: AuthTokens): TokensResponse {
  return {
    tokenType: 'Bearer',
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    expiresIn: tokens.expiresIn,
  };
}

export const AcceptedResponse = z
  .object({ status: z.literal('accepted') })
  .meta({ id: 'Accepted' });
export type AcceptedResponse = z.infer<typeof AcceptedResponse>;
