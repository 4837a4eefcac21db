import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { DomainError } from '../errors/domain.error.js';
import type { RouteDescription } from '../http/route-table.js';
import type { Role } from './principal.js';
import type { RouteClass } from './route-class.decorator.js';

/**
 * API Gateway sets this header on every request it forwards (see routes.json); an `internal`
 * route never answers a request that carries it, whatever the gateway's routes say.
 */
export const EDGE_HEADER = 'x-workmatch-via';

/** Who may call one route: its class, and the roles a member route is narrowed to. */
export interface RouteAccess {
  routeClass: RouteClass;
  roles?: readonly Role[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The matched route's access, stamped when the request is routed (absent off the table). */
    routeAccess?: RouteAccess;
  }
}

const ALLOWED: Record<'operator' | 'admin', readonly Role[]> = {
  operator: ['operator', 'admin'],
  admin: ['admin'],
};

const REFUSALS: Record<string, string> = {
  token_expired: 'The access token has expired; refresh it.',
  token_revoked: 'The session has ended; sign in again.',
  token_invalid: 'The access token is not valid.',
  token_too_large: 'The Authorization header is larger than any access token (16 KiB).',
  unauthenticated: 'Sign in first.',
};

/**
 * Why `request` may not call a route with this access (401 without a valid token, 403 for a wrong
 * role or an `internal` route reached through the gateway), or undefined when it may.
 */
export function refusalOf(access: RouteAccess, request: FastifyRequest): DomainError | undefined {
  const { routeClass, roles } = access;
  if (routeClass === 'public') return undefined;
  if (routeClass === 'internal') {
    return request.headers[EDGE_HEADER] === undefined
      ? undefined
      : new DomainError(
          'forbidden',
          'internal_route',
          'This route is not served through the API gateway.',
        );
  }
  const principal = request.principal;
  if (!principal) {
    const reason = request.authFailure ?? 'unauthenticated';
    return new DomainError('unauthorized', reason, REFUSALS[reason] ?? REFUSALS.unauthenticated!);
  }
  if (routeClass === 'member') {
    if (!roles || principal.groups.some((group) => roles.includes(group))) return undefined;
    return new DomainError(
      'forbidden',
      'insufficient_role',
      `This route is for ${roles.join(', ')} members.`,
    );
  }
  if (principal.groups.some((group) => ALLOWED[routeClass].includes(group))) return undefined;
  return new DomainError('forbidden', 'insufficient_role', `This route is for ${routeClass}s.`);
}

/**
 * Gives every controller route its access as Fastify registers it: a route-level hook stamps
 * `request.routeAccess`, which the request lifecycle checks before anything else runs for the
 * request (idempotency, validation, the handler), and the metrics read as the route's class.
 *
 * A Fastify hook rather than a Nest guard: a guard runs inside the handler, after the
 * Idempotency-Key is claimed (so an anonymous caller could make the database store a key per
 * request), and Nest's guard machinery cost a twentieth of a trivial request's throughput.
 *
 * Fails closed: the app does not start (`ready()` rejects) unless every route of the table was
 * registered and stamped. The table and Nest's routes come from the same decorators, so a route
 * Nest registered under a path the table does not know would leave a table entry unmatched.
 */
export function registerRouteAccess(
  fastify: FastifyInstance,
  routes: readonly RouteDescription[],
): void {
  const table = new Map<string, RouteAccess>();
  for (const route of routes) {
    // The table's paths are OpenAPI's (`{id}`), Fastify's route URLs Nest's (`:id`).
    const url = route.path.replace(/\{([^}]+)\}/g, ':$1');
    table.set(`${route.method.toUpperCase()} ${url}`, {
      routeClass: route.routeClass,
      ...(route.roles ? { roles: route.roles } : {}),
    });
  }
  const unmatched = new Set(table.keys());
  fastify.addHook('onRoute', (options) => {
    const methods = [options.method].flat();
    // Fastify adds a HEAD route beside each GET: the same handler, so the same access.
    const keys = methods.map((method) => `${method === 'HEAD' ? 'GET' : method} ${options.url}`);
    const found = keys.filter((key) => table.has(key));
    if (found.length === 0) return;
    if (methods.length > 1) {
      throw new Error(`route ${options.url} has several methods; give each its own access`);
    }
    const access = table.get(found[0]!)!;
    unmatched.delete(found[0]!);
    const stamp: onRequestHookHandler = (request, _reply, done) => {
      request.routeAccess = access;
      done();
    };
    options.onRequest = [stamp, ...[options.onRequest ?? []].flat()];
  });
  fastify.addHook('onReady', (done) => {
    done(
      unmatched.size === 0
        ? undefined
        : new Error(`routes never registered with their access: ${[...unmatched].join(', ')}`),
    );
  });
}
