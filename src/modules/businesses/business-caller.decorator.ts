import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { platformRole } from '../../platform/auth/access.js';
import type { Principal } from '../../platform/auth/principal.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';

/**
 * The caller of a member route on businesses: members act for the businesses whose staff they
 * are; operators and admins for all, and then (`staff` set) every personal field they are
 * shown or change is recorded (접속기록), as on the operator routes.
 */
export interface BusinessCaller {
  principal: Principal;
  staff: StaffActor | undefined;
}

export const CurrentBusinessCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): BusinessCaller => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = request.principal;
    if (!principal) throw new DomainError('unauthorized', 'unauthenticated', 'Sign in first.');
    const role = platformRole(principal);
    return {
      principal,
      staff: role && {
        id: principal.sub,
        role,
        ip: request.ip || null,
        requestId: request.id,
      },
    };
  },
);
