import type { Role } from './roles.js';

export { ROLES, type Role } from './roles.js';

/** The verified caller of a request, from a Cognito access token. */
export interface Principal {
  /** Cognito's `sub`: the stable member id (for migrated users whose token lacks it, the username). */
  sub: string;
  /** Cognito's `username` claim. */
  username: string;
  groups: Role[];
  /** The token's `jti` (or a hash of it), used to revoke it on logout. */
  tokenId: string;
  /** Seconds since epoch when the token expires. */
  expiresAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, set before any handler runs when the request carries a valid token. */
    principal?: Principal;
    /** Why the request's token was refused, when it carried one (the route-access check answers 401 with it). */
    authFailure?: string;
  }
}
