import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain.error.js';
import type { Principal } from './principal.js';

/**
 * The verified caller of a `member`, `operator` or `admin` route (the route-access check has already refused
 * a request without one).
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new DomainError('unauthorized', 'unauthenticated', 'Sign in first.');
    return principal;
  },
);

/** The raw access token of the request, for calls to Cognito made on the caller's behalf. */
export const AccessToken = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new DomainError('unauthorized', 'unauthenticated', 'Sign in first.');
    return token;
  },
);
