import { beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import type { Principal, Role } from '../../platform/auth/principal.js';
import { DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import { requireBusinessRole } from './access.js';
import { AccessService } from './access.service.js';
import type { BusinessStaffCheck } from './business-staff.port.js';

const as = (sub: string, ...groups: Role[]): Principal => ({
  sub,
  username: sub,
  groups,
  tokenId: 't',
  expiresAt: 0,
});
const operator = as('op-1', 'operator');
const admin = as('admin-1', 'admin');
const owner = as('owner-1', 'business');
const worker = as('worker-1', 'worker');
const notStaff = () => new DomainError('forbidden', 'not_business_staff', 'no');

const act = { permission: 'business.act', businessId: 'biz-1' } as const;
const post = { permission: 'business.post', businessId: 'biz-1' } as const;
const party = {
  permission: 'assignment.party',
  workerId: 'worker-1',
  businessId: 'biz-1',
} as const;
const theWorker = { permission: 'assignment.worker', workerId: 'worker-1' } as const;

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(AccessService.name, () => {
  let staff: StrictFake<BusinessStaffCheck>;
  let sut: AccessService;

  beforeEach(() => {
    staff = strictFake<BusinessStaffCheck>('BusinessStaffCheck');
    sut = new AccessService(staff);
  });

  describe('business.act', () => {
    it('lets operators and admins act for any business without asking who its staff are', async () => {
      await expect(sut.require(operator, act)).resolves.toBeUndefined();
      await expect(sut.require(admin, act)).resolves.toBeUndefined();
      expect(staff.assertStaff).not.toHaveBeenCalled();
    });

    it("lets a business member on the business's staff act for it", async () => {
      staff.assertStaff.mockResolvedValue();
      await expect(sut.require(owner, act)).resolves.toBeUndefined();
      expect(staff.assertStaff).toHaveBeenCalledWith('biz-1', 'owner-1');
    });

    it('passes on the staff check’s 403 and its 404 for a business that does not exist', async () => {
      staff.assertStaff.mockRejectedValueOnce(notStaff());
      await expect(sut.require(owner, act)).rejects.toMatchObject({ code: 'not_business_staff' });
      staff.assertStaff.mockRejectedValueOnce(
        new NotFoundError('The business', 'business_not_found'),
      );
      await expect(sut.require(owner, act)).rejects.toMatchObject({ code: 'business_not_found' });
    });

    it('refuses a worker with not_business_staff without reading anything', async () => {
      await expect(sut.require(worker, act)).rejects.toMatchObject({
        kind: 'forbidden',
        code: 'not_business_staff',
      });
      expect(staff.assertStaff).not.toHaveBeenCalled();
    });
  });

  describe('business.post', () => {
    it('refuses operators and admins: only the business itself posts its shifts', async () => {
      await expect(sut.require(operator, post)).rejects.toMatchObject({
        code: 'not_business_staff',
      });
      await expect(sut.require(admin, post)).rejects.toMatchObject({
        code: 'not_business_staff',
      });
      expect(staff.assertStaff).not.toHaveBeenCalled();
    });

    it("lets a business member on the business's staff post", async () => {
      staff.assertStaff.mockResolvedValue();
      await expect(sut.require(owner, post)).resolves.toBeUndefined();
      expect(staff.assertStaff).toHaveBeenCalledWith('biz-1', 'owner-1');
    });
  });

  describe('assignment.party and assignment.worker', () => {
    it("lets the assignment's worker in without asking the business", async () => {
      await expect(sut.require(worker, party)).resolves.toBeUndefined();
      await expect(sut.require(worker, theWorker)).resolves.toBeUndefined();
      expect(staff.assertStaff).not.toHaveBeenCalled();
    });

    it('lets the business’s staff and operators be a party, but never the worker', async () => {
      staff.assertStaff.mockResolvedValue();
      await expect(sut.require(owner, party)).resolves.toBeUndefined();
      await expect(sut.require(operator, party)).resolves.toBeUndefined();
      await expect(sut.require(owner, theWorker)).rejects.toMatchObject({
        code: 'not_your_assignment',
      });
      await expect(sut.require(operator, theWorker)).rejects.toMatchObject({
        code: 'not_your_assignment',
      });
    });

    it('refuses another worker with not_business_staff (as before the access layer)', async () => {
      await expect(sut.require(as('worker-2', 'worker'), party)).rejects.toMatchObject({
        code: 'not_business_staff',
      });
    });
  });

  describe('allows', () => {
    it('answers false for a refusal and throws anything else', async () => {
      staff.assertStaff.mockRejectedValueOnce(notStaff());
      await expect(sut.allows(owner, act)).resolves.toBe(false);
      await expect(sut.allows(worker, act)).resolves.toBe(false);
      await expect(sut.allows(operator, act)).resolves.toBe(true);
      staff.assertStaff.mockRejectedValueOnce(
        new NotFoundError('The business', 'business_not_found'),
      );
      await expect(sut.allows(owner, act)).rejects.toMatchObject({ code: 'business_not_found' });
    });
  });

  describe('requireWhile', () => {
    it('starts the work while the staff check is still out, and answers once both are done', async () => {
      const check = deferred();
      staff.assertStaff.mockReturnValue(check.promise);
      let started = false;
      const answer = sut.requireWhile(owner, act, async () => {
        started = true;
        return 'verdict';
      });
      await flush();
      expect(started).toBe(true);
      check.resolve();
      await expect(answer).resolves.toBe('verdict');
    });

    it('answers the refusal, not the work’s result or failure, when the check refuses', async () => {
      const check = deferred();
      staff.assertStaff.mockReturnValue(check.promise);
      const answer = sut.requireWhile(owner, act, () =>
        Promise.reject(new NotFoundError('The worker', 'worker_not_found')),
      );
      await flush();
      check.reject(notStaff());
      await expect(answer).rejects.toMatchObject({ code: 'not_business_staff' });
    });

    it('does not start the work for a caller refused without reading anything', async () => {
      let started = false;
      const answer = sut.requireWhile(worker, act, async () => {
        started = true;
      });
      await expect(answer).rejects.toMatchObject({ code: 'not_business_staff' });
      expect(started).toBe(false);
    });
  });
});

describe(requireBusinessRole.name, () => {
  it('lets operators and admins do what the owner does', () => {
    expect(() => requireBusinessRole(operator, undefined, { ownerOnly: true })).not.toThrow();
    expect(() => requireBusinessRole(admin, undefined)).not.toThrow();
  });

  it('lets staff act, and the owner alone do what is owner-only', () => {
    expect(() => requireBusinessRole(owner, 'manager')).not.toThrow();
    expect(() => requireBusinessRole(owner, 'owner', { ownerOnly: true })).not.toThrow();
    expect(() => requireBusinessRole(owner, 'manager', { ownerOnly: true })).toThrow(
      expect.objectContaining({ code: 'owner_only' }),
    );
  });

  it('refuses a member off the staff, and a non-business member listed on it', () => {
    expect(() => requireBusinessRole(owner, undefined)).toThrow(
      expect.objectContaining({ code: 'not_business_staff' }),
    );
    expect(() => requireBusinessRole(worker, 'manager')).toThrow(
      expect.objectContaining({ code: 'not_business_staff' }),
    );
  });
});
