import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain.error.js';
import type { Role } from './principal.js';
import { ROUTE_CLASS, ROUTE_ROLES, type RouteClass } from './route-class.decorator.js';

/**
 * API Gateway sets this header on every request it forwards (see routes.json); an `internal`
 * route never answers a request that carries it, whatever the gateway's routes say.
 */
export const EDGE_HEADER = 'x-workmatch-via';

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

/** The one guard: enforces each route's class (401 without a valid token, 403 for a wrong role). */
@Injectable()
export class RouteClassGuard implements CanActivate {
  /**
   * A handler's class and roles, read once: decorators are fixed when the app starts, and the
   * metadata lookups were a cost of every request (issue 11: the `http` bench).
   */
  private readonly routes = new WeakMap<
    object,
    { routeClass: RouteClass | undefined; roles: readonly Role[] | undefined }
  >();

  constructor(private readonly reflector: Reflector) {}

  private routeOf(context: ExecutionContext) {
    const handler = context.getHandler();
    let route = this.routes.get(handler);
    if (!route) {
      const targets = [handler, context.getClass()];
      route = {
        routeClass: this.reflector.getAllAndOverride<RouteClass | undefined>(ROUTE_CLASS, targets),
        roles: this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROUTE_ROLES, targets),
      };
      this.routes.set(handler, route);
    }
    return route;
  }

  canActivate(context: ExecutionContext): boolean {
    const { routeClass, roles } = this.routeOf(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // Fail closed: a route without a class (a test forbids it) serves nobody.
    if (!routeClass)
      throw new DomainError('forbidden', 'route_unclassified', 'This route is not open to anyone.');
    if (routeClass === 'public') return true;
    if (routeClass === 'internal') {
      if (request.headers[EDGE_HEADER] !== undefined) {
        throw new DomainError(
          'forbidden',
          'internal_route',
          'This route is not served through the API gateway.',
        );
      }
      return true;
    }
    const principal = request.principal;
    if (!principal) {
      const reason = request.authFailure ?? 'unauthenticated';
      throw new DomainError('unauthorized', reason, REFUSALS[reason] ?? REFUSALS.unauthenticated!);
    }
    if (routeClass === 'member') {
      if (!roles || principal.groups.some((group) => roles.includes(group))) return true;
      throw new DomainError(
        'forbidden',
        'insufficient_role',
        `This route is for ${roles.join(', ')} members.`,
      );
    }
    if (principal.groups.some((group) => ALLOWED[routeClass].includes(group))) return true;
    throw new DomainError('forbidden', 'insufficient_role', `This route is for ${routeClass}s.`);
  }
}
