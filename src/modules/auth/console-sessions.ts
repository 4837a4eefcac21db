import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { platformRole } from '../../platform/auth/access.js';
import type { Principal } from '../../platform/auth/principal.js';
import { TokenVerifier } from '../../platform/auth/token-verifier.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import type { ConsoleSessionResponse, TokensResponse } from './auth.dto.js';
import type { CompleteNewPassword, Login } from './auth.schemas.js';
import { AuthService } from './auth.service.js';

/** A console session as it is handed out: the body for the page, the cookie's value apart. */
export interface ConsoleSignIn {
  session: ConsoleSessionResponse;
  /** For the httpOnly cookie only: never in a body. */
  refreshToken: string;
}

/**
 * The operator console's sessions (docs/console.md): the sign-in flows of {@link AuthService},
 * for staff only, with the refresh token kept out of every response body. The access token the
 * page holds in memory is the same Cognito access token every route checks.
 */
@Injectable()
export class ConsoleSessions {
  constructor(
    private readonly auth: AuthService,
    private readonly verifier: TokenVerifier,
  ) {}

  async login(input: z.output<typeof Login>, ip: string): Promise<ConsoleSignIn> {
    return this.signedIn(await this.auth.login(input, ip));
  }

  /** A staff account's first sign-in: the password of their own, then the session. */
  async completeNewPassword(
    input: z.output<typeof CompleteNewPassword>,
    ip: string,
  ): Promise<ConsoleSignIn> {
    return this.signedIn(await this.auth.completeNewPassword(input, ip));
  }

  /** A new access token for the cookie's refresh token, as long as its owner is still staff. */
  async refresh(refreshToken: string): Promise<ConsoleSessionResponse> {
    return this.staffOnly(await this.auth.refresh({ refreshToken }));
  }

  logout(principal: Principal, accessToken: string): Promise<void> {
    return this.auth.logout(principal, accessToken);
  }

  private async signedIn(tokens: TokensResponse): Promise<ConsoleSignIn> {
    const session = await this.staffOnly(tokens);
    // Cognito hands one out on every sign-in; its absence would be a broken pool client.
    if (!tokens.refreshToken) throw new Error('Cognito returned no refresh token on sign-in');
    return { session, refreshToken: tokens.refreshToken };
  }

  /**
   * The session a staff member's tokens make; a member of another role gets nothing (the tokens
   * are dropped here, never sent), so the console cannot become a worker's way in.
   */
  private async staffOnly(tokens: TokensResponse): Promise<ConsoleSessionResponse> {
    const principal = await this.verifier.verify(tokens.accessToken);
    const role = platformRole(principal);
    if (!role) {
      throw new DomainError('forbidden', 'staff_only', 'The console is for operators and admins.');
    }
    return {
      tokenType: 'Bearer',
      accessToken: tokens.accessToken,
      expiresIn: tokens.expiresIn,
      staff: { id: principal.sub, role },
    };
  }
}
