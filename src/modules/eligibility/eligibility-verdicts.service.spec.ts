import { describe, expect, it } from 'vitest';
import { strictFake } from '../../../test/support/strict-fake.js';
import type { Principal } from '../../platform/auth/principal.js';
import { DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import type { BusinessesService } from '../businesses/businesses.service.js';
import type { Evaluation, EligibilityService } from './eligibility.service.js';
import type { Shift } from '../shifts/shifts.repository.js';
import { AccessService } from '../access/access.service.js';
import { EligibilityVerdicts } from './eligibility-verdicts.service.js';

const shift = { id: 'shift-1', businessId: 'biz-1' } as Shift;
const evaluatedAt = new Date('2026-12-05T00:00:00Z');
const evaluation = {
  verdict: { eligible: true, failures: [], ruleSetVersion: '2026.1', evaluatedAt },
  shift,
} as unknown as Evaluation;
const principal = (sub: string, groups: Principal['groups']): Principal => ({
  sub,
  username: sub,
  groups,
  tokenId: 't',
  expiresAt: 0,
});

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setup() {
  const eligibility = strictFake<EligibilityService>('eligibility');
  const businesses = strictFake<BusinessesService>('businesses');
  eligibility.requireShift.mockResolvedValue(shift);
  const sut = new EligibilityVerdicts(eligibility, new AccessService(businesses));
  return { eligibility, businesses, sut };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('EligibilityVerdicts.verdict', () => {
  it("reads the verdict's facts while the business staff check is still out (one round trip, not two)", async () => {
    const { eligibility, businesses, sut } = setup();
    const staff = deferred();
    businesses.assertStaff.mockReturnValue(staff.promise);
    eligibility.evaluate.mockResolvedValue(evaluation);

    const answer = sut.verdict(principal('owner-1', ['business']), 'shift-1', 'w-1');
    await flush();
    expect(businesses.assertStaff).toHaveBeenCalledWith('biz-1', 'owner-1');
    expect(eligibility.evaluate).toHaveBeenCalledWith(shift, 'w-1');

    staff.resolve();
    await expect(answer).resolves.toEqual({
      eligible: true,
      failures: [],
      ruleSetVersion: '2026.1',
      evaluatedAt,
    });
  });

  it('refuses a member off the business staff with 403 even when the worker is unknown, so ids cannot be probed', async () => {
    const { eligibility, businesses, sut } = setup();
    const staff = deferred();
    businesses.assertStaff.mockReturnValue(staff.promise);
    eligibility.evaluate.mockRejectedValue(new NotFoundError('The worker', 'worker_not_found'));

    const answer = sut.verdict(principal('stranger', ['business']), 'shift-1', 'w-1');
    await flush();
    staff.reject(new DomainError('forbidden', 'not_business_staff', 'Not on the staff.'));
    await expect(answer).rejects.toMatchObject({ code: 'not_business_staff' });
  });

  it('does not check staff for operators and admins', async () => {
    const { eligibility, sut } = setup();
    eligibility.evaluate.mockResolvedValue(evaluation);
    await expect(
      sut.verdict(principal('op-1', ['operator']), 'shift-1', 'w-1'),
    ).resolves.toMatchObject({
      eligible: true,
    });
    await expect(
      sut.verdict(principal('admin-1', ['admin']), 'shift-1', 'w-1'),
    ).resolves.toMatchObject({
      eligible: true,
    });
  });
});
