import type { FastifyInstance } from 'fastify';
import { TokenRefusedError, type TokenVerifier } from './token-verifier.js';

/**
 * The largest Authorization header a token is read from. A Cognito access token is 1–2 KiB, and
 * about 4 KiB with many groups; anything past this is refused with 401 `token_too_large` before
 * it is hashed for the cache or parsed and verified, so an attacker cannot make us spend work in
 * proportion to what they send.
 */
const MAX_AUTHORIZATION_BYTES = 16 * 1024;

/**
 * All request headers together (Node's `maxHeaderSize`). Node's default is 16 KiB for every
 * header at once, which would turn an oversized token into a bare 431 from the HTTP parser; room
 * above the token cap lets this hook answer with the problem the route-access check gives (401).
 */
export const MAX_HEADER_BYTES = 2 * MAX_AUTHORIZATION_BYTES + 8 * 1024;

/**
 * Before anything else of a request: a bearer token, when there is one, becomes
 * `request.principal` (or `request.authFailure`). Nothing is refused here — the route's class
 * decides (a public route ignores a stale token) — but the principal is known early enough to
 * scope idempotency keys. A cached token costs one hash lookup and no promise.
 */
export function registerAuthentication(fastify: FastifyInstance, verifier: TokenVerifier): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    if (header === undefined) return done();
    // Node decodes header bytes as latin1: one character per byte.
    if (header.length > MAX_AUTHORIZATION_BYTES) {
      request.authFailure = 'token_too_large';
      return done();
    }
    if (!header.startsWith('Bearer ') || header.length <= 7) {
      request.authFailure = 'token_invalid';
      return done();
    }
    const token = header.slice(7);
    try {
      const cached = verifier.cached(token);
      if (cached) {
        request.principal = cached;
        return done();
      }
    } catch (error) {
      request.authFailure = error instanceof TokenRefusedError ? error.reason : 'token_invalid';
      return done();
    }
    verifier.verify(token).then(
      (principal) => {
        request.principal = principal;
        done();
      },
      (error: unknown) => {
        request.authFailure = error instanceof TokenRefusedError ? error.reason : 'token_invalid';
        done();
      },
    );
  });
}
