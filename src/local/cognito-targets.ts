import { randomUUID } from 'node:crypto';
import { meetsPasswordPolicy } from '../platform/auth/password-policy.js';
import { maskEmail } from '../platform/masking/masking.js';

/**
 * Where cognito-local 5.3.0 lacks an API operation our code calls, or answers it unlike Amazon
 * Cognito, the local stand-in serves that target itself (before cognito-local's router), on
 * cognito-local's own user pool store. Each one is written to what Cognito does, so production
 * code runs unchanged against it; nothing here is reached in AWS.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- cognito-local's internals are untyped CJS */
type Json = Record<string, any>;
type Handler = (ctx: Json, req: Json) => Promise<Json>;

export interface CognitoLocalInternals {
  /** cognito-local's CognitoService (pools by client id). */
  cognito: any;
  /** cognito-local's MessagesService: delivers codes through the stack's code log. */
  messages: any;
  /** cognito-local's code generator. */
  otp: () => string;
  clock: { get(): Date };
  /** cognito-local's `errors` module (its exception classes carry the Cognito error names). */
  errors: any;
  /** cognito-local's own handler of a target, for the targets served here around it. */
  router: (target: string) => Handler;
  /** The pool's region, as trigger events carry it. */
  region: string;
  /** Invokes the pool's Migrate user function with an event; its `response`, or it throws. */
  userMigration?: (event: Json) => Promise<Json>;
}

/** How long Cognito honours a challenge's session (the app client's default AuthSessionValidity). */
const CHALLENGE_SESSION_MS = 3 * 60 * 1000;

function attributeOf(user: Json, name: string): string | undefined {
  return (user.Attributes as Json[] | undefined)?.find((a) => a.Name === name)?.Value as
    string | undefined;
}

/** The targets this stand-in serves instead of cognito-local; the rest go to its router. */
export function localCognitoTargets(internals: CognitoLocalInternals): Record<string, Handler> {
  const sessions = new ChallengeSessions(internals.clock);
  return {
    GlobalSignOut: globalSignOut(internals),
    ResendConfirmationCode: resendConfirmationCode(internals),
    InitiateAuth: initiateAuth(internals, sessions),
    RespondToAuthChallenge: respondToAuthChallenge(internals, sessions),
    ForgotPassword: forgotPassword(internals),
  };
}

/**
 * The sessions of NEW_PASSWORD_REQUIRED challenges this stand-in handed out: cognito-local
 * mints a uuid and never checks it again, so any string would set any such user's password.
 * Cognito binds a session to the user who proved the temporary password, for three minutes.
 */
class ChallengeSessions {
  private readonly open = new Map<string, { username: string; expiresAt: number }>();

  constructor(private readonly clock: { get(): Date }) {}

  add(session: string, username: string): void {
    const now = this.clock.get().getTime();
    for (const [key, entry] of this.open) if (entry.expiresAt <= now) this.open.delete(key);
    this.open.set(session, { username, expiresAt: now + CHALLENGE_SESSION_MS });
  }

  isFor(session: string | undefined, username: string): boolean {
    const entry = session === undefined ? undefined : this.open.get(session);
    return entry?.username === username && entry.expiresAt > this.clock.get().getTime();
  }

  end(session: string): void {
    this.open.delete(session);
  }
}

/**
 * cognito-local answers a FORCE_CHANGE_PASSWORD user with the NEW_PASSWORD_REQUIRED challenge
 * before it looks at the password, so anyone who knows the email gets the challenge. Cognito
 * checks the temporary password first: a wrong one is NotAuthorizedException, like any wrong
 * password. The session of the challenge it does hand out is remembered for the answer.
 */
function initiateAuth(
  { cognito, errors, router }: CognitoLocalInternals,
  sessions: ChallengeSessions,
): Handler {
  const original = router('InitiateAuth');
  return async (ctx, req) => {
    const username = req.AuthParameters?.USERNAME as string | undefined;
    if (req.AuthFlow === 'USER_PASSWORD_AUTH' && username) {
      const userPool = await cognito.getUserPoolForClientId(ctx, req.ClientId);
      const user = await userPool.getUserByUsername(ctx, username);
      if (
        user?.UserStatus === 'FORCE_CHANGE_PASSWORD' &&
        user.Password !== req.AuthParameters?.PASSWORD
      ) {
        throw new errors.NotAuthorizedError('Incorrect username or password.');
      }
    }
    const result = await original(ctx, req);
    if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED' && result.Session) {
      sessions.add(result.Session, result.ChallengeParameters.USER_ID_FOR_SRP);
    }
    return result;
  };
}

/**
 * NEW_PASSWORD_REQUIRED as Cognito answers it: only with the session of the sign-in that proved
 * the temporary password, for that user, once; a new password below the pool's policy is
 * InvalidPasswordException (cognito-local takes any). And the refresh token it issues is stored,
 * which cognito-local forgets here, so it refreshes as one from a sign-in does.
 */
function respondToAuthChallenge(
  { cognito, errors, router }: CognitoLocalInternals,
  sessions: ChallengeSessions,
): Handler {
  const original = router('RespondToAuthChallenge');
  return async (ctx, req) => {
    if (req.ChallengeName !== 'NEW_PASSWORD_REQUIRED') return original(ctx, req);
    const userPool = await cognito.getUserPoolForClientId(ctx, req.ClientId);
    const username = req.ChallengeResponses?.USERNAME as string | undefined;
    const user = username ? await userPool.getUserByUsername(ctx, username) : undefined;
    if (
      !user ||
      user.UserStatus !== 'FORCE_CHANGE_PASSWORD' ||
      !sessions.isFor(req.Session, user.Username)
    ) {
      throw new errors.NotAuthorizedError('Invalid session for the user.');
    }
    if (!meetsPasswordPolicy(String(req.ChallengeResponses?.NEW_PASSWORD ?? ''))) {
      throw new errors.InvalidPasswordError();
    }
    const result = await original(ctx, req);
    sessions.end(req.Session);
    const refreshToken = result.AuthenticationResult?.RefreshToken as string | undefined;
    if (refreshToken) {
      const changed = await userPool.getUserByUsername(ctx, user.Username);
      await userPool.storeRefreshToken(ctx, refreshToken, changed);
    }
    return result;
  };
}

/**
 * cognito-local has no GlobalSignOut (it answers 500 "unsupported"). This one does what
 * Cognito's does to the refresh tokens: drops every one of the token's user, so they stop
 * working. Like cognito-local's own GetUser, it reads the token without verifying it.
 */
function globalSignOut({ cognito, errors }: CognitoLocalInternals): Handler {
  return async (ctx, req) => {
    const payload = (req.AccessToken as string | undefined)?.split('.')[1];
    const claims = payload
      ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json)
      : undefined;
    if (!claims?.client_id || !claims.username) throw new errors.NotAuthorizedError();
    const userPool = await cognito.getUserPoolForClientId(ctx, claims.client_id);
    const user = await userPool.getUserByUsername(ctx, claims.username);
    if (!user) throw new errors.NotAuthorizedError();
    await userPool.saveUser(ctx, { ...user, RefreshTokens: [] });
    return {};
  };
}

/**
 * cognito-local has no ResendConfirmationCode. Cognito's: a new code for an unconfirmed user,
 * sent where the sign-up code went (the old one stops working); `UserNotFoundException` for an
 * unknown username and `InvalidParameterException` for a user already confirmed. The
 * destination comes back masked, as Cognito masks it.
 */
function resendConfirmationCode({
  cognito,
  messages,
  otp,
  clock,
  errors,
}: CognitoLocalInternals): Handler {
  return async (ctx, req) => {
    const userPool = await cognito.getUserPoolForClientId(ctx, req.ClientId);
    const user = req.Username ? await userPool.getUserByUsername(ctx, req.Username) : undefined;
    if (!user) throw new errors.UserNotFoundError('Username/client id combination not found.');
    if (user.UserStatus !== 'UNCONFIRMED') {
      throw new errors.InvalidParameterError('User is already confirmed.');
    }
    const email = attributeOf(user, 'email');
    if (!email) throw new errors.InvalidParameterError('User has no email to send a code to.');
    const delivery = { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: email };
    const code = otp();
    await messages.deliver(
      ctx,
      'ResendCode',
      req.ClientId,
      userPool.options.Id,
      user,
      code,
      req.ClientMetadata,
      delivery,
    );
    await userPool.saveUser(ctx, {
      ...user,
      ConfirmationCode: code,
      UserLastModifiedDate: clock.get(),
    });
    return { CodeDeliveryDetails: { ...delivery, Destination: maskEmail(email) } };
  };
}
/**
 * Cognito asks the Migrate user trigger (`UserMigration_ForgotPassword`, no password) when
 * ForgotPassword names a user the pool does not hold, creates the user from its answer, then
 * sends the reset code; cognito-local calls the trigger on sign-in only. Without the trigger, or
 * when it refuses, the user is unknown (UserNotFoundException), as Cognito answers.
 */
function forgotPassword({
  cognito,
  errors,
  router,
  clock,
  region,
  userMigration,
}: CognitoLocalInternals): Handler {
  const original = router('ForgotPassword');
  return async (ctx, req) => {
    const username = req.Username as string | undefined;
    if (!userMigration || !username) return original(ctx, req);
    const userPool = await cognito.getUserPoolForClientId(ctx, req.ClientId);
    if (await userPool.getUserByUsername(ctx, username)) return original(ctx, req);
    const response = await userMigration({
      version: '1',
      triggerSource: 'UserMigration_ForgotPassword',
      region,
      userPoolId: userPool.options.Id,
      userName: username,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: req.ClientId ?? null },
      request: { clientMetadata: req.ClientMetadata ?? null },
      response: {},
    }).catch(() => undefined);
    if (!response) throw new errors.UserNotFoundError();
    const now = clock.get();
    // As cognito-local's own sign-in migration stores a migrated user (no `sub`: standins.md §1).
    await userPool.saveUser(ctx, {
      Attributes: Object.entries((response.userAttributes ?? {}) as Record<string, string>).map(
        ([Name, Value]) => ({ Name, Value }),
      ),
      Enabled: true,
      UserCreateDate: now,
      UserLastModifiedDate: now,
      Username: randomUUID(),
      UserStatus: response.finalUserStatus ?? 'RESET_REQUIRED',
      RefreshTokens: [],
    });
    return original(ctx, req);
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
