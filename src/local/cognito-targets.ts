import { maskEmail } from '../privacy/masking.js';

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
}

function attributeOf(user: Json, name: string): string | undefined {
  return (user.Attributes as Json[] | undefined)?.find((a) => a.Name === name)?.Value as
    string | undefined;
}

/** The targets this stand-in serves instead of cognito-local; the rest go to its router. */
export function localCognitoTargets(internals: CognitoLocalInternals): Record<string, Handler> {
  return {
    GlobalSignOut: globalSignOut(internals),
    ResendConfirmationCode: resendConfirmationCode(internals),
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
/* eslint-enable @typescript-eslint/no-explicit-any */
