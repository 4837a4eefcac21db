import { beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import { loadConfig } from '../../config/config.js';
import type { Principal } from '../../platform/auth/principal.js';
import { DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import type { BusinessStaffCheck } from '../access/business-staff.port.js';
import { AccessService } from '../access/access.service.js';
import type { Shift, ShiftsRepository } from './shifts.repository.js';
import { ShiftsService } from './shifts.service.js';

const NOW = new Date('2026-11-20T00:00:00Z');
const principal = (sub: string, groups: Principal['groups']): Principal => ({
  sub,
  username: sub,
  groups,
  tokenId: 't',
  expiresAt: 2_000_000_000,
});
const owner = principal('owner-1', ['business']);

const SHIFT: Shift = {
  id: '0123456789abcdef01234567',
  businessId: 'biz-1',
  title: 'Kitchen help',
  description: undefined,
  startsAt: new Date('2026-12-01T00:00:00Z'),
  endsAt: new Date('2026-12-01T08:00:00Z'),
  place: { address: '서울 강남구 테헤란로 1', regionCode: '1168010100', lat: 37.5, lng: 127.03 },
  headcount: 5,
  hourlyPayKrw: 12_000,
  requiredQualifications: [],
  minimumAge: 15,
  status: 'open',
  filled: 0,
  version: 4,
  createdBy: 'owner-1',
  createdAt: NOW,
  updatedAt: NOW,
  cancelledAt: undefined,
  cancelReason: undefined,
  cancelledBy: undefined,
};

/** Unit: the service with strict fakes of its repository and the staff check. */
describe(ShiftsService.name, () => {
  let shifts: StrictFake<ShiftsRepository>;
  let staff: StrictFake<BusinessStaffCheck>;
  let sut: ShiftsService;

  beforeEach(() => {
    shifts = strictFake<ShiftsRepository>('ShiftsRepository');
    staff = strictFake<BusinessStaffCheck>('BusinessStaffCheck');
    sut = new ShiftsService(
      shifts,
      new AccessService(staff),
      loadConfig({ DATA_DIR: '/tmp/unused' }),
    );
  });

  it('browses the KST days as [from 00:00 KST, the day after to 00:00 KST)', async () => {
    shifts.findOpen.mockResolvedValue({ items: [], next: undefined });

    await sut.browse({ from: '2026-12-01', to: '2026-12-02', limit: 20 }, NOW);

    expect(shifts.findOpen).toHaveBeenCalledWith(
      {
        from: new Date('2026-11-30T15:00:00Z'),
        to: new Date('2026-12-02T15:00:00Z'),
        now: NOW,
        regionPrefix: undefined,
      },
      { after: undefined, limit: 20 },
    );
  });

  it('allows a range of exactly 31 days and refuses 32, before reading anything', async () => {
    shifts.findOpen.mockResolvedValue({ items: [], next: undefined });
    await sut.browse({ from: '2026-12-01', to: '2026-12-31', limit: 20 }, NOW);

    await expect(
      sut.browse({ from: '2026-12-01', to: '2027-01-01', limit: 20 }, NOW),
    ).rejects.toMatchObject({ code: 'date_range_too_long', extensions: { days: 32 } });
    expect(shifts.findOpen).toHaveBeenCalledTimes(1);
  });

  it('shows a business member who is not on the staff the public view', async () => {
    shifts.getById.mockResolvedValue(SHIFT);
    staff.assertStaff.mockRejectedValue(new DomainError('forbidden', 'not_business_staff', 'no'));

    const view = await sut.get(principal('owner-2', ['business']), SHIFT.id);

    expect(view).not.toHaveProperty('version');
  });

  it('does not ask the staff check for a worker, and shows the public view', async () => {
    shifts.getById.mockResolvedValue(SHIFT);

    const view = await sut.get(principal('worker-1', ['worker']), SHIFT.id);

    expect(view).toMatchObject({ id: SHIFT.id, slotsLeft: 5 });
    expect(staff.assertStaff).not.toHaveBeenCalled();
  });

  it('passes on a failure of the staff check other than forbidden', async () => {
    shifts.getById.mockResolvedValue(SHIFT);
    staff.assertStaff.mockRejectedValue(new NotFoundError('The business', 'business_not_found'));

    await expect(sut.get(owner, SHIFT.id)).rejects.toMatchObject({ code: 'business_not_found' });
  });

  it('answers shift_changed with the current version when an edit loses a race', async () => {
    shifts.getById
      .mockResolvedValueOnce(SHIFT)
      .mockResolvedValueOnce({ ...SHIFT, version: 5, filled: 1 });
    staff.assertStaff.mockResolvedValue();
    shifts.update.mockRejectedValue(new ConcurrentModificationError('shifts', 4, 5));

    await expect(
      sut.edit(owner, SHIFT.id, { version: 4, title: 'New title' }, NOW),
    ).rejects.toMatchObject({
      kind: 'conflict',
      code: 'shift_changed',
      extensions: { version: 5 },
    });
  });

  it('answers shift_already_cancelled when a concurrent cancel got there first', async () => {
    shifts.getById
      .mockResolvedValueOnce(SHIFT)
      .mockResolvedValueOnce({ ...SHIFT, status: 'cancelled', version: 5 });
    staff.assertStaff.mockResolvedValue();
    shifts.cancel.mockResolvedValue(undefined);

    await expect(sut.cancel(owner, SHIFT.id, 'Rain', NOW)).rejects.toMatchObject({
      code: 'shift_already_cancelled',
      extensions: { state: 'cancelled' },
    });
  });

  it('refuses to cancel a shift that has started', async () => {
    shifts.getById.mockResolvedValue(SHIFT);
    staff.assertStaff.mockResolvedValue();

    await expect(sut.cancel(owner, SHIFT.id, 'Too late', SHIFT.startsAt)).rejects.toMatchObject({
      code: 'shift_started',
    });
  });

  it('refuses a worker before asking the staff check', async () => {
    await expect(
      sut.create(
        principal('worker-1', ['worker']),
        'biz-1',
        {
          title: 'x',
          startsAt: SHIFT.startsAt,
          endsAt: SHIFT.endsAt,
          place: {
            address: SHIFT.place.address,
            regionCode: SHIFT.place.regionCode,
            lat: 37.5,
            lng: 127,
          },
          headcount: 1,
          hourlyPayKrw: 12_000,
          requiredQualifications: [],
          minimumAge: 15,
        },
        NOW,
      ),
    ).rejects.toMatchObject({ kind: 'forbidden', code: 'not_business_staff' });
  });
});
