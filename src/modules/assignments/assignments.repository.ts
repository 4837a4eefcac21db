import { Injectable } from '@nestjs/common';
import type { Filter, ObjectId } from 'mongodb';
import type { Role } from '../../platform/auth/principal.js';
import { type OutboxEvent, OUTBOX_FIELD } from '../../platform/outbox/outbox-event.js';
import type { Database } from '../../platform/storage/database.js';
import { ConcurrentModificationError, isDuplicateKeyError } from '../../platform/storage/errors.js';
import { newId, parseId } from '../../platform/storage/ids.js';
import { importFromLegacy, type LegacyCopy } from '../../platform/storage/legacy-copy.js';
import { updateWithVersion } from '../../platform/storage/optimistic.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { PersonalDataCodec } from '../../privacy/personal-data/codec.js';
import { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import type { Verdict } from '../eligibility/engine/types.js';
import { ACTIVE_STATES, type AssignmentState } from './assignment-state.js';
import { ASSIGNMENT_PERSONAL_DATA } from './assignments.policy.js';

export interface Actor {
  id: string;
  /** `system`: the platform itself (a cancelled shift cancels its assignments). */
  role: Role | 'system';
}

interface HistoryEntry {
  from: AssignmentState | null;
  to: AssignmentState;
  at: Date;
  by: Actor;
  reason?: string;
}

export interface Assignment {
  id: string;
  shiftId: string;
  businessId: string;
  workerId: string;
  state: AssignmentState;
  origin: 'application' | 'proposal';
  startsAt: Date;
  endsAt: Date;
  /** The eligibility verdict the assignment was proposed (and last accepted) under. */
  verdict: Verdict | undefined;
  cancellation: { by: Actor; reason: string; late: boolean; at: Date } | undefined;
  hoursWorked: number | undefined;
  history: HistoryEntry[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Assignments of one shift in one state, as monthly statistics count them. */
export interface AssignmentOutcomeRow {
  shiftId: string;
  state: AssignmentState;
  count: number;
  hoursWorked: number;
}

/** A month's assignments (of shifts starting in it) by shift and state, and how many were cancelled late. */
export interface MonthOutcomes {
  rows: AssignmentOutcomeRow[];
  /** Cancelled within LATE_CANCELLATION_HOURS of the start. */
  lateCancellations: number;
}

interface AssignmentDocument {
  _id: ObjectId;
  shiftId: string;
  businessId: string;
  workerId: string;
  state: AssignmentState;
  origin: 'application' | 'proposal';
  /** `<shiftId>:<workerId>` while the assignment is active: a unique index allows one per pair. */
  activeKey?: string;
  startsAt: Date;
  endsAt: Date;
  verdict?: Verdict;
  cancellation?: { by: Actor; reason: string; late: boolean; at: Date };
  hoursWorked?: number;
  history: HistoryEntry[];
  [OUTBOX_FIELD]: OutboxEvent[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLLECTION = ASSIGNMENT_PERSONAL_DATA.collection;

/**
 * Reads: the reasons (notes) masked unless `notes` is true: the worker and the business's staff
 * read them as written, operators masked.
 */
export interface ReadOptions {
  notes?: boolean;
}
const activeKey = (shiftId: string, workerId: string) => `${shiftId}:${workerId}`;

function toAssignment(doc: AssignmentDocument): Assignment {
  return {
    id: doc._id.toHexString(),
    shiftId: doc.shiftId,
    businessId: doc.businessId,
    workerId: doc.workerId,
    state: doc.state,
    origin: doc.origin,
    startsAt: doc.startsAt,
    endsAt: doc.endsAt,
    verdict: doc.verdict,
    cancellation: doc.cancellation,
    hoursWorked: doc.hoursWorked,
    history: doc.history,
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export interface NewAssignment {
  id: string;
  shiftId: string;
  businessId: string;
  workerId: string;
  state: AssignmentState;
  origin: 'application' | 'proposal';
  startsAt: Date;
  endsAt: Date;
  verdict: Verdict | undefined;
  history: HistoryEntry;
  event: OutboxEvent | undefined;
}

export interface Change {
  state: AssignmentState;
  history: HistoryEntry;
  /** Outbox events of the change, pushed in this order in the same write. */
  events: OutboxEvent[];
  verdict?: Verdict;
  /** The shift's times now (a proposal from an application made before the shift moved). */
  times?: { startsAt: Date; endsAt: Date };
  cancellation?: Assignment['cancellation'];
  hoursWorked?: number;
}

/** Thrown when the worker already has an active assignment (applied, proposed, confirmed). */
export class AlreadyOnShiftError extends Error {}

/**
 * An assignment as the old app recorded it (the Firestore migration). The old app kept a shift
 * and worker's application, its match and its no-show record in three documents; here they are
 * one assignment, and each of them brings what it knows:
 * - `match`: the state, the outcome (cancellation, hours worked) and the history entry, always
 *   (a match is what the old app decided last);
 * - `application`: the origin (the worker applied), and the state only when the assignment is
 *   new (a match written before it wins);
 * - `no_show`: nothing of its own; it makes the assignment (state `no_show`) only when its match
 *   never comes.
 * So the three may be written in any order, and again, and end the same.
 */
export interface LegacyAssignment {
  from: 'application' | 'match' | 'no_show';
  shiftId: string;
  businessId: string;
  workerId: string;
  state: AssignmentState;
  startsAt: Date;
  endsAt: Date;
  cancellation?: Assignment['cancellation'];
  hoursWorked?: number;
  /** When the old app made this state (its update time, else its creation time). */
  at: Date;
}

const LEGACY_ACTOR: Actor = { id: 'legacy', role: 'system' };

@Injectable()
export class AssignmentsRepository {
  private readonly personal: PersonalDataCodec<never>;

  constructor(
    @InjectDatabase() private readonly db: Database,
    personalData: PersonalData,
  ) {
    this.personal = personalData.codec(ASSIGNMENT_PERSONAL_DATA);
  }

  private async toAssignment(stored: AssignmentDocument, options: ReadOptions = {}) {
    const id = stored._id.toHexString();
    return toAssignment(
      await this.personal.openNotes(id, stored, { plaintext: options.notes ?? false }),
    );
  }

  private get collection() {
    return this.db.collection<AssignmentDocument>(COLLECTION);
  }

  /**
   * The assignments of shifts starting in `[from, to)`, by shift and state with their hours, and
   * the late cancellations among them. Both read index keys alone (indexes
   * `startsAt_shiftId_state_hoursWorked` and `state_cancellationLate_startsAt`): the embedded
   * engine groups a month of 1M assignments without reading one.
   */
  async monthOutcomes(range: { from: Date; to: Date }): Promise<MonthOutcomes> {
    const month = { $gte: range.from, $lt: range.to };
    const [rows, lateCancellations] = await Promise.all([
      this.collection
        .aggregate<{
          _id: { shiftId: string; state: AssignmentState };
          count: number;
          hours: number;
        }>([
          { $match: { startsAt: month } },
          {
            $group: {
              _id: { shiftId: '$shiftId', state: '$state' },
              count: { $sum: 1 },
              hours: { $sum: '$hoursWorked' },
            },
          },
        ])
        .toArray(),
      this.collection.countDocuments({
        state: 'cancelled',
        'cancellation.late': true,
        startsAt: month,
      }),
    ]);
    return {
      rows: rows.map((row) => ({
        shiftId: row._id.shiftId,
        state: row._id.state,
        count: row.count,
        hoursWorked: row.hours,
      })),
      lateCancellations,
    };
  }

  /**
   * Applications made in `[from, to)`: assignments a worker applied for, counted from the keys of
   * index `origin_createdAt` alone.
   */
  countApplications(range: { from: Date; to: Date }): Promise<number> {
    return this.collection.countDocuments({
      createdAt: { $gte: range.from, $lt: range.to },
      origin: 'application',
    });
  }

  newId(): string {
    return newId().toHexString();
  }

  async getById(id: string, options: ReadOptions = {}): Promise<Assignment | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await this.collection.findOne({ _id });
    return doc ? this.toAssignment(doc, options) : undefined;
  }

  /** Every reason of the assignment, decrypted, with where it sits; undefined for an unknown one. */
  async notesOf(id: string): Promise<{ path: string; at: string; text: string }[] | undefined> {
    const _id = parseId(id);
    const doc = _id ? await this.collection.findOne({ _id }) : null;
    return doc
      ? this.personal.revealNotes(id, doc as unknown as Record<string, unknown>)
      : undefined;
  }

  /** The worker's active assignment on the shift, if any. */
  async findActive(shiftId: string, workerId: string): Promise<Assignment | undefined> {
    const doc = await this.collection.findOne({ activeKey: activeKey(shiftId, workerId) });
    return doc ? this.toAssignment(doc) : undefined;
  }

  /**
   * An assignment from the old app under the id the migration derived from its shift and worker
   * (see `LegacyAssignment` for what each source sets): written, or left as it is when it already
   * holds this source copy. No outbox event: the old app told its users long ago.
   * `AlreadyOnShiftError` when the worker has an active assignment made here on that shift.
   */
  async importLegacy(
    id: string,
    legacy: LegacyAssignment,
    copy: LegacyCopy,
    now: Date,
  ): Promise<'written' | 'unchanged'> {
    const _id = parseId(id);
    if (!_id) throw new Error('an assignment id is a 24-hex-digit ObjectId');
    const active = ACTIVE_STATES.includes(legacy.state);
    const outcome = await this.personal.sealNotes(id, {
      history: [{ from: null, to: legacy.state, at: legacy.at, by: LEGACY_ACTOR }],
      ...(legacy.cancellation ? { cancellation: legacy.cancellation } : {}),
    });
    const made: Record<string, unknown> = {
      shiftId: legacy.shiftId,
      businessId: legacy.businessId,
      workerId: legacy.workerId,
      state: legacy.state,
      startsAt: legacy.startsAt,
      endsAt: legacy.endsAt,
      ...outcome,
      ...(legacy.hoursWorked === undefined ? {} : { hoursWorked: legacy.hoursWorked }),
      ...(active ? { activeKey: activeKey(legacy.shiftId, legacy.workerId) } : {}),
    };
    const fresh = { [OUTBOX_FIELD]: [], createdAt: now };
    const update =
      legacy.from === 'match'
        ? {
            $set: { ...made, updatedAt: now },
            $setOnInsert: { ...fresh, origin: 'proposal' },
            ...(active
              ? {}
              : {
                  $unset: {
                    activeKey: '',
                    ...(legacy.cancellation ? {} : { cancellation: '' }),
                    ...(legacy.hoursWorked === undefined ? { hoursWorked: '' } : {}),
                  },
                }),
          }
        : legacy.from === 'application'
          ? { $set: { origin: 'application', updatedAt: now }, $setOnInsert: { ...made, ...fresh } }
          : {
              $set: { updatedAt: now },
              $setOnInsert: { ...made, ...fresh, origin: 'proposal' },
            };
    try {
      return await importFromLegacy(
        this.collection,
        _id,
        copy,
        { ...update, $inc: { version: 1 } },
        now,
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new AlreadyOnShiftError();
      throw error;
    }
  }

  /** The source paths an assignment from the old app was made of (its `_legacy` copies). */
  async legacySourcePaths(id: string): Promise<string[]> {
    const _id = parseId(id);
    const doc = _id
      ? await this.db
          .collection<{ _id: ObjectId; _legacy?: { sources?: Record<string, { path: string }> } }>(
            COLLECTION,
          )
          .findOne({ _id }, { projection: { '_legacy.sources': 1 } })
      : null;
    return Object.values(doc?._legacy?.sources ?? {}).map((s) => s.path);
  }

  /** Inserts an assignment; `AlreadyOnShiftError` when the worker has an active one there. */
  async insert(
    assignment: NewAssignment,
    now: Date,
    options: ReadOptions = {},
  ): Promise<Assignment> {
    const _id = parseId(assignment.id);
    if (!_id) throw new Error('an assignment id is a 24-hex-digit ObjectId');
    const doc: AssignmentDocument = await this.personal.sealNotes(assignment.id, {
      _id,
      shiftId: assignment.shiftId,
      businessId: assignment.businessId,
      workerId: assignment.workerId,
      state: assignment.state,
      origin: assignment.origin,
      ...(ACTIVE_STATES.includes(assignment.state)
        ? { activeKey: activeKey(assignment.shiftId, assignment.workerId) }
        : {}),
      startsAt: assignment.startsAt,
      endsAt: assignment.endsAt,
      ...(assignment.verdict ? { verdict: assignment.verdict } : {}),
      history: [assignment.history],
      [OUTBOX_FIELD]: assignment.event ? [assignment.event] : [],
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.collection.insertOne(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new AlreadyOnShiftError();
      throw error;
    }
    return this.toAssignment(doc, options);
  }

  /**
   * Moves the assignment to a new state with its history entry and outbox events in the same
   * single-document write, provided nobody changed it since `expectedVersion`
   * (`ConcurrentModificationError` otherwise).
   */
  async change(
    assignment: Assignment,
    change: Change,
    now: Date,
    options: ReadOptions = {},
  ): Promise<Assignment> {
    const _id = parseId(assignment.id);
    if (!_id) throw new Error('an assignment id is a 24-hex-digit ObjectId');
    const active = ACTIVE_STATES.includes(change.state);
    const set: Partial<AssignmentDocument> = await this.personal.sealNotes(assignment.id, {
      state: change.state,
      updatedAt: now,
      ...(change.verdict ? { verdict: change.verdict } : {}),
      ...(change.times ? { startsAt: change.times.startsAt, endsAt: change.times.endsAt } : {}),
      ...(change.cancellation ? { cancellation: change.cancellation } : {}),
      ...(change.hoursWorked === undefined ? {} : { hoursWorked: change.hoursWorked }),
    });
    const { history } = await this.personal.sealNotes(assignment.id, {
      history: [change.history],
    });
    const updated = await updateWithVersion(this.collection, { _id }, assignment.version, {
      $set: set,
      ...(active ? {} : { $unset: { activeKey: '' } }),
      $push: { history: history[0], [OUTBOX_FIELD]: { $each: change.events } },
    } as never);
    if (!updated) throw new ConcurrentModificationError(COLLECTION, assignment.version, undefined);
    return this.toAssignment(updated, options);
  }

  /** A page of a shift's or a worker's assignments, newest first. */
  async list(
    by: { shiftId: string } | { workerId: string },
    page: { before?: string; limit: number },
    options: ReadOptions = {},
  ): Promise<Assignment[]> {
    const filter: Filter<AssignmentDocument> = { ...by };
    const before = page.before ? parseId(page.before) : null;
    if (before) filter._id = { $lt: before };
    const docs = await this.collection.find(filter).sort({ _id: -1 }).limit(page.limit).toArray();
    return Promise.all(docs.map((doc) => this.toAssignment(doc, options)));
  }

  /**
   * How many assignments of each shift are applied, proposed or confirmed (index
   * `shiftId_state`): the operators' day.
   */
  async activeCounts(
    shiftIds: readonly string[],
  ): Promise<Map<string, Record<'applied' | 'proposed' | 'confirmed', number>>> {
    const counts = new Map<string, Record<'applied' | 'proposed' | 'confirmed', number>>();
    if (shiftIds.length === 0) return counts;
    const rows = await this.collection
      .aggregate<{
        _id: { shiftId: string; state: 'applied' | 'proposed' | 'confirmed' };
        n: number;
      }>([
        { $match: { shiftId: { $in: [...shiftIds] }, state: { $in: [...ACTIVE_STATES] } } },
        { $group: { _id: { shiftId: '$shiftId', state: '$state' }, n: { $sum: 1 } } },
      ])
      .toArray();
    for (const { _id, n } of rows) {
      const entry = counts.get(_id.shiftId) ?? { applied: 0, proposed: 0, confirmed: 0 };
      entry[_id.state] = n;
      counts.set(_id.shiftId, entry);
    }
    return counts;
  }

  /** A shift's or a worker's active assignments (applied, proposed, confirmed). */
  async active(
    by: { shiftId: string } | { workerId: string } | { businessId: string },
  ): Promise<Assignment[]> {
    const docs = await this.collection
      .find({ ...by, state: { $in: [...ACTIVE_STATES] } })
      .toArray();
    return Promise.all(docs.map((doc) => this.toAssignment(doc)));
  }

  /** Which of these assignment ids name an assignment that holds a slot and time. */
  async holding(ids: readonly string[]): Promise<Set<string>> {
    const objectIds = ids.map((id) => parseId(id)).filter((id): id is ObjectId => id !== null);
    const docs = await this.collection
      .find({ _id: { $in: objectIds }, state: { $in: ['proposed', 'confirmed', 'completed'] } })
      .project<{ _id: ObjectId }>({ _id: 1 })
      .toArray();
    return new Set(docs.map((d) => d._id.toHexString()));
  }
}
