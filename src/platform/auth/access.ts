import type { Principal } from './principal.js';

/**
 * The role part of access, written once: operators and admins act for every business and see
 * every assignment. Which business or assignment a member may touch is the access module's
 * question (src/modules/access), which starts from here.
 */
type PlatformRole = 'operator' | 'admin';

/** The caller's platform role (admin wins over operator); undefined for members. */
export function platformRole(principal: Principal): PlatformRole | undefined {
  if (principal.groups.includes('admin')) return 'admin';
  if (principal.groups.includes('operator')) return 'operator';
  return undefined;
}

/** Whether the caller is an operator or an admin. */
export const isPlatformStaff = (principal: Principal): boolean =>
  platformRole(principal) !== undefined;
