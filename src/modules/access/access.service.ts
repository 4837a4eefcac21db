import { Injectable } from '@nestjs/common';
import { DomainError } from '../../platform/errors/domain.error.js';
import type { Principal } from '../../platform/auth/principal.js';
import { type AccessRequest, decideWithoutStaff } from './access.js';
import { type BusinessStaffCheck, InjectBusinessStaffCheck } from './business-staff.port.js';

/**
 * The one place services ask whether a principal may act on ids (access.ts has the rules). The
 * business's staff comes through a port the businesses module implements, so no module reads
 * another's repository to answer it. Refusals: 403 with the permission's code; a business that
 * does not exist is 404 `business_not_found` (existence is all an id probe can learn).
 */
@Injectable()
export class AccessService {
  constructor(@InjectBusinessStaffCheck() private readonly staff: BusinessStaffCheck) {}

  /** Resolves when the principal may; rejects with the 403 (or 404) otherwise. */
  async require(principal: Principal, request: AccessRequest): Promise<void> {
    const decision = decideWithoutStaff(principal, request);
    if ('refused' in decision) throw decision.refused;
    if ('staffOf' in decision) await this.staff.assertStaff(decision.staffOf, principal.sub);
  }

  /** Whether the principal may: a 403 is `false`; any other failure (404, outage) is thrown. */
  async allows(principal: Principal, request: AccessRequest): Promise<boolean> {
    try {
      await this.require(principal, request);
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'forbidden') return false;
      throw error;
    }
  }

  /**
   * `work` once the principal may, started alongside the check rather than after it: a check
   * that needs the database and the work's reads share one round trip (issue 11, bench
   * eligibility-latency). The check is awaited first, so a refused caller gets the refusal
   * whatever the work would have answered, and never its result.
   */
  async requireWhile<T>(
    principal: Principal,
    request: AccessRequest,
    work: () => Promise<T>,
  ): Promise<T> {
    const decision = decideWithoutStaff(principal, request);
    if ('refused' in decision) throw decision.refused;
    if ('allowed' in decision) return work();
    const check = this.staff.assertStaff(decision.staffOf, principal.sub);
    const result = work();
    result.catch(() => undefined); // awaited below, or dropped when the check refuses
    await check;
    return result;
  }
}
