import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type AttributeType,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Logger } from 'pino';
import type { Role } from '../../platform/auth/principal.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import type {
  AuthTokens,
  CognitoAuth,
  CognitoUser,
  SignedIn,
  SignInResult,
} from './cognito-auth.port.js';
import { toDomainError, type CognitoOperation } from './cognito-errors.js';

export interface CognitoPool {
  userPoolId: string;
  clientId: string;
}

/** Set by the Firebase migration trigger (src/modules/legacy-auth) on the users it creates. */
const FIREBASE_UID_ATTRIBUTE = 'custom:firebase_uid';

function attribute(attributes: AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

/** The claims of a token Cognito just handed us over TLS (no need to verify our own answer). */
function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Cognito's answers to a code request that depend on the account: none (UserNotFound, or a
 * migration trigger that refused), confirmed already or without a verified address
 * (InvalidParameter), disabled (NotAuthorized), or asked too often (LimitExceeded, which Cognito
 * counts per account). The caller must not learn which, so each reads as "accepted"; our own
 * throttle (LoginThrottle.countCodeRequest) limits every address alike.
 */
const CODE_REQUEST_SILENT = new Set([
  'UserNotFoundException',
  'UserLambdaValidationException',
  'InvalidParameterException',
  'NotAuthorizedException',
  'LimitExceededException',
]);

async function sendingCode(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (CODE_REQUEST_SILENT.has((error as { name?: string }).name ?? '')) return;
    throw error;
  }
}

/** MFA and the like: no route of this API answers them. */
function unofferedChallenge(challenge: string | undefined): DomainError {
  return new DomainError(
    'forbidden',
    'challenge_required',
    'This account needs a sign-in step the API does not offer; contact support.',
    { challenge },
  );
}

/** `CognitoAuth` on the AWS SDK: Amazon Cognito in AWS, cognito-local in local mode and tests. */
export class AwsCognitoAuth implements CognitoAuth {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly pool: CognitoPool,
    private readonly logger: Logger,
  ) {}

  private async call<T>(operation: CognitoOperation, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const mapped = toDomainError(error, operation);
      if (mapped.kind === 'unavailable') {
        // Name and status only: Cognito's messages can repeat the email or phone we sent.
        const { name, $metadata } = error as {
          name?: string;
          $metadata?: { httpStatusCode?: number };
        };
        this.logger.error(
          { cognitoError: name, status: $metadata?.httpStatusCode, operation },
          'cognito call failed',
        );
      }
      throw mapped;
    }
  }

  signUp(input: { email: string; password: string; phone: string }): Promise<{ userSub: string }> {
    return this.call('signUp', async () => {
      const result = await this.client.send(
        new SignUpCommand({
          ClientId: this.pool.clientId,
          Username: input.email,
          Password: input.password,
          UserAttributes: [
            { Name: 'email', Value: input.email },
            { Name: 'phone_number', Value: input.phone },
          ],
        }),
      );
      if (!result.UserSub) throw new Error('SignUp returned no UserSub');
      return { userSub: result.UserSub };
    });
  }

  addToGroup(username: string, group: Role): Promise<void> {
    return this.call('admin', async () => {
      await this.client.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: this.pool.userPoolId,
          Username: username,
          GroupName: group,
        }),
      );
    });
  }

  confirmSignUp(email: string, code: string): Promise<void> {
    return this.call('confirmSignUp', async () => {
      await this.client.send(
        new ConfirmSignUpCommand({
          ClientId: this.pool.clientId,
          Username: email,
          ConfirmationCode: code,
        }),
      );
    });
  }

  getUser(usernameOrEmail: string): Promise<CognitoUser> {
    return this.call('admin', async () => {
      const user = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.pool.userPoolId, Username: usernameOrEmail }),
      );
      if (!user.Username) throw new Error('AdminGetUser returned no Username');
      return {
        username: user.Username,
        sub: attribute(user.UserAttributes, 'sub'),
        email: attribute(user.UserAttributes, 'email'),
        phone: attribute(user.UserAttributes, 'phone_number'),
        firebaseUid: attribute(user.UserAttributes, FIREBASE_UID_ATTRIBUTE),
      };
    });
  }

  exists(usernameOrEmail: string): Promise<boolean> {
    return this.call('admin', async () => {
      try {
        await this.client.send(
          new AdminGetUserCommand({ UserPoolId: this.pool.userPoolId, Username: usernameOrEmail }),
        );
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'UserNotFoundException') return false;
        throw error;
      }
    });
  }

  groupsOf(username: string): Promise<string[]> {
    return this.call('admin', async () => {
      const { Groups } = await this.client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: this.pool.userPoolId, Username: username }),
      );
      return (Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : []));
    });
  }

  login(email: string, password: string): Promise<SignInResult> {
    return this.call('login', async () => {
      const result = await this.client.send(
        new InitiateAuthCommand({
          ClientId: this.pool.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      if (result.AuthenticationResult) return this.signedIn(result.AuthenticationResult);
      if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED' && result.Session) {
        return { kind: 'new_password_required', session: result.Session };
      }
      throw unofferedChallenge(result.ChallengeName);
    });
  }

  completeNewPassword(email: string, session: string, newPassword: string): Promise<SignedIn> {
    return this.call('completeNewPassword', async () => {
      const result = await this.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: this.pool.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
        }),
      );
      if (!result.AuthenticationResult) throw unofferedChallenge(result.ChallengeName);
      return this.signedIn(result.AuthenticationResult);
    });
  }

  refresh(refreshToken: string): Promise<{ tokens: AuthTokens; userId: string }> {
    return this.call('refresh', async () => {
      const result = await this.client.send(
        new InitiateAuthCommand({
          ClientId: this.pool.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      if (!result.AuthenticationResult) throw new Error('REFRESH_TOKEN_AUTH returned a challenge');
      const tokens = this.tokensOf(result.AuthenticationResult);
      const access = claimsOf(tokens.accessToken);
      return { tokens, userId: text(access.sub) ?? text(access.username) ?? '' };
    });
  }

  globalSignOut(accessToken: string): Promise<void> {
    return this.call('signOut', async () => {
      await this.client.send(new GlobalSignOutCommand({ AccessToken: accessToken }));
    });
  }

  forgotPassword(email: string): Promise<void> {
    return this.call('forgotPassword', () =>
      sendingCode(() =>
        this.client.send(
          new ForgotPasswordCommand({ ClientId: this.pool.clientId, Username: email }),
        ),
      ),
    );
  }

  resendConfirmationCode(email: string): Promise<void> {
    return this.call('resendCode', () =>
      sendingCode(() =>
        this.client.send(
          new ResendConfirmationCodeCommand({ ClientId: this.pool.clientId, Username: email }),
        ),
      ),
    );
  }

  confirmForgotPassword(email: string, code: string, password: string): Promise<void> {
    return this.call('confirmForgotPassword', async () => {
      await this.client.send(
        new ConfirmForgotPasswordCommand({
          ClientId: this.pool.clientId,
          Username: email,
          ConfirmationCode: code,
          Password: password,
        }),
      );
    });
  }

  changePassword(accessToken: string, previous: string, proposed: string): Promise<void> {
    return this.call('changePassword', async () => {
      await this.client.send(
        new ChangePasswordCommand({
          AccessToken: accessToken,
          PreviousPassword: previous,
          ProposedPassword: proposed,
        }),
      );
    });
  }

  setEnabled(username: string, enabled: boolean): Promise<void> {
    return this.call('admin', async () => {
      const input = { UserPoolId: this.pool.userPoolId, Username: username };
      await this.client.send(
        enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input),
      );
    });
  }

  deleteUser(username: string): Promise<void> {
    return this.call('admin', async () => {
      try {
        await this.client.send(
          new AdminDeleteUserCommand({ UserPoolId: this.pool.userPoolId, Username: username }),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'UserNotFoundException') return;
        throw error;
      }
    });
  }

  createStaff(input: {
    email: string;
    temporaryPassword: string;
    group: Role;
  }): Promise<CognitoUser> {
    return this.call('admin', async () => {
      // A temporary password leaves the user FORCE_CHANGE_PASSWORD: Cognito issues no token until
      // its owner has chosen a password (the NEW_PASSWORD_REQUIRED challenge).
      return this.adminCreate(input.email, undefined, input.temporaryPassword, input.group);
    });
  }

  createMember(input: {
    email: string;
    phone: string;
    password: string;
    group: Role;
  }): Promise<CognitoUser> {
    return this.call('admin', async () => {
      const user = await this.adminCreate(input.email, input.phone, input.password, input.group);
      // Permanent: CONFIRMED, so the password signs in without the NEW_PASSWORD_REQUIRED step.
      await this.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.pool.userPoolId,
          Username: user.username,
          Password: input.password,
          Permanent: true,
        }),
      );
      return user;
    });
  }

  /**
   * A user with a verified email (and phone), a temporary password and a group. SUPPRESS: the
   * CLI shows the password once, and Cognito sends no invitation email.
   */
  private async adminCreate(
    email: string,
    phone: string | undefined,
    temporaryPassword: string,
    group: Role,
  ): Promise<CognitoUser> {
    const { User } = await this.client.send(
      new AdminCreateUserCommand({
        UserPoolId: this.pool.userPoolId,
        Username: email,
        TemporaryPassword: temporaryPassword,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
          ...(phone
            ? [
                { Name: 'phone_number', Value: phone },
                { Name: 'phone_number_verified', Value: 'true' },
              ]
            : []),
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    if (!User?.Username) throw new Error('AdminCreateUser returned no Username');
    await this.client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: this.pool.userPoolId,
        Username: User.Username,
        GroupName: group,
      }),
    );
    return {
      username: User.Username,
      sub: attribute(User.Attributes, 'sub'),
      email,
      phone,
      firebaseUid: undefined,
    };
  }

  /** Who the tokens are for, read from the tokens Cognito just issued. */
  private signedIn(result: AuthenticationResultType): SignedIn {
    const tokens = this.tokensOf(result);
    const access = claimsOf(tokens.accessToken);
    const id = claimsOf(tokens.idToken);
    const username = text(access.username) ?? text(id['cognito:username']) ?? '';
    const groups = access['cognito:groups'];
    return {
      kind: 'signed_in',
      tokens,
      identity: {
        id: text(access.sub) ?? username,
        username,
        groups: Array.isArray(groups) ? groups.filter((g) => typeof g === 'string') : [],
        email: text(id.email),
        phone: text(id.phone_number),
      },
    };
  }

  private tokensOf(result: AuthenticationResultType): AuthTokens {
    if (!result.AccessToken || !result.IdToken) throw new Error('Cognito returned no tokens');
    return {
      accessToken: result.AccessToken,
      idToken: result.IdToken,
      refreshToken: result.RefreshToken,
      expiresIn: result.ExpiresIn ?? 3600,
    };
  }
}
