import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { Principal } from '../../platform/auth/principal.js';
import { ConflictError, DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import { makeEvent } from '../../platform/outbox/event-catalog.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { kstDayRange, kstDaysInclusive, toKstIso } from '../../platform/time/kst.js';
import {
  type BrowseShiftsQuery,
  type BusinessShiftsQuery,
  type CreateShift,
  type EditShift,
  decodeCursor,
  encodeCursor,
  mapPublicShift,
  mapShift,
  type PublicShiftPage,
  type ShiftPageResponse,
  type ShiftResponse,
  type ShiftView,
} from './shifts.dto.js';
import {
  type Shift,
  type ShiftChanges,
  type ShiftCursor,
  ShiftsRepository,
} from './shifts.repository.js';
import { SHIFT_EVENTS } from './shifts.events.js';
import { AccessService } from '../access/access.service.js';

const HOUR_MS = 3_600_000;
const MAX_SHIFT_HOURS = 24;
const MAX_BROWSE_DAYS = 31;

/**
 * Shifts a business posts: the time window (KST at the edges, instants inside), place, headcount,
 * pay and requirements. Only the business's staff write; any member reads. The slot counter
 * (`filled`) is not touched here: the assignment code moves it through the repository.
 */
@Injectable()
export class ShiftsService {
  private readonly minimumWage: number;

  constructor(
    private readonly shifts: ShiftsRepository,
    private readonly access: AccessService,
    @InjectConfig() config: AppConfig,
  ) {
    this.minimumWage = config.shifts.minimumHourlyWageKrw;
  }

  async create(
    principal: Principal,
    businessId: string,
    input: CreateShift,
    now = new Date(),
  ): Promise<ShiftResponse> {
    await this.assertStaff(principal, businessId);
    this.checkWindow(input.startsAt, input.endsAt, now);
    this.checkPay(input.hourlyPayKrw);
    const shift = await this.shifts.create(
      {
        businessId,
        title: input.title,
        description: input.description === '' ? undefined : input.description,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        place: input.place,
        headcount: input.headcount,
        hourlyPayKrw: input.hourlyPayKrw,
        requiredQualifications: input.requiredQualifications,
        minimumAge: input.minimumAge,
        createdBy: principal.sub,
      },
      now,
    );
    return mapShift(shift);
  }

  /**
   * Edits an open shift that has not started, against the version the caller read. While
   * assignments hold slots its time cannot move (the workers' schedules were checked against it)
   * and its headcount cannot drop below them.
   */
  async edit(
    principal: Principal,
    id: string,
    input: EditShift,
    now = new Date(),
  ): Promise<ShiftResponse> {
    const shift = await this.require(id);
    await this.assertStaff(principal, shift.businessId);
    this.assertEditable(shift, now);
    if (shift.version !== input.version) throw this.changed(shift);
    const { version, ...changes } = input;
    const startsAt = changes.startsAt ?? shift.startsAt;
    const endsAt = changes.endsAt ?? shift.endsAt;
    const moves =
      startsAt.getTime() !== shift.startsAt.getTime() ||
      endsAt.getTime() !== shift.endsAt.getTime();
    if (moves) {
      this.checkWindow(startsAt, endsAt, now);
      // Two guards, one per order of a race with a proposal: this refusal (on the version read;
      // a slot reserved since moves the version, so the write below fails as shift_changed),
      // and the reservation's condition on the times its verdict was made for (reserveSlot), for
      // an edit that lands between a proposal's check and its reservation.
      if (shift.filled > 0) {
        throw new ConflictError(
          'shift_time_locked',
          `The time of a shift with assigned workers cannot change (${shift.filled} slots held); cancel it and post another.`,
          { filled: shift.filled },
        );
      }
    }
    if (changes.hourlyPayKrw !== undefined) this.checkPay(changes.hourlyPayKrw);
    if (changes.headcount !== undefined && changes.headcount < shift.filled) {
      throw new ConflictError(
        'headcount_below_filled',
        `The headcount cannot drop below the ${shift.filled} slots already held.`,
        { filled: shift.filled, headcount: changes.headcount },
      );
    }
    try {
      const updated = await this.shifts.update(shift.id, version, changes as ShiftChanges, now);
      if (!updated) throw new NotFoundError('The shift', 'shift_not_found');
      return mapShift(updated);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError)) throw error;
      throw this.changed(await this.require(id));
    }
  }

  /** Cancels an open shift before it starts; the workers on it hear through the outbox event. */
  async cancel(
    principal: Principal,
    id: string,
    reason: string,
    now = new Date(),
  ): Promise<ShiftResponse> {
    const shift = await this.require(id);
    await this.assertStaff(principal, shift.businessId);
    this.assertEditable(shift, now);
    const event = makeEvent(
      SHIFT_EVENTS,
      'shift.cancelled',
      {
        shiftId: shift.id,
        businessId: shift.businessId,
        startsAt: shift.startsAt.toISOString(),
        filled: shift.filled,
      },
      now,
    );
    const cancelled = await this.shifts.cancel(shift.id, { reason, by: principal.sub, event }, now);
    if (cancelled) return mapShift(cancelled);
    // Lost a race with another cancel (or the clock): answer against the state it is in now.
    this.assertEditable(await this.require(id), now);
    throw this.changed(shift);
  }

  /** The open shifts starting in `[from, to)`, by start (the operators' day), at most `limit`. */
  startingBetween(range: { from: Date; to: Date }, limit: number): Promise<Shift[]> {
    return this.shifts.startingBetween(range, limit);
  }

  /** The business's staff and operators see everything; everyone else the public view. */
  async get(principal: Principal, id: string): Promise<ShiftView> {
    const shift = await this.require(id);
    return (await this.seesAll(principal, shift.businessId))
      ? mapShift(shift)
      : mapPublicShift(shift);
  }

  /** Open shifts with a slot left that start on the given KST days and have not started. */
  async browse(query: BrowseShiftsQuery, now = new Date()): Promise<PublicShiftPage> {
    if (query.to < query.from) {
      throw new DomainError('invalid', 'invalid_date_range', '`to` is before `from`.', {
        from: query.from,
        to: query.to,
      });
    }
    const days = kstDaysInclusive(query.from, query.to);
    if (days > MAX_BROWSE_DAYS) {
      throw new DomainError(
        'invalid',
        'date_range_too_long',
        `Browse at most ${MAX_BROWSE_DAYS} days at a time (asked for ${days}).`,
        { maxDays: MAX_BROWSE_DAYS, days },
      );
    }
    const range = kstDayRange(query.from, query.to);
    const page = await this.shifts.findOpen(
      { from: range.start, to: range.end, now, regionPrefix: query.region },
      { after: this.cursor(query.cursor), limit: query.limit },
    );
    return {
      items: page.items.map(mapPublicShift),
      next: page.next ? encodeCursor(page.next) : null,
    };
  }

  /** Every shift of a business, any status (its staff and operators). */
  async listForBusiness(
    principal: Principal,
    businessId: string,
    query: BusinessShiftsQuery,
  ): Promise<ShiftPageResponse> {
    await this.access.require(principal, { permission: 'business.act', businessId });
    const page = await this.shifts.findByBusiness(businessId, {
      after: this.cursor(query.cursor),
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
    });
    return { items: page.items.map(mapShift), next: page.next ? encodeCursor(page.next) : null };
  }

  private async require(id: string): Promise<Shift> {
    const shift = await this.shifts.getById(id);
    if (!shift) throw new NotFoundError('The shift', 'shift_not_found');
    return shift;
  }

  /** Writes: a member in the business role who is on the business's staff (not operators). */
  private assertStaff(principal: Principal, businessId: string): Promise<void> {
    return this.access.require(principal, { permission: 'business.post', businessId });
  }

  private seesAll(principal: Principal, businessId: string): Promise<boolean> {
    return this.access.allows(principal, { permission: 'business.act', businessId });
  }

  private cursor(text: string | undefined): ShiftCursor | undefined {
    if (text === undefined) return undefined;
    const cursor = decodeCursor(text);
    if (!cursor) {
      throw new DomainError('invalid', 'invalid_cursor', 'The cursor is not one this API gave.');
    }
    return cursor;
  }

  private checkWindow(startsAt: Date, endsAt: Date, now: Date): void {
    const hours = (endsAt.getTime() - startsAt.getTime()) / HOUR_MS;
    if (hours <= 0) {
      throw new DomainError(
        'invalid',
        'shift_ends_before_start',
        'The shift must end after it starts.',
        {
          startsAt: toKstIso(startsAt),
          endsAt: toKstIso(endsAt),
        },
      );
    }
    if (hours > MAX_SHIFT_HOURS) {
      throw new DomainError(
        'invalid',
        'shift_too_long',
        `A shift lasts at most ${MAX_SHIFT_HOURS} hours (this one ${hours}).`,
        { maxHours: MAX_SHIFT_HOURS, hours },
      );
    }
    if (startsAt.getTime() <= now.getTime()) {
      throw new DomainError(
        'unprocessable',
        'shift_starts_in_past',
        'The shift must start in the future.',
        {
          startsAt: toKstIso(startsAt),
        },
      );
    }
  }

  private checkPay(hourlyPayKrw: number): void {
    if (hourlyPayKrw < this.minimumWage) {
      throw new DomainError(
        'unprocessable',
        'pay_below_minimum_wage',
        `Hourly pay must be at least the minimum wage of ${this.minimumWage} KRW (최저임금).`,
        { minimumHourlyWageKrw: this.minimumWage, hourlyPayKrw },
      );
    }
  }

  /** Only an open shift that has not started changes. */
  private assertEditable(shift: Shift, now: Date): void {
    if (shift.status !== 'open') {
      throw new ConflictError(
        shift.status === 'cancelled' ? 'shift_already_cancelled' : 'shift_not_open',
        `The shift is ${shift.status}.`,
        { state: shift.status },
      );
    }
    if (shift.startsAt.getTime() <= now.getTime()) {
      throw new ConflictError('shift_started', 'The shift has already started.', {
        startsAt: toKstIso(shift.startsAt),
      });
    }
  }

  private changed(current: Shift): ConflictError {
    return new ConflictError(
      'shift_changed',
      'The shift changed since it was read; read it again.',
      {
        version: current.version,
      },
    );
  }
}
