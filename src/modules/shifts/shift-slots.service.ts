import { Injectable } from '@nestjs/common';
import type { ShiftFacts } from './shift-facts.js';
import {
  ShiftsRepository,
  type Shift,
  type ShiftTimes,
  type SlotReservation,
} from './shifts.repository.js';

export type { Shift, ShiftTimes, SlotReservation };

/**
 * What other modules may do with shifts (assignments hold and release slots, eligibility reads a
 * shift's facts), so none of them imports the shifts repository (ARCHITECTURE: "Who may import
 * whom"). Each method is the repository's, unchanged.
 */
@Injectable()
export class ShiftSlots {
  constructor(private readonly shifts: ShiftsRepository) {}

  getById(id: string): Promise<Shift | undefined> {
    return this.shifts.getById(id);
  }

  /** What the eligibility engine needs to know of the shift. */
  toFacts(shift: Shift): ShiftFacts {
    return this.shifts.toFacts(shift);
  }

  /** Holds one slot for `holderId` (ShiftsRepository.reserveSlot: idempotent per holder). */
  reserveSlot(
    shiftId: string,
    holderId: string,
    now: Date,
    times: ShiftTimes,
  ): Promise<SlotReservation> {
    return this.shifts.reserveSlot(shiftId, holderId, now, times);
  }

  releaseSlot(shiftId: string, holderId: string): Promise<void> {
    return this.shifts.releaseSlot(shiftId, holderId);
  }

  /** Shifts with held slots, for the repair of holds an interrupted assignment left. */
  withHolders(
    endedAfter: Date,
    page: { after?: string; limit: number },
  ): Promise<{ id: string; holders: string[] }[]> {
    return this.shifts.withHolders(endedAfter, page);
  }
}
