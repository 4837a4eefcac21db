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
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const routeClass = this.reflector.getAllAndOverride<RouteClass | undefined>(ROUTE_CLASS, [
      context.getHandler(),
      context.getClass(),
    ]);
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
      const roles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROUTE_ROLES, [
        context.getHandler(),
        context.getClass(),
      ]);
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
