import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { AWS_LIKE_ENV } from '../../../test/support/test-api.js';
import { TokenMint } from '../../../test/support/tokens.js';
import { loadConfig } from '../../config/config.js';
import type { MemberIds } from './member-ids.js';
import type { SessionRevocations } from './session-revocations.js';
import { TokenVerifier } from './token-verifier.js';

const config = loadConfig({
  ...AWS_LIKE_ENV,
  DATA_DIR: '/tmp/unused',
  EMBEDDED_DB_DIR: '/tmp/unused/db',
  FIELD_KEYS_DIR: '/tmp/unused/keys',
});
const mint = new TokenMint(config.aws.cognito.userPoolId, config.aws.cognito.clientId);
const notRevoked = { isRevoked: () => false } as unknown as SessionRevocations;

function verifierWith(memberIds?: MemberIds) {
  const verifier = new TokenVerifier(config, notRevoked, pino({ level: 'silent' }), memberIds);
  verifier.trustKeySet(mint.jwks);
  return verifier;
}

describe('TokenVerifier: which member a token acts as', () => {
  it('acts as the Firebase uid a migrated Cognito user is linked to', async () => {
    const memberIdOf = vi.fn((cognitoId: string) =>
      Promise.resolve(cognitoId === 'cognito-sub-1' ? 'FirebaseUid000000000000000001' : undefined),
    );
    const sut = verifierWith({ memberIdOf });

    const principal = await sut.verify(mint.access('cognito-sub-1', ['worker']));

    expect(principal.sub).toBe('FirebaseUid000000000000000001');
    expect(memberIdOf).toHaveBeenCalledWith('cognito-sub-1');
  });

  it('acts as the Cognito user itself when no link exists (a member who signed up here)', async () => {
    const sut = verifierWith({ memberIdOf: () => Promise.resolve(undefined) });
    expect((await sut.verify(mint.access('native-sub', ['business']))).sub).toBe('native-sub');
  });

  it('asks about a Cognito user once, however many of its tokens arrive', async () => {
    const memberIdOf = vi.fn(() => Promise.resolve(undefined));
    const sut = verifierWith({ memberIdOf });

    for (let i = 0; i < 3; i += 1) await sut.verify(mint.access('same-sub', ['worker']));

    expect(memberIdOf).toHaveBeenCalledTimes(1);
  });

  it('without a binding, every member id is the token’s sub', async () => {
    expect((await verifierWith().verify(mint.access('plain-sub'))).sub).toBe('plain-sub');
  });
});
