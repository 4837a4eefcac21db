import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../platform/errors/domain.error.js';
import { platformRole } from '../platform/auth/access.js';
import type { Role } from '../platform/auth/principal.js';

/** Who is handling personal data, for the access records: a staff member and where from. */
export interface StaffActor {
  id: string;
  role: Extract<Role, 'operator' | 'admin'>;
  /** The client address (API Gateway's and the ALB's hops are trusted in aws mode). */
  ip: string | null;
  requestId: string | undefined;
}

/** The staff member calling an `operator` or `admin` route, with the request's address. */
export const CurrentStaff = createParamDecorator(
  (_data: unknown, context: ExecutionContext): StaffActor => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const role = request.principal && platformRole(request.principal);
    if (!request.principal || !role) {
      throw new DomainError('forbidden', 'staff_only', 'Only operators and admins may do this.');
    }
    return { id: request.principal.sub, role, ip: request.ip || null, requestId: request.id };
  },
);
