import { Injectable } from '@nestjs/common';
import type { Filter, ObjectId } from 'mongodb';
import { type OutboxEvent, OUTBOX_FIELD } from '../../platform/outbox/outbox-event.js';
import type { Database, UpdateFilter } from '../../platform/storage/database.js';
import { newId, parseId } from '../../platform/storage/ids.js';
import { importFromLegacy, type LegacyCopy } from '../../platform/storage/legacy-copy.js';
import { updateWithVersion } from '../../platform/storage/optimistic.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { ShiftFacts, ShiftStatus } from './shift-facts.js';
import { regionRange } from './region-code.js';

export type { ShiftStatus };

/** Where the work is. A business's workplace address is not personal data. */
interface Place {
  address: string;
  /** 10-digit 법정동코드 (see region-code.ts). */
  regionCode: string;
  /**
   * Coordinates: given with every shift posted here; absent on a shift migrated from the old
   * app, which recorded an address and a 시도 only (nothing is made up for it).
   */
  lat?: number;
  lng?: number;
}

/** A shift as the rest of the code sees it (never the stored shape). */
export interface Shift {
  id: string;
  businessId: string;
  title: string;
  description: string | undefined;
  startsAt: Date;
  endsAt: Date;
  place: Place;
  headcount: number;
  hourlyPayKrw: number;
  requiredQualifications: string[];
  minimumAge: number;
  status: ShiftStatus;
  /** Slots held by proposed and confirmed assignments (only reserveSlot/releaseSlot move it). */
  filled: number;
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | undefined;
  cancelReason: string | undefined;
  cancelledBy: string | undefined;
}

/** What a business edits: everything but the counters, status and audit fields. */
export type ShiftChanges = Partial<
  Pick<
    Shift,
    | 'title'
    | 'description'
    | 'startsAt'
    | 'endsAt'
    | 'place'
    | 'headcount'
    | 'hourlyPayKrw'
    | 'requiredQualifications'
    | 'minimumAge'
  >
>;

export type NewShift = Omit<
  Shift,
  | 'id'
  | 'status'
  | 'filled'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
  | 'cancelledAt'
  | 'cancelReason'
  | 'cancelledBy'
>;

interface ShiftDocument {
  _id: ObjectId;
  businessId: string;
  title: string;
  description?: string;
  startsAt: Date;
  endsAt: Date;
  place: Place;
  headcount: number;
  hourlyPayKrw: number;
  requiredQualifications: string[];
  minimumAge: number;
  status: ShiftStatus;
  filled: number;
  /**
   * The ids (assignment ids) holding the `filled` slots, so a reservation or release retried
   * after a crash counts once; `filled` is always its length.
   */
  holders: string[];
  version: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt?: Date;
  cancelReason?: string;
  cancelledBy?: string;
  /** Undelivered events (`shift.cancelled`); absent when none, as the sparse index wants. */
  [OUTBOX_FIELD]?: OutboxEvent[];
}

/** `moved`: the shift's times are no longer the ones the reservation was decided on. */
export type SlotReservation = 'reserved' | 'full' | 'not_open' | 'not_found' | 'moved';

/** A shift starting in a month, as monthly statistics count it (no personal data). */
export interface ShiftActivityRow {
  id: string;
  businessId: string;
  regionCode: string;
  headcount: number;
  filled: number;
  hourlyPayKrw: number;
  startsAt: Date;
}

/** The time window a decision about a shift was made for. */
export interface ShiftTimes {
  startsAt: Date;
  endsAt: Date;
}

/** Position after the last item of a page: ordered by (startsAt, id). */
export interface ShiftCursor {
  startsAt: Date;
  id: string;
}

export interface ShiftPage {
  items: Shift[];
  /** Where the next page starts; undefined on the last page. */
  next: ShiftCursor | undefined;
}

export interface OpenShiftQuery {
  /** Start within [from, to). */
  from: Date;
  to: Date;
  /** Only shifts not yet started at this instant. */
  now: Date;
  /** A 2-, 5-, 8- or 10-digit prefix of the region code. */
  regionPrefix: string | undefined;
}

const COLLECTION = 'shifts';
const ORDER = { startsAt: 1, _id: 1 } as const;
/**
 * Slots left: a comparison of two fields, which no plain filter can express. `$expr` runs on
 * DocumentDB 4.0+ instance clusters (not elastic clusters) and in the embedded engine (mingo).
 */
const NOT_FULL = { $expr: { $lt: ['$filled', '$headcount'] } };

function toShift(doc: ShiftDocument): Shift {
  return {
    id: doc._id.toHexString(),
    businessId: doc.businessId,
    title: doc.title,
    description: doc.description,
    startsAt: doc.startsAt,
    endsAt: doc.endsAt,
    place: doc.place,
    headcount: doc.headcount,
    hourlyPayKrw: doc.hourlyPayKrw,
    requiredQualifications: doc.requiredQualifications,
    minimumAge: doc.minimumAge,
    status: doc.status,
    filled: doc.filled,
    version: doc.version,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    cancelledAt: doc.cancelledAt,
    cancelReason: doc.cancelReason,
    cancelledBy: doc.cancelledBy,
  };
}

/** After the cursor in (startsAt, _id) order; null when the cursor names no possible id. */
function afterCursor(cursor: ShiftCursor | undefined): Filter<ShiftDocument> | null {
  if (!cursor) return {};
  const _id = parseId(cursor.id);
  if (!_id) return null;
  return {
    $or: [{ startsAt: { $gt: cursor.startsAt } }, { startsAt: cursor.startsAt, _id: { $gt: _id } }],
  };
}

@Injectable()
export class ShiftsRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<ShiftDocument>(COLLECTION);
  }

  /**
   * What monthly statistics need of the shifts starting in `[from, to)` that were not cancelled
   * (open: the only other status), and how many shifts were posted (created) in it, cancelled
   * or not.
   */
  async monthActivity(range: { from: Date; to: Date }): Promise<{
    shifts: ShiftActivityRow[];
    posted: number;
  }> {
    // One group per shift (its id is in the group's `_id`), so each group is that shift's row: a
    // `$group` whose fields index `status_startsAt_activity` holds is answered by the embedded
    // engine from the index keys alone, which a `$project` is not (100k shifts read and decoded).
    const rows = await this.collection
      .aggregate<{
        _id: { id: ObjectId; businessId: string; regionCode: string; startsAt: Date };
        headcount: number;
        filled: number;
        hourlyPayKrw: number;
      }>([
        { $match: { status: 'open', startsAt: { $gte: range.from, $lt: range.to } } },
        {
          $group: {
            _id: {
              id: '$_id',
              businessId: '$businessId',
              regionCode: '$place.regionCode',
              startsAt: '$startsAt',
            },
            headcount: { $sum: '$headcount' },
            filled: { $sum: '$filled' },
            hourlyPayKrw: { $sum: '$hourlyPayKrw' },
          },
        },
      ])
      .toArray();
    const posted = await this.collection.countDocuments({
      createdAt: { $gte: range.from, $lt: range.to },
    });
    return {
      shifts: rows.map(({ _id, headcount, filled, hourlyPayKrw }) => ({
        id: _id.id.toHexString(),
        businessId: _id.businessId,
        regionCode: _id.regionCode,
        headcount,
        filled,
        hourlyPayKrw,
        startsAt: _id.startsAt,
      })),
      posted,
    };
  }

  /**
   * The open shifts starting in `[from, to)`, by start, full or not (index
   * `status_startsAt_activity`): the operators' day. At most `limit`.
   */
  async startingBetween(range: { from: Date; to: Date }, limit: number): Promise<Shift[]> {
    const docs = await this.collection
      .find(
        { status: 'open', startsAt: { $gte: range.from, $lt: range.to } },
        { sort: { startsAt: 1, _id: 1 }, limit },
      )
      .toArray();
    return docs.map(toShift);
  }

  async getById(id: string): Promise<Shift | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await this.collection.findOne({ _id });
    return doc ? toShift(doc) : undefined;
  }

  /**
   * A shift from the old app (the Firestore migration), under the id the migration derived from
   * its source path: written, or left as it is when it already holds this source copy. Its slots
   * (`filled`, `holders`) start empty and stay the assignments' to move: a second import never
   * resets them.
   */
  async importLegacy(
    id: string,
    shift: NewShift & {
      status: ShiftStatus;
      cancelledAt?: Date;
      cancelReason?: string;
    },
    copy: LegacyCopy,
    now: Date,
  ): Promise<'written' | 'unchanged'> {
    const _id = parseId(id);
    if (!_id) throw new Error(`not an id: ${id}`);
    const { description, cancelledAt, cancelReason, ...fields } = shift;
    return importFromLegacy(
      this.collection,
      _id,
      copy,
      {
        $set: {
          ...fields,
          ...(description === undefined ? {} : { description }),
          ...(cancelledAt ? { cancelledAt, cancelReason, cancelledBy: 'legacy' } : {}),
          updatedAt: now,
        },
        $setOnInsert: { filled: 0, holders: [], createdAt: now },
        $inc: { version: 1 },
      },
      now,
    );
  }

  async create(shift: NewShift, now: Date): Promise<Shift> {
    const doc: ShiftDocument = {
      _id: newId(),
      businessId: shift.businessId,
      title: shift.title,
      ...(shift.description === undefined ? {} : { description: shift.description }),
      startsAt: shift.startsAt,
      endsAt: shift.endsAt,
      place: shift.place,
      headcount: shift.headcount,
      hourlyPayKrw: shift.hourlyPayKrw,
      requiredQualifications: shift.requiredQualifications,
      minimumAge: shift.minimumAge,
      status: 'open',
      filled: 0,
      holders: [],
      version: 1,
      createdBy: shift.createdBy,
      createdAt: now,
      updatedAt: now,
    };
    await this.collection.insertOne(doc);
    return toShift(doc);
  }

  /**
   * Applies `changes` if the shift is still at `expectedVersion` (throws
   * `ConcurrentModificationError` otherwise; undefined when there is no such shift). A slot
   * reserved or released in between moves the version too, so checks the caller made against
   * the version it read (headcount ≥ filled) still hold when the write lands.
   */
  async update(
    id: string,
    expectedVersion: number,
    changes: ShiftChanges,
    now: Date,
  ): Promise<Shift | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const $set: Record<string, unknown> = { updatedAt: now };
    const $unset: Record<string, ''> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      // An empty description removes it.
      if (key === 'description' && value === '') $unset.description = '';
      else $set[key] = value;
    }
    const update = (
      Object.keys($unset).length > 0 ? { $set, $unset } : { $set }
    ) as UpdateFilter<ShiftDocument>;
    const doc = await updateWithVersion(this.collection, { _id }, expectedVersion, update);
    return doc ? toShift(doc) : undefined;
  }

  /**
   * Cancels an open shift that has not started, with an outbox event in the same write (the
   * assignment side tells the workers on it). Undefined when the shift is missing, cancelled or
   * started; the caller reads it again to say which.
   */
  async cancel(
    id: string,
    cancellation: { reason: string; by: string; event: OutboxEvent },
    now: Date,
  ): Promise<Shift | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await this.collection.findOneAndUpdate(
      { _id, status: 'open', startsAt: { $gt: now } },
      {
        $set: {
          status: 'cancelled',
          cancelledAt: now,
          cancelReason: cancellation.reason,
          cancelledBy: cancellation.by,
          updatedAt: now,
        },
        $inc: { version: 1 },
        $push: { [OUTBOX_FIELD]: cancellation.event },
      } as UpdateFilter<ShiftDocument>,
      { returnDocument: 'after' },
    );
    return doc ? toShift(doc) : undefined;
  }

  /**
   * Takes one slot of the shift for `holderId` (an assignment id), in one conditional write: only
   * while the shift is open, not started at `now`, has a slot left, and still has the `times` the
   * caller decided on. Concurrent calls cannot overfill it: each re-checks `filled < headcount` on
   * the document as it is when it writes. Nor can a concurrent time edit slip in between the
   * caller's eligibility check and the reservation: the worker's schedule was checked against
   * `times`, so a shift that moved answers `moved` and takes nothing (the edit, for its part, is
   * refused once a slot is held). Conditioned on the times rather than on `version`, because every
   * reservation moves the version: proposals of different workers on one shift would otherwise
   * refuse each other. Idempotent per holder: a holder that already has a slot gets `reserved`
   * again, without a second slot.
   */
  async reserveSlot(
    shiftId: string,
    holderId: string,
    now: Date,
    times: ShiftTimes,
  ): Promise<SlotReservation> {
    const _id = parseId(shiftId);
    if (!_id) return 'not_found';
    const result = await this.collection.updateOne(
      {
        _id,
        status: 'open',
        startsAt: { $eq: times.startsAt, $gt: now },
        endsAt: times.endsAt,
        holders: { $ne: holderId },
        ...NOT_FULL,
      },
      { $inc: { filled: 1, version: 1 }, $push: { holders: holderId } },
    );
    if (result.modifiedCount === 1) return 'reserved';
    const doc = await this.collection.findOne({ _id });
    if (!doc) return 'not_found';
    if (doc.status !== 'open' || doc.startsAt.getTime() <= now.getTime()) return 'not_open';
    if (doc.holders.includes(holderId)) return 'reserved';
    if (
      doc.startsAt.getTime() !== times.startsAt.getTime() ||
      doc.endsAt.getTime() !== times.endsAt.getTime()
    ) {
      return 'moved';
    }
    return 'full';
  }

  /**
   * Gives back the slot `holderId` holds, if it holds one (so calling it twice gives back one
   * slot); `filled` never goes below 0. Works on cancelled and started shifts too.
   */
  async releaseSlot(shiftId: string, holderId: string): Promise<void> {
    const _id = parseId(shiftId);
    if (!_id) return;
    await this.collection.updateOne(
      { _id, holders: holderId, filled: { $gt: 0 } },
      { $inc: { filled: -1, version: 1 }, $pull: { holders: holderId } },
    );
  }

  /**
   * Shifts whose slots are held by any of the given holders' peers: for the repair of slots an
   * interrupted assignment left held. Shifts that ended before `endedAfter` are left alone.
   */
  async withHolders(
    endedAfter: Date,
    page: { after?: string; limit: number },
  ): Promise<{ id: string; holders: string[] }[]> {
    const after = page.after === undefined ? null : parseId(page.after);
    const docs = await this.collection
      .find({
        'holders.0': { $exists: true },
        endsAt: { $gt: endedAfter },
        ...(after ? { _id: { $gt: after } } : {}),
      })
      .sort({ _id: 1 })
      .project<{ _id: ObjectId; holders: string[] }>({ holders: 1 })
      .limit(page.limit)
      .toArray();
    return docs.map((d) => ({ id: d._id.toHexString(), holders: d.holders }));
  }

  /**
   * Open shifts with a slot left, starting in [from, to) and after `now`, optionally within a
   * region, in (startsAt, id) order after the cursor.
   */
  async findOpen(
    query: OpenShiftQuery,
    page: { after?: ShiftCursor; limit: number },
  ): Promise<ShiftPage> {
    const after = afterCursor(page.after);
    if (!after) return { items: [], next: undefined };
    const filter: Filter<ShiftDocument> = {
      status: 'open',
      startsAt: { $gte: query.from, $lt: query.to, $gt: query.now },
      ...NOT_FULL,
      ...after,
    };
    if (query.regionPrefix !== undefined) {
      const range = regionRange(query.regionPrefix);
      filter['place.regionCode'] = { $gte: range.gte, $lte: range.lte };
    }
    return this.page(filter, page.limit);
  }

  /** Every shift of a business, any status, in (startsAt, id) order after the cursor. */
  async findByBusiness(
    businessId: string,
    page: { after?: ShiftCursor; limit: number; status?: ShiftStatus },
  ): Promise<ShiftPage> {
    const after = afterCursor(page.after);
    if (!after) return { items: [], next: undefined };
    const filter: Filter<ShiftDocument> = { businessId, ...after };
    if (page.status !== undefined) filter.status = page.status;
    return this.page(filter, page.limit);
  }

  private async page(filter: Filter<ShiftDocument>, limit: number): Promise<ShiftPage> {
    const docs = await this.collection
      .find(filter)
      .sort(ORDER)
      .limit(limit + 1)
      .toArray();
    const items = docs.slice(0, limit).map(toShift);
    const last = items.at(-1);
    return {
      items,
      next: docs.length > limit && last ? { startsAt: last.startsAt, id: last.id } : undefined,
    };
  }

  /** What the eligibility engine needs to know of the shift. */
  toFacts(shift: Shift): ShiftFacts {
    return {
      id: shift.id,
      businessId: shift.businessId,
      status: shift.status,
      startsAt: shift.startsAt,
      endsAt: shift.endsAt,
      headcount: shift.headcount,
      filled: shift.filled,
      minimumAge: shift.minimumAge,
      requiredQualifications: shift.requiredQualifications,
    };
  }
}
