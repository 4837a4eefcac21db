import { hash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { InjectLogger } from '../logging/logging.module.js';
import { MEMBER_IDS, type MemberIds } from './member-ids.js';
import { ROLES, type Principal, type Role } from './principal.js';
import { SessionRevocations } from './session-revocations.js';

/** Why a token was refused; the route-access check answers 401 with it as the problem code. */
export type TokenRefusal = 'token_expired' | 'token_invalid' | 'token_revoked';

export class TokenRefusedError extends Error {
  constructor(readonly reason: TokenRefusal) {
    super(reason);
    this.name = 'TokenRefusedError';
  }
}

const CACHE_ENTRIES = 50_000;

/** The cache holds token hashes, never tokens (one-shot `hash`: a third cheaper than createHash). */
function cacheKey(token: string): string {
  return hash('sha256', token, 'base64url');
}

interface AccessClaims {
  sub?: string;
  username?: string;
  'cognito:groups'?: string[];
  jti?: string;
  iat: number;
  exp: number;
}

/**
 * Verifies Cognito access tokens (issuer, client id, token use, expiry, signature) with
 * aws-jwt-verify, behind API Gateway's JWT authorizer as defence in depth. A verified token is
 * cached under a hash of itself until it expires, so an authenticated request does not pay an
 * RSA verification each time; every hit is still checked against the session revocations
 * (logout, account deletion) and the expiry.
 */
@Injectable()
export class TokenVerifier implements OnModuleInit {
  private readonly verifier;
  private readonly cache = new LRUCache<string, Principal & { issuedAt: number }>({
    max: CACHE_ENTRIES,
  });
  private jwksLoaded: Promise<void> | undefined;

  /**
   * Cognito user → member id, for the members migrated from Firebase (member-ids.ts). A link is
   * made once, at a member's first sign-in, before any token of theirs reaches us, so an answer
   * (a link or none) holds for good.
   */
  private readonly memberIdCache = new LRUCache<string, { memberId: string }>({
    max: CACHE_ENTRIES,
  });

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly revocations: SessionRevocations,
    @InjectLogger() private readonly logger: Logger,
    @Optional() @Inject(MEMBER_IDS) private readonly memberIds?: MemberIds,
  ) {
    this.verifier = CognitoJwtVerifier.create({
      userPoolId: config.aws.cognito.userPoolId,
      clientId: config.aws.cognito.clientId,
      tokenUse: 'access',
    });
  }

  /** Trusts this key set (a JWKS document) without fetching it: local mode, tests, benchmarks. */
  trustKeySet(jwks: unknown): void {
    this.verifier.cacheJwks(jwks as never);
  }

  onModuleInit(): void {
    // Locally, the key set is served by cognito-local over http, which aws-jwt-verify will not
    // fetch itself (it insists on https): load it once and hand it over.
    if (this.config.mode === 'local') void this.loadLocalJwks().catch(() => undefined);
  }

  private loadLocalJwks(): Promise<void> {
    this.jwksLoaded ??= (async () => {
      const { endpoint, userPoolId } = this.config.aws.cognito;
      const response = await fetch(`${endpoint}/${userPoolId}/.well-known/jwks.json`, {
        signal: AbortSignal.timeout(2_000),
      });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      this.trustKeySet(await response.json());
    })().catch((error: unknown) => {
      this.jwksLoaded = undefined;
      this.logger.warn({ err: error }, 'could not load the local user pool key set');
      throw error;
    });
    return this.jwksLoaded;
  }

  /** The cached principal of a token verified before, or undefined (then call `verify`). */
  cached(token: string): Principal | undefined {
    const hit = this.cache.get(cacheKey(token));
    if (!hit) return undefined;
    this.refuseIfVoid(hit, hit.issuedAt);
    return hit;
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.cached(token);
    if (cached) return cached;
    if (this.config.mode === 'local') await this.loadLocalJwks().catch(() => undefined);
    let claims: AccessClaims;
    try {
      claims = (await this.verifier.verify(token)) as unknown as AccessClaims;
    } catch (error) {
      throw new TokenRefusedError(
        error instanceof JwtExpiredError ? 'token_expired' : 'token_invalid',
      );
    }
    const username = claims.username ?? claims.sub;
    if (!username) throw new TokenRefusedError('token_invalid');
    // Users created by the migration trigger on cognito-local carry no `sub` (standins.md).
    const cognitoId = claims.sub ?? username;
    const principal = {
      sub: await this.memberIdOf(cognitoId),
      username,
      groups: (claims['cognito:groups'] ?? []).filter((g): g is Role =>
        (ROLES as readonly string[]).includes(g),
      ),
      tokenId: claims.jti ?? cacheKey(token),
      expiresAt: claims.exp,
      issuedAt: claims.iat,
    };
    this.refuseIfVoid(principal, claims.iat);
    const ttl = claims.exp * 1000 - Date.now();
    if (ttl > 0) this.cache.set(cacheKey(token), principal, { ttl });
    return principal;
  }

  /** The member the Cognito user is: a migrated member's own id, else the Cognito id itself. */
  private async memberIdOf(cognitoId: string): Promise<string> {
    if (!this.memberIds) return cognitoId;
    const cached = this.memberIdCache.get(cognitoId);
    if (cached) return cached.memberId;
    const memberId = (await this.memberIds.memberIdOf(cognitoId)) ?? cognitoId;
    this.memberIdCache.set(cognitoId, { memberId });
    return memberId;
  }

  private refuseIfVoid(principal: Principal, issuedAt: number): void {
    if (principal.expiresAt * 1000 <= Date.now()) throw new TokenRefusedError('token_expired');
    if (this.revocations.isRevoked(principal.sub, issuedAt))
      throw new TokenRefusedError('token_revoked');
  }
}
