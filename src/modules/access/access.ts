import { isPlatformStaff } from '../../platform/auth/access.js';
import type { Principal } from '../../platform/auth/principal.js';
import { notBusinessStaff, notYourAssignment, ownerOnly } from './access.errors.js';

/**
 * "May this principal do this to these ids", as immich's `requireAccess`
 * (server/src/utils/access.ts): one permission per kind of act, decided here and nowhere else.
 */
export type AccessRequest =
  /** Act for a business (read its shifts and assignments, decide on them): operators, admins, its staff. */
  | { permission: 'business.act'; businessId: string }
  /** What only the business itself does (post and change its shifts): its staff, not operators. */
  | { permission: 'business.post'; businessId: string }
  /** Read or cancel an assignment: its worker, or whoever may act for its business. */
  | { permission: 'assignment.party'; workerId: string; businessId: string }
  /** Answer an assignment (accept, decline, withdraw): its worker alone. */
  | { permission: 'assignment.worker'; workerId: string };

/** A member's place on a business's staff; undefined when not on it. */
type StaffRole = 'owner' | 'manager';

/**
 * What can be decided without asking the database: yes, the refusal, or the business whose
 * staff the member must be on (which only the businesses module can answer).
 */
export function decideWithoutStaff(
  principal: Principal,
  request: AccessRequest,
): { allowed: true } | { refused: Error } | { staffOf: string } {
  switch (request.permission) {
    case 'assignment.worker':
      return request.workerId === principal.sub
        ? { allowed: true }
        : { refused: notYourAssignment() };
    case 'assignment.party':
      if (request.workerId === principal.sub) return { allowed: true };
      return decideWithoutStaff(principal, {
        permission: 'business.act',
        businessId: request.businessId,
      });
    case 'business.act':
    case 'business.post':
      if (request.permission === 'business.act' && isPlatformStaff(principal)) {
        return { allowed: true };
      }
      // Only members in the business role are ever on a staff (BusinessesService.addStaff).
      if (!principal.groups.includes('business')) return { refused: notBusinessStaff() };
      return { staffOf: request.businessId };
  }
}

/**
 * The decision on a business the caller's module has already read, with the member's role on
 * its staff: operators and admins may act (the owner's acts too); members on its staff may; the
 * owner alone with `ownerOnly`. The 404 for a missing business comes before, from the reader.
 */
export function requireBusinessRole(
  principal: Principal,
  role: StaffRole | undefined,
  options: { ownerOnly?: boolean } = {},
): void {
  if (isPlatformStaff(principal)) return;
  if (!principal.groups.includes('business') || !role) throw notBusinessStaff();
  if (options.ownerOnly && role !== 'owner') throw ownerOnly();
}
