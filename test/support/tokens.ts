import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

/**
 * Mints Cognito-shaped RS256 tokens with a key of our own, and publishes that key as a JWKS for
 * the verifier to trust: what a user pool does, minus the pool.
 */
export class TokenMint {
  readonly kid = `test-${randomUUID()}`;
  private readonly privateKey: KeyObject;
  readonly jwks: { keys: object[] };

  constructor(
    readonly userPoolId: string,
    readonly clientId: string,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.jwks = {
      keys: [{ ...publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }],
    };
  }

  get issuer(): string {
    const region = this.userPoolId.split('_')[0];
    return `https://cognito-idp.${region}.amazonaws.com/${this.userPoolId}`;
  }

  /** An access token for `sub` in `groups`; `claims` and `header` override anything. */
  access(
    sub: string,
    groups: string[] = [],
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): string {
    const now = Math.floor(Date.now() / 1000);
    return this.sign(
      {
        sub,
        username: sub,
        'cognito:groups': groups,
        iss: this.issuer,
        client_id: this.clientId,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        auth_time: now,
        iat: now,
        exp: now + 3600,
        jti: randomUUID(),
        ...claims,
      },
      header,
    );
  }

  sign(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const head = encode({ alg: 'RS256', kid: this.kid, typ: 'JWT', ...header });
    const body = encode(payload);
    const signature = createSign('RSA-SHA256')
      .update(`${head}.${body}`)
      .sign(this.privateKey, 'base64url');
    return `${head}.${body}.${signature}`;
  }
}
