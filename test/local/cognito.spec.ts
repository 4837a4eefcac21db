import crypto from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, loadConfig, type AppConfig } from '../../src/config/config.js';
import {
  cognitoSeedFrom,
  startCognitoLocal,
  type CognitoLocalHandle,
} from '../../src/local/cognito.js';
import { freePort } from '../../src/local/ports.js';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import { tempDir } from './support.js';
import { pino } from 'pino';
import { SessionRevocations } from '../../src/platform/auth/session-revocations.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';

const PASSWORD = 'Passw0rd!local';

function decode(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

/** RS256 check against the pool's JWKS, the way any verifier does it once it holds the keys. */
function verifiesWith(token: string, jwks: { keys: Array<crypto.JsonWebKey & { kid?: string }> }) {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const { kid } = decode(token).header;
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  return crypto.verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    crypto.createPublicKey({ key: jwk, format: 'jwk' }),
    Buffer.from(signature, 'base64url'),
  );
}

describe('cognito-local stand-in', () => {
  let dir: string;
  let port: number;
  let config: AppConfig;
  let cognito: CognitoLocalHandle | undefined;
  let sut: CognitoIdentityProviderClient;
  /** What cognito-local "sent": `code <digits> for user <username> (<masked address>)`. */
  const lines: string[] = [];
  const codeFor = (username: string) =>
    lines.findLast((l) => l.includes(`for user ${username} `))?.match(/^code (\d+) /)?.[1];

  const start = async () => {
    cognito = await startCognitoLocal({
      dir,
      port,
      seed: cognitoSeedFrom(config),
      log: (line) => lines.push(line),
    });
  };

  beforeAll(async () => {
    dir = await tempDir();
    port = await freePort();
    config = loadConfig({ APP_MODE: 'local', LOCAL_COGNITO_PORT: String(port), DATA_DIR: dir });
    sut = createCognitoClient(config);
    await start();
  });

  afterAll(async () => {
    sut?.destroy();
    await cognito?.close();
  });

  it('seeds a pool whose id looks like an AWS pool id, with email as the username', async () => {
    const { UserPool } = await sut.send(
      new DescribeUserPoolCommand({ UserPoolId: LOCAL_DEFAULTS.userPoolId }),
    );

    expect(UserPool?.Id).toBe('us-east-1_LocalPool1');
    expect(UserPool?.Id).toMatch(/^[\w-]+_[0-9a-zA-Z]+$/); // aws-jwt-verify's own pattern
    expect(UserPool?.UsernameAttributes).toEqual(['email']);
  });

  it('seeds the app client with the fixed id and password + refresh flows', async () => {
    const { UserPoolClient } = await sut.send(
      new DescribeUserPoolClientCommand({
        UserPoolId: LOCAL_DEFAULTS.userPoolId,
        ClientId: LOCAL_DEFAULTS.clientId,
      }),
    );

    expect(UserPoolClient?.ClientId).toBe('workmatchlocalclient0000001');
    expect(UserPoolClient?.ExplicitAuthFlows).toEqual(
      expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    );
  });

  it('seeds one group per member role', async () => {
    const { Groups } = await sut.send(
      new ListGroupsCommand({ UserPoolId: LOCAL_DEFAULTS.userPoolId }),
    );

    expect(Groups?.map((g) => g.GroupName).sort()).toEqual([
      'admin',
      'business',
      'operator',
      'worker',
    ]);
  });

  it("issues tokens with real Cognito's issuer, the client as audience and the groups, signed by the pool's JWKS", async () => {
    const email = 'kim@example.com';
    await sut.send(
      new AdminCreateUserCommand({
        UserPoolId: LOCAL_DEFAULTS.userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    await sut.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: LOCAL_DEFAULTS.userPoolId,
        Username: email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const user = await sut.send(
      new AdminGetUserCommand({ UserPoolId: LOCAL_DEFAULTS.userPoolId, Username: email }),
    );
    await sut.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: LOCAL_DEFAULTS.userPoolId,
        Username: user.Username,
        GroupName: 'worker',
      }),
    );

    const { AuthenticationResult: tokens } = await sut.send(
      new InitiateAuthCommand({
        ClientId: LOCAL_DEFAULTS.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    const id = decode(tokens?.IdToken ?? '');
    const access = decode(tokens?.AccessToken ?? '');
    const jwks = (await (
      await fetch(`${cognito?.url}/${LOCAL_DEFAULTS.userPoolId}/.well-known/jwks.json`)
    ).json()) as { keys: Array<crypto.JsonWebKey & { kid?: string }> };

    const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_LocalPool1';
    expect(id.payload).toMatchObject({
      iss: issuer,
      aud: LOCAL_DEFAULTS.clientId,
      token_use: 'id',
      email,
      'cognito:groups': ['worker'],
    });
    expect(access.payload).toMatchObject({
      iss: issuer,
      client_id: LOCAL_DEFAULTS.clientId,
      token_use: 'access',
      'cognito:groups': ['worker'],
    });
    expect(id.header.alg).toBe('RS256');
    expect(verifiesWith(tokens?.IdToken ?? '', jwks)).toBe(true);
    expect(verifiesWith(tokens?.AccessToken ?? '', jwks)).toBe(true);
    expect(tokens?.RefreshToken).toBeTruthy();

    // The API's own verifier (aws-jwt-verify, JWKS loaded over http in local mode) accepts the
    // access token and refuses the ID token where an access token is required.
    const verifier = new TokenVerifier(
      loadConfig({ COGNITO_ENDPOINT: cognito?.url }),
      new SessionRevocations(
        { changedSince: async () => [], revoke: async () => undefined } as never,
        pino({ level: 'silent' }),
      ),
      pino({ level: 'silent' }),
    );
    await expect(verifier.verify(tokens?.AccessToken ?? '')).resolves.toMatchObject({
      username: user.Username,
      groups: ['worker'],
    });
    await expect(verifier.verify(tokens?.IdToken ?? '')).rejects.toMatchObject({
      reason: 'token_invalid',
    });
  });

  it('keeps users, memberships and the seed across a restart on the same directory', async () => {
    await cognito?.close();
    await start();

    const { AuthenticationResult: tokens } = await sut.send(
      new InitiateAuthCommand({
        ClientId: LOCAL_DEFAULTS.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'kim@example.com', PASSWORD },
      }),
    );
    const { Groups } = await sut.send(
      new ListGroupsCommand({ UserPoolId: LOCAL_DEFAULTS.userPoolId }),
    );

    expect(decode(tokens?.IdToken ?? '').payload['cognito:groups']).toEqual(['worker']);
    expect(Groups).toHaveLength(4);
  });

  describe('ResendConfirmationCode (which cognito-local lacks; the stand-in adds it as Cognito has it)', () => {
    const signUp = async (email: string) =>
      (
        await sut.send(
          new SignUpCommand({
            ClientId: LOCAL_DEFAULTS.clientId,
            Username: email,
            Password: PASSWORD,
            UserAttributes: [{ Name: 'email', Value: email }],
          }),
        )
      ).UserSub ?? '';

    it('sends an unconfirmed user a new code, which confirms the account; the old one no longer does', async () => {
      const userSub = await signUp('resend.me@example.com');
      const first = codeFor(userSub);

      const result = await sut.send(
        new ResendConfirmationCodeCommand({
          ClientId: LOCAL_DEFAULTS.clientId,
          Username: 'resend.me@example.com',
        }),
      );

      expect(result.CodeDeliveryDetails).toEqual({
        AttributeName: 'email',
        DeliveryMedium: 'EMAIL',
        Destination: 're***@example.com',
      });
      const second = codeFor(userSub);
      expect(second).toMatch(/^\d{6}$/);
      expect(lines.at(-1)).toBe(`code ${second} for user ${userSub} (re***@example.com)`);
      if (first !== second) {
        await expect(
          sut.send(
            new ConfirmSignUpCommand({
              ClientId: LOCAL_DEFAULTS.clientId,
              Username: 'resend.me@example.com',
              ConfirmationCode: first,
            }),
          ),
        ).rejects.toMatchObject({ name: 'CodeMismatchException' });
      }
      await sut.send(
        new ConfirmSignUpCommand({
          ClientId: LOCAL_DEFAULTS.clientId,
          Username: 'resend.me@example.com',
          ConfirmationCode: second,
        }),
      );
    });

    it('answers an unknown user with UserNotFoundException and a confirmed one with InvalidParameterException', async () => {
      await expect(
        sut.send(
          new ResendConfirmationCodeCommand({
            ClientId: LOCAL_DEFAULTS.clientId,
            Username: 'nobody.at.all@example.com',
          }),
        ),
      ).rejects.toMatchObject({ name: 'UserNotFoundException' });
      await expect(
        sut.send(
          new ResendConfirmationCodeCommand({
            ClientId: LOCAL_DEFAULTS.clientId,
            Username: 'kim@example.com',
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
  });

  describe('a user created with a temporary password (FORCE_CHANGE_PASSWORD), as Cognito treats one', () => {
    const TEMPORARY = 'Temp-passw0rd!';
    const email = 'staff.first@example.com';
    const initiate = (password: string) =>
      sut.send(
        new InitiateAuthCommand({
          ClientId: LOCAL_DEFAULTS.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
    const respond = (session: string, password: string, username = email) =>
      sut.send(
        new RespondToAuthChallengeCommand({
          ClientId: LOCAL_DEFAULTS.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
        }),
      );

    beforeAll(async () => {
      await sut.send(
        new AdminCreateUserCommand({
          UserPoolId: LOCAL_DEFAULTS.userPoolId,
          Username: email,
          TemporaryPassword: TEMPORARY,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
          MessageAction: 'SUPPRESS',
        }),
      );
    });

    it('refuses a wrong temporary password with NotAuthorizedException, not with the challenge', async () => {
      await expect(initiate('Not-the-temp1!')).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
    });

    it('answers the temporary password with the NEW_PASSWORD_REQUIRED challenge and no tokens', async () => {
      const result = await initiate(TEMPORARY);

      expect(result.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
      expect(result.Session).toBeTruthy();
      expect(result.AuthenticationResult).toBeUndefined();
    });

    it('takes a new password only with the session of that sign-in, and only one meeting the policy', async () => {
      const { Session: session } = await initiate(TEMPORARY);

      await expect(respond('invented-session', 'Chosen-passw0rd!')).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
      await expect(respond(session ?? '', 'weak')).rejects.toMatchObject({
        name: 'InvalidPasswordException',
      });
      await expect(
        respond(session ?? '', 'Chosen-passw0rd!', 'kim@example.com'),
      ).rejects.toMatchObject({ name: 'NotAuthorizedException' });
      const done = await respond(session ?? '', 'Chosen-passw0rd!');

      expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
      // Used: the same session sets no second password.
      await expect(respond(session ?? '', 'Second-passw0rd!')).rejects.toMatchObject({
        name: 'NotAuthorizedException',
      });
      // Its refresh token works, as one from a sign-in does.
      await expect(
        sut.send(
          new InitiateAuthCommand({
            ClientId: LOCAL_DEFAULTS.clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: done.AuthenticationResult?.RefreshToken ?? '' },
          }),
        ),
      ).resolves.toMatchObject({ AuthenticationResult: expect.anything() });
      const user = await sut.send(
        new AdminGetUserCommand({ UserPoolId: LOCAL_DEFAULTS.userPoolId, Username: email }),
      );
      expect(user.UserStatus).toBe('CONFIRMED');
      await expect(initiate(TEMPORARY)).rejects.toMatchObject({ name: 'InvalidPasswordException' });
      await expect(initiate('Chosen-passw0rd!')).resolves.toMatchObject({
        AuthenticationResult: expect.anything(),
      });
    });
  });
});
