import { Body, Controller, Delete, HttpCode, Ip, Post } from '@nestjs/common';
import { AccessToken, CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Public } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import {
  AcceptedResponse,
  ChangePasswordDto,
  CompleteNewPasswordDto,
  ConfirmDto,
  ConfirmForgotPasswordDto,
  ForgotPasswordDto,
  LoginDto,
  RefreshDto,
  ResendCodeDto,
  SignUpDto,
  SignUpResponse,
  TokensResponse,
} from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { PASSWORD_POLICY_TEXT } from '../../platform/auth/password-policy.js';

const POLICY = `Password policy (the user pool's): ${PASSWORD_POLICY_TEXT}.`;
const CODE_REQUESTS =
  '429 too_many_code_requests with Retry-After after too many code requests for the email or ' +
  'from the client address (the limits of failed logins, counted apart), whether or not the ' +
  'account exists.';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('sign-up')
  @Public()
  @ApiDoc({
    summary: 'Sign up as a worker or a business; a confirmation code is sent by email',
    description: `${POLICY} 409 account_exists when the email is taken.`,
    tags: ['auth'],
    responses: { 201: { description: 'Created, not yet confirmed', schema: SignUpResponse } },
    problems: [409, 429, 503],
    idempotent: true,
  })
  signUp(@Body() body: SignUpDto): Promise<SignUpResponse> {
    return this.auth.signUp(body);
  }

  @Post('confirm')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Confirm a sign-up with the emailed code',
    description:
      'The member record is created with the role chosen at sign-up. Locally the code is printed on the stack console. 400 invalid_code or expired_code; POST /auth/resend-code sends another.',
    tags: ['auth'],
    responses: { 200: { description: 'Confirmed', schema: AcceptedResponse } },
    problems: [409, 429, 503],
  })
  confirm(@Body() body: ConfirmDto): Promise<AcceptedResponse> {
    return this.auth.confirm(body);
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Sign in with email and password',
    description:
      '401 invalid_credentials alike for an unknown email and a wrong password; 429 with ' +
      'Retry-After after too many failures for the email or from the client address. 403 ' +
      'new_password_required (with a `session`) for a temporary password: continue with ' +
      'POST /auth/complete-new-password. 403 password_reset_required for a migrated Firebase ' +
      'account whose old password is below the policy, once that password is proven: a reset ' +
      'code has been emailed; continue with POST /auth/confirm-forgot-password. A wrong ' +
      'password never gets either, only the 401.',
    tags: ['auth'],
    responses: { 200: { description: 'Signed in', schema: TokensResponse } },
    problems: [401, 403, 429, 503],
  })
  login(@Body() body: LoginDto, @Ip() ip: string): Promise<TokensResponse> {
    return this.auth.login(body, ip);
  }

  @Post('complete-new-password')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'First sign-in with a temporary password: set a password of your own, get tokens',
    description:
      'A staff account starts with a temporary password (cli members create-staff). Signing in ' +
      'with it answers 403 new_password_required with a `session` and no token; this call, with ' +
      'that session (valid 3 minutes), the email and a new password, sets the password and ' +
      'returns the tokens. 401 invalid_session when the session is over, used or not this ' +
      `email's: sign in again. ${POLICY}`,
    tags: ['auth'],
    responses: { 200: { description: 'Password set, signed in', schema: TokensResponse } },
    problems: [401, 429, 503],
  })
  completeNewPassword(
    @Body() body: CompleteNewPasswordDto,
    @Ip() ip: string,
  ): Promise<TokensResponse> {
    return this.auth.completeNewPassword(body, ip);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'New access and ID tokens for a refresh token',
    description: '401 invalid_refresh_token when it expired or the member signed out everywhere.',
    tags: ['auth'],
    responses: { 200: { description: 'Refreshed', schema: TokensResponse } },
    problems: [401, 429, 503],
  })
  refresh(@Body() body: RefreshDto): Promise<TokensResponse> {
    return this.auth.refresh(body);
  }

  @Post('logout')
  @Member()
  @HttpCode(204)
  @ApiDoc({
    summary: 'Sign out everywhere: refresh tokens die and access tokens are refused',
    description:
      'Every earlier access token of the member is refused by every API task within two seconds.',
    tags: ['auth'],
    responses: { 204: { description: 'Signed out' } },
    problems: [503],
  })
  logout(@CurrentPrincipal() principal: Principal, @AccessToken() token: string): Promise<void> {
    return this.auth.logout(principal, token);
  }

  @Post('forgot-password')
  @Public()
  @HttpCode(202)
  @ApiDoc({
    summary: 'Send a password reset code (the same answer whether or not the account exists)',
    description: CODE_REQUESTS,
    tags: ['auth'],
    responses: { 202: { description: 'Accepted', schema: AcceptedResponse } },
    problems: [429, 503],
  })
  forgotPassword(@Body() body: ForgotPasswordDto, @Ip() ip: string): Promise<AcceptedResponse> {
    return this.auth.forgotPassword(body, ip);
  }

  @Post('resend-code')
  @Public()
  @HttpCode(202)
  @ApiDoc({
    summary: 'Send the sign-up confirmation code again',
    description:
      'For an account signed up but not yet confirmed, a new code goes to its email (the ' +
      'previous one stops working); confirm with POST /auth/confirm. The same 202 for an ' +
      `unknown email and a confirmed account. ${CODE_REQUESTS}`,
    tags: ['auth'],
    responses: { 202: { description: 'Accepted', schema: AcceptedResponse } },
    problems: [429, 503],
  })
  resendCode(@Body() body: ResendCodeDto, @Ip() ip: string): Promise<AcceptedResponse> {
    return this.auth.resendCode(body, ip);
  }

  @Post('confirm-forgot-password')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Set a new password with the reset code',
    description: POLICY,
    tags: ['auth'],
    responses: { 200: { description: 'Password set', schema: AcceptedResponse } },
    problems: [429, 503],
  })
  confirmForgotPassword(@Body() body: ConfirmForgotPasswordDto): Promise<AcceptedResponse> {
    return this.auth.confirmForgotPassword(body);
  }

  @Post('change-password')
  @Member()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Change my password',
    description: `${POLICY} 400 wrong_password when the current password is not correct.`,
    tags: ['auth'],
    responses: { 200: { description: 'Password changed', schema: AcceptedResponse } },
    problems: [429, 503],
  })
  changePassword(
    @AccessToken() token: string,
    @Body() body: ChangePasswordDto,
  ): Promise<AcceptedResponse> {
    return this.auth.changePassword(token, body);
  }
}

@Controller('me')
export class AccountController {
  constructor(private readonly auth: AuthService) {}

  @Delete()
  @Member()
  @HttpCode(204)
  @ApiDoc({
    summary: 'Delete my account: the sign-in goes at once, the profile is marked withdrawn',
    description:
      'A worker leaves their shifts (applications withdrawn, assignments cancelled, the business hears of it). The personal data is destroyed after WITHDRAWN_MEMBER_RETENTION_DAYS.',
    tags: ['members'],
    responses: { 204: { description: 'Deleted' } },
    problems: [503],
    idempotent: true,
  })
  deleteMe(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.deleteAccount(principal);
  }
}
