import { Inject } from '@nestjs/common';

/**
 * Whether a member is on a business's staff: the one thing the access layer needs from businesses.
 * `BusinessesService.assertStaff` implements it; the module that assembles the app binds this
 * token to it (`{ provide: BUSINESS_STAFF_CHECK, useExisting: BusinessesService }`).
 */
export interface BusinessStaffCheck {
  /**
   * Resolves when `memberId` is staff of `businessId`; rejects with a 403 `not_business_staff`
   * when not, and a 404 `business_not_found` when there is no such business.
   */
  assertStaff(businessId: string, memberId: string): Promise<void>;
}

export const BUSINESS_STAFF_CHECK = Symbol('BUSINESS_STAFF_CHECK');

export const InjectBusinessStaffCheck = () => Inject(BUSINESS_STAFF_CHECK);
