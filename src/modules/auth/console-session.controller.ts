import { Body, Controller, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { AccessToken, CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Public } from '../../platform/auth/route-class.decorator.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { CompleteNewPasswordDto, ConsoleSessionResponse, LoginDto } from './auth.dto.js';
import { ConsoleSessions, type ConsoleSignIn } from './console-sessions.js';

/** The refresh token's cookie: httpOnly, SameSite=Strict, sent to these routes only. */
const CONSOLE_COOKIE = 'wm_console_refresh';
const COOKIE_PATH = '/auth/console';
/**
 * The header the console sends with every call here. A page of another site can make a browser
 * post a form (no custom header) but not send this header without a CORS preflight, which the
 * API never grants: with SameSite=Strict, the second guard against a cross-site refresh.
 */
const CONSOLE_HEADER = 'x-workmatch-console';

const SESSION =
  'The operator console’s session: the access token in the body, for the page to keep in ' +
  `memory; the refresh token only in the httpOnly cookie ${CONSOLE_COOKIE} (SameSite=Strict, ` +
  `Path=${COOKIE_PATH}, Secure in AWS), which scripts cannot read. 403 staff_only for a member ` +
  'who is not an operator or admin (no cookie is set).';

/**
 * Sign-in, refresh and sign-out for the operator console (console/). The refresh token never
 * reaches the page's scripts: a cookie the API sets and reads, on these routes only.
 */
@Controller('auth/console')
export class ConsoleSessionController {
  constructor(
    private readonly sessions: ConsoleSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Console: sign in with email and password (operators and admins)',
    description:
      `${SESSION} Otherwise as POST /auth/login: 401 invalid_credentials, 429 with ` +
      'Retry-After, 403 new_password_required with a `session` for a temporary password ' +
      '(continue with POST /auth/console/complete-new-password).',
    tags: ['auth'],
    responses: { 200: { description: 'Signed in', schema: ConsoleSessionResponse } },
    problems: [401, 403, 429, 503],
  })
  async login(
    @Body() body: LoginDto,
    @Ip() ip: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsoleSessionResponse> {
    return this.started(await this.sessions.login(body, ip), reply);
  }

  @Post('complete-new-password')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Console: a staff account’s first sign-in, setting a password of their own',
    description: `${SESSION} Otherwise as POST /auth/complete-new-password.`,
    tags: ['auth'],
    responses: { 200: { description: 'Password set, signed in', schema: ConsoleSessionResponse } },
    problems: [401, 403, 429, 503],
  })
  async completeNewPassword(
    @Body() body: CompleteNewPasswordDto,
    @Ip() ip: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsoleSessionResponse> {
    return this.started(await this.sessions.completeNewPassword(body, ip), reply);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Console: a new access token, from the session cookie',
    description:
      `Needs the cookie and the header \`${CONSOLE_HEADER}: 1\` (403 console_header_required ` +
      'without it). 401 console_session_missing without the cookie; 401 invalid_refresh_token ' +
      'when the session is over (signed out, expired), and the cookie is cleared; 403 ' +
      'staff_only when the member is no longer staff.',
    tags: ['auth'],
    responses: { 200: { description: 'Refreshed', schema: ConsoleSessionResponse } },
    problems: [401, 403, 429, 503],
  })
  async refresh(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsoleSessionResponse> {
    requireConsoleHeader(request);
    const refreshToken = request.server.parseCookie(request.headers.cookie ?? '')[CONSOLE_COOKIE];
    if (!refreshToken) {
      throw new DomainError('unauthorized', 'console_session_missing', 'Sign in to the console.');
    }
    try {
      return await this.sessions.refresh(refreshToken);
    } catch (error) {
      // A session that is over stays over: the browser forgets the cookie.
      if (error instanceof DomainError && ['unauthorized', 'forbidden'].includes(error.kind)) {
        this.clearCookie(reply);
      }
      throw error;
    }
  }

  @Post('logout')
  @Member()
  @HttpCode(204)
  @ApiDoc({
    summary: 'Console: sign out everywhere and forget the session cookie',
    description:
      'As POST /auth/logout (refresh tokens die, access tokens are refused), and the cookie is ' +
      `cleared. Needs the header \`${CONSOLE_HEADER}: 1\`.`,
    tags: ['auth'],
    responses: { 204: { description: 'Signed out' } },
    problems: [403, 503],
  })
  async logout(
    @CurrentPrincipal() principal: Principal,
    @AccessToken() token: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    requireConsoleHeader(request);
    this.clearCookie(reply);
    await this.sessions.logout(principal, token);
  }

  /** The cookie's attributes; clearing it must name the same path and flags as setting it. */
  private cookie() {
    const { secureCookie } = this.config.http.consoleSession;
    return { httpOnly: true, sameSite: 'strict', secure: secureCookie, path: COOKIE_PATH } as const;
  }

  private started(signIn: ConsoleSignIn, reply: FastifyReply): ConsoleSessionResponse {
    reply.setCookie(CONSOLE_COOKIE, signIn.refreshToken, {
      ...this.cookie(),
      maxAge: this.config.http.consoleSession.maxAgeSeconds,
    });
    return signIn.session;
  }

  private clearCookie(reply: FastifyReply): void {
    reply.clearCookie(CONSOLE_COOKIE, this.cookie());
  }
}

function requireConsoleHeader(request: FastifyRequest): void {
  if (request.headers[CONSOLE_HEADER] !== '1') {
    throw new DomainError(
      'forbidden',
      'console_header_required',
      `Send the header ${CONSOLE_HEADER}: 1 (the console does).`,
    );
  }
}
