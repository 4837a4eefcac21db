import { Injectable } from '@nestjs/common';
import type { Principal } from '../../platform/auth/principal.js';
import { AccessService } from '../access/access.service.js';
import type { Verdict } from './engine/types.js';
import { EligibilityService } from './eligibility.service.js';

/** The eligibility route's use case: a verdict for the shift's business staff and operators. */
@Injectable()
export class EligibilityVerdicts {
  constructor(
    private readonly eligibility: EligibilityService,
    private readonly access: AccessService,
  ) {}

  /**
   * The staff check and the verdict's reads go to the database at once: two round trips in all
   * (the shift, then the rest), not three (issue 11, bench eligibility-latency). A stranger still
   * gets 403 whatever the worker id, and sees no verdict.
   */
  async verdict(principal: Principal, shiftId: string, workerId: string): Promise<Verdict> {
    const shift = await this.eligibility.requireShift(shiftId);
    const { verdict } = await this.access.requireWhile(
      principal,
      { permission: 'business.act', businessId: shift.businessId },
      () => this.eligibility.evaluate(shift, workerId),
    );
    return verdict;
  }
}
