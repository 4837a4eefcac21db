import type { FastifyInstance } from 'fastify';
import { TokenRefusedError, type TokenVerifier } from './token-verifier.js';

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
