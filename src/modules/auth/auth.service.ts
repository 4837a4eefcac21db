import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { MEMBER_IDS, type MemberIds } from '../../platform/auth/member-ids.js';
import { ROLES, type Principal, type Role } from '../../platform/auth/principal.js';
import { SessionRevocations } from '../../platform/auth/session-revocations.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import { maskEmail } from '../../platform/masking/masking.js';
import { WorkerExit } from '../assignments/worker-exit.js';
import { metrics } from '../../platform/metrics/metrics.js';
import { LEGACY_ACCOUNTS, type LegacyAccounts } from '../legacy-auth/legacy-accounts.port.js';
import {
  LEGACY_DATA_MIGRATION,
  type LegacyDataMigration,
} from '../legacy-auth/legacy-data.port.js';
import { MembersService } from '../members/members.service.js';
import {
  InvalidCredentialsError,
  InvalidSessionError,
  NewPasswordRequiredError,
  PasswordResetRequiredError,
  TooManyCodeRequestsError,
} from './auth.errors.js';
import type { CompleteNewPassword, Login } from './auth.schemas.js';
import {
  mapTokens,
  type AcceptedResponse,
  type ChangePassword,
  type Confirm,
  type ConfirmForgotPassword,
  type ForgotPassword,
  type Refresh,
  type ResendCode,
  type SignUp,
  type SignUpResponse,
  type TokensResponse,
} from './auth.dto.js';
import {
  COGNITO_AUTH,
  type CognitoAuth,
  type SignedIn,
  type SignInResult,
} from './cognito-auth.port.js';
import { LoginThrottle } from './login-throttle.js';
import type { z } from 'zod';

/** The most privileged role among a user's groups (a member normally has exactly one). */
export function roleFrom(groups: readonly string[]): Role | undefined {
  return [...ROLES].reverse().find((role) => groups.includes(role));
}

@Injectable()
export class AuthService {
  constructor(
    @Inject(COGNITO_AUTH) private readonly cognito: CognitoAuth,
    private readonly members: MembersService,
    private readonly throttle: LoginThrottle,
    private readonly revocations: SessionRevocations,
    @InjectLogger() private readonly logger: Logger,
    @Inject(LEGACY_ACCOUNTS) private readonly legacy: LegacyAccounts,
    @Optional() private readonly workerExit?: WorkerExit,
    @Optional() @Inject(MEMBER_IDS) private readonly memberIds?: MemberIds,
    @Optional()
    @Inject(LEGACY_DATA_MIGRATION)
    private readonly legacyData?: LegacyDataMigration,
  ) {}

  async signUp(input: z.output<typeof SignUp>): Promise<SignUpResponse> {
    const { userSub } = await this.cognito.signUp(input);
    metrics().count('SignUps', { Role: input.role });
    try {
      // By the real username (the sub): cognito-local does not resolve the email alias here.
      await this.cognito.addToGroup(userSub, input.role);
    } catch (error) {
      // No half-made account: without its role group the user could never be served.
      await this.cognito
        .deleteUser(userSub)
        .catch((cleanup: unknown) =>
          this.logger.error(
            { err: cleanup, userId: userSub },
            'could not remove a user left without a role',
          ),
        );
      throw error;
    }
    return {
      userId: userSub,
      confirmationRequired: true,
      delivery: { medium: 'EMAIL', destination: maskEmail(input.email) },
    };
  }

  async confirm(input: z.output<typeof Confirm>): Promise<AcceptedResponse> {
    await this.cognito.confirmSignUp(input.email, input.code);
    const user = await this.cognito.getUser(input.email);
    const role = roleFrom(await this.cognito.groupsOf(user.username));
    if (role && user.email) {
      await this.members.ensureProfile({
        id: user.sub ?? user.username,
        username: user.username,
        role,
        email: user.email,
        phone: user.phone,
      });
    } else {
      this.logger.warn(
        { userId: user.sub ?? user.username },
        'confirmed user has no role group or email',
      );
    }
    return { status: 'accepted' };
  }

  /**
   * Every refusal of a wrong password reads the same (401 invalid_credentials) and takes about
   * as long, whatever the account's state: unknown, normal, not yet migrated from Firebase, or
   * required to reset its password. Only the owner of an account's password learns more.
   */
  async login(input: z.output<typeof Login>, ip: string): Promise<TokensResponse> {
    await this.throttle.check(input.email, ip);
    let result: SignInResult;
    try {
      result = await this.cognito.login(input.email, input.password);
    } catch (error) {
      if (error instanceof PasswordResetRequiredError) return this.resetRequired(input, ip);
      if (error instanceof InvalidCredentialsError) await this.refused(input, ip);
      throw error;
    }
    await this.throttle.reset(input.email);
    // The temporary password of a staff account: no token before a password of their own.
    if (result.kind === 'new_password_required') throw new NewPasswordRequiredError(result.session);
    if (!roleFrom(result.identity.groups) && (await this.provisionMigrated(result))) {
      // Tokens carry the groups of the moment they were issued: sign in once more for ones that
      // carry the role just given. The first pair never leaves this process.
      result = await this.cognito.login(input.email, input.password);
      if (result.kind === 'new_password_required')
        throw new NewPasswordRequiredError(result.session);
    }
    return this.signedIn(result, input.email);
  }

  /**
   * A wrong password. For an email the pool does not hold, Cognito has just asked the Firebase
   * migration trigger, which paid one Firebase scrypt (on the real hash, or on a decoy); for an
   * account it holds it did not. Pay the same here then, so the time of this 401 does not tell
   * an existing account from an unknown email.
   */
  private async refused(input: z.output<typeof Login>, ip: string): Promise<void> {
    const known = await this.cognito.exists(input.email).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not look the user up after a failed login');
      return true;
    });
    if (known) await this.legacy.passwordMatches(input.email, input.password);
    await this.throttle.recordFailure(input.email, ip);
  }

  /**
   * Cognito answers PasswordResetRequired for a RESET_REQUIRED account whatever the password,
   * which would tell anyone the account exists and is a migrated one. Such an account came from
   * Firebase with a password below the pool's policy, so its Firebase hash tells whether the
   * caller is the owner: the owner gets 403 and a reset code at once, anyone else the usual 401
   * (after the same scrypt an unknown email costs).
   */
  private async resetRequired(input: z.output<typeof Login>, ip: string): Promise<never> {
    if (!(await this.legacy.passwordMatches(input.email, input.password))) {
      await this.throttle.recordFailure(input.email, ip);
      throw new InvalidCredentialsError();
    }
    try {
      await this.throttle.countCodeRequest(input.email, ip);
      await this.cognito.forgotPassword(input.email);
    } catch (error) {
      // A code went out a moment ago: the owner still hears that the password must be reset.
      if (!(error instanceof TooManyCodeRequestsError)) throw error;
    }
    throw new PasswordResetRequiredError(maskEmail(input.email));
  }

  /**
   * The first sign-in of an account the Firebase migration trigger created: Cognito's trigger
   * contract lets it set attributes but not groups, so the account has no role yet. It gets the
   * group its legacy record names and its member record (email, and phone when Firebase had
   * one) now, before the data migration brings the rest. Returns false for an account with no
   * group that did not come from Firebase (nothing to give it).
   */
  private async provisionMigrated({ identity }: SignedIn): Promise<boolean> {
    const user = await this.cognito.getUser(identity.username);
    const legacy = user.firebaseUid ? await this.legacy.profileOf(user.firebaseUid) : undefined;
    if (!legacy) {
      this.logger.warn({ userId: identity.id }, 'signed-in user has no role group');
      return false;
    }
    await this.cognito.addToGroup(identity.username, legacy.role);
    // The member keeps the Firebase uid as its id: the data migration writes its data under it,
    // before or after this sign-in; the link makes the Cognito user's tokens act as it.
    await this.members.ensureProfile({
      id: legacy.firebaseUid,
      username: identity.username,
      role: legacy.role,
      email: user.email ?? legacy.email,
      phone: legacy.phone,
    });
    await this.legacy.linkCognitoUser(legacy.firebaseUid, identity.id);
    // The data step: the member's profile, shifts and history from the old app, now (bounded;
    // it never fails the sign-in, and the daily batch brings what it does not).
    await this.legacyData?.migrateOnFirstSignIn(legacy.firebaseUid);
    this.logger.info(
      { memberId: legacy.firebaseUid, role: legacy.role },
      'migrated member given its role and profile',
    );
    return true;
  }

  /** The first sign-in's second step: the chosen password, and the tokens at last. */
  async completeNewPassword(
    input: z.output<typeof CompleteNewPassword>,
    ip: string,
  ): Promise<TokensResponse> {
    await this.throttle.check(input.email, ip);
    let result;
    try {
      result = await this.cognito.completeNewPassword(
        input.email,
        input.session,
        input.newPassword,
      );
    } catch (error) {
      if (error instanceof InvalidSessionError) await this.throttle.recordFailure(input.email, ip);
      throw error;
    }
    return this.signedIn(result, input.email);
  }

  /**
   * The tokens, once the member has a profile, unless staff blocked them: then the session just
   * made is ended and the answer is a wrong password's (as Cognito's own for a disabled user),
   * which tells no one the account exists.
   */
  private async signedIn({ identity, tokens }: SignedIn, email: string): Promise<TokensResponse> {
    const memberId = (await this.memberIds?.memberIdOf(identity.id)) ?? identity.id;
    if (await this.members.isBlocked(memberId)) {
      await this.endSession(tokens.accessToken, memberId);
      throw new InvalidCredentialsError();
    }
    const role = roleFrom(identity.groups);
    if (role) {
      await this.members.ensureProfile({
        id: memberId,
        username: identity.username,
        role,
        email: identity.email ?? email,
        phone: identity.phone,
      });
    }
    return mapTokens(tokens);
  }

  /** New tokens, unless the member was blocked since (Cognito refuses too, cognito-local not). */
  async refresh(input: z.output<typeof Refresh>): Promise<TokensResponse> {
    const { tokens, userId } = await this.cognito.refresh(input.refreshToken);
    const memberId = (await this.memberIds?.memberIdOf(userId)) ?? userId;
    if (await this.members.isBlocked(memberId)) {
      await this.endSession(tokens.accessToken, memberId);
      throw new DomainError('unauthorized', 'invalid_refresh_token', 'Sign in again.');
    }
    return mapTokens(tokens);
  }

  /** Signs out the tokens just issued to a blocked member (best effort: the block stands anyway). */
  private async endSession(accessToken: string, memberId: string): Promise<void> {
    await this.cognito
      .globalSignOut(accessToken)
      .catch((error: unknown) =>
        this.logger.warn({ err: error, memberId }, 'could not end a blocked member’s new session'),
      );
  }

  /** Global sign-out (refresh tokens die) and, for our verifier, every access token so far. */
  async logout(principal: Principal, accessToken: string): Promise<void> {
    try {
      await this.cognito.globalSignOut(accessToken);
    } finally {
      await this.revocations.revokeAllFor(principal.sub);
    }
  }

  async forgotPassword(
    input: z.output<typeof ForgotPassword>,
    ip: string,
  ): Promise<AcceptedResponse> {
    await this.throttle.countCodeRequest(input.email, ip);
    await this.cognito.forgotPassword(input.email);
    return { status: 'accepted' };
  }

  /** A new sign-up code for an unconfirmed account; the same answer for any other email. */
  async resendCode(input: z.output<typeof ResendCode>, ip: string): Promise<AcceptedResponse> {
    await this.throttle.countCodeRequest(input.email, ip);
    await this.cognito.resendConfirmationCode(input.email);
    return { status: 'accepted' };
  }

  async confirmForgotPassword(
    input: z.output<typeof ConfirmForgotPassword>,
  ): Promise<AcceptedResponse> {
    await this.cognito.confirmForgotPassword(input.email, input.code, input.password);
    return { status: 'accepted' };
  }

  async changePassword(
    accessToken: string,
    input: z.output<typeof ChangePassword>,
  ): Promise<AcceptedResponse> {
    await this.cognito.changePassword(accessToken, input.currentPassword, input.newPassword);
    return { status: 'accepted' };
  }

  /**
   * The Cognito user goes; the profile stays, marked withdrawn, until the retention period ends
   * (`cli retention purge`). Tokens already issued are void at once. A worker leaves their
   * shifts (the businesses hear of it) and their worker profile is marked withdrawn too.
   */
  async deleteAccount(principal: Principal, at: Date = new Date()): Promise<void> {
    await this.revocations.revokeAllFor(principal.sub, at);
    await this.cognito.deleteUser(principal.username);
    const { email } = await this.members.withdraw(principal.sub, at);
    // Else the Firebase migration trigger would recreate the account from the old password.
    if (email) await this.legacy.forget(email);
    if (principal.groups.includes('worker')) await this.workerExit?.leave(principal.sub, at);
  }
}
