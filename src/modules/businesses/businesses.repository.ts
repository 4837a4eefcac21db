import { metrics } from '../../platform/metrics/metrics.js';
import { Injectable } from '@nestjs/common';
import type { Binary, ObjectId } from 'mongodb';
import type { Role } from '../../platform/auth/principal.js';
import { ConflictError } from '../../platform/errors/domain.error.js';
import { OUTBOX_FIELD, type OutboxEvent } from '../../platform/outbox/outbox-event.js';
import type { Database, Document, UpdateFilter } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import { newId, parseId } from '../../platform/storage/ids.js';
import { importFromLegacy, type LegacyCopy } from '../../platform/storage/legacy-copy.js';
import { updateWithVersion } from '../../platform/storage/optimistic.js';
import { reviewKey } from '../../platform/storage/review-key.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { PersonalDataCodec } from '../../privacy/personal-data/codec.js';
import { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import type { BusinessFacts, NtsStatus } from './business-facts.js';
import { BUSINESS_PERSONAL_DATA, type BusinessPersonalField } from './businesses.policy.js';

export type StaffRole = 'owner' | 'manager';

interface StaffMember {
  memberId: string;
  role: StaffRole;
  /** The member who added them (the owner, or themselves when they registered the business). */
  addedBy: string;
  addedAt: Date;
}

interface BlockedWorker {
  workerId: string;
  reason: string;
  /** The staff member or operator who blocked. */
  by: string;
  at: Date;
}

/** The business's standing at the NTS: from the register (`nts`) or set by an operator. */
export interface NtsState {
  status: NtsStatus;
  /** As the NTS writes it, e.g. `부가가치세 일반과세자`. */
  taxType: string;
  checkedAt: Date;
  source: 'nts' | 'manual';
  /** 폐업일 `YYYY-MM-DD`, when the register gives one. */
  closedOn?: string;
}

/** Whether the registration is verified, and by whom on what. */
interface Verification {
  verified: boolean;
  method: 'nts' | 'manual';
  /** The operator's id (for an NTS check too: the operator who ran it). */
  by: string;
  at: Date;
  evidence: string;
}

/** One verification decision or NTS check, kept on the business. */
export interface VerificationEvent {
  action: 'verify' | 'revoke' | 'nts-check';
  method: 'nts' | 'manual';
  /** The operator's id, or `system` for the daily NTS re-check. */
  by: string;
  byRole: 'operator' | 'admin' | 'system';
  at: Date;
  evidence: string;
  reason?: string;
  /** The NTS status this event found or set. */
  ntsStatus?: { status: NtsStatus; taxType: string };
}

/** A business as the rest of the code sees it; personal fields masked unless asked for. */
export interface Business {
  id: string;
  businessNumber: string | undefined;
  representativeName: string | undefined;
  name: string;
  /** 개업일자 `YYYY-MM-DD`. */
  openingDate: string;
  address: string | undefined;
  /** The uploaded registration certificate (사업자등록증), a ready file of the files module. */
  registrationCertificateFileId: string | undefined;
  nts: NtsState | undefined;
  verification: Verification | undefined;
  history: VerificationEvent[];
  staff: StaffMember[];
  blockedWorkers: BlockedWorker[];
  createdAt: Date;
  updatedAt: Date;
  /** When the business was found closed (폐업): the retention period runs from it. */
  closedAt: Date | undefined;
  version: number;
}

export interface NewBusiness {
  businessNumber: string;
  representativeName: string;
  name: string;
  openingDate: string;
  address: string | undefined;
  owner: string;
  /** The NTS register's answer at registration, when it could be asked. */
  nts?: NtsState;
}

/** A change of a business; `null` removes. */
export interface BusinessPatch {
  name?: string;
  address?: string | null;
  registrationCertificateFileId?: string | null;
  nts?: NtsState | null;
  closedAt?: Date | null;
  verification?: Verification;
  event?: VerificationEvent;
  staff?: StaffMember[];
  blockedWorkers?: BlockedWorker[];
  /** Outbox events written in the same document write (businesses.events.ts). */
  events?: OutboxEvent[];
}

/** What the daily NTS re-check needs of a business: its number in plaintext, its last answer. */
export interface NtsCheckTarget {
  id: string;
  businessNumber: string;
  nts: NtsState | undefined;
  closedAt: Date | undefined;
  version: number;
}

interface BusinessDocument {
  _id: ObjectId;
  businessNumber?: Binary | null;
  businessNumberLookup?: string;
  representativeName?: Binary | null;
  name: string;
  openingDate: string;
  address?: string;
  registrationCertificateFileId?: string;
  nts?: NtsState;
  verification?: Verification;
  history: VerificationEvent[];
  staff: StaffMember[];
  blockedWorkers: BlockedWorker[];
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date;
  destroyedAt?: Date;
  /**
   * The registration waits for an operator (the review queue), present only while it waits:
   * `<since, ISO>|<id>` (platform/storage/review-key.ts), so its sparse index gives the queue
   * oldest first and the key is a unique cursor. Set at registration and by new evidence (a
   * registration certificate), removed by a decision (verify, refuse, the NTS check) or closure.
   */
  reviewRegistration?: string;
  version: number;
}

interface MemberRoleDocument {
  _id: string;
  role: Role;
  status: 'active' | 'withdrawn';
}

const COLLECTION = BUSINESS_PERSONAL_DATA.collection;
const FACTS_PROJECTION = { verification: 1, nts: 1, blockedWorkers: 1 } as const;

/**
 * Reads: personal fields masked unless named in `plaintext`; notes (evidence, reasons) masked
 * unless `notes` is true or names their paths (a service writing back the block list reads its
 * reasons in plaintext).
 */
export interface ReadOptions {
  plaintext?: readonly BusinessPersonalField[];
  notes?: boolean | readonly string[];
}

@Injectable()
export class BusinessesRepository {
  private readonly personal: PersonalDataCodec<BusinessPersonalField>;

  constructor(
    @InjectDatabase() private readonly db: Database,
    personalData: PersonalData,
  ) {
    this.personal = personalData.codec(BUSINESS_PERSONAL_DATA);
  }

  private get collection() {
    return this.db.collection<BusinessDocument>(COLLECTION);
  }

  /**
   * Verification decisions (verify, revoke) made in `[from, to)`, from the businesses' histories
   * (monthly statistics; multikey index `history.at`); NTS checks that changed nothing are not
   * decisions.
   */
  async verificationDecisions(range: {
    from: Date;
    to: Date;
  }): Promise<{ action: 'verify' | 'revoke'; count: number }[]> {
    const within = { $gte: range.from, $lt: range.to };
    const rows = await this.collection
      .aggregate<{ _id: 'verify' | 'revoke'; count: number }>([
        { $match: { 'history.at': within } },
        { $unwind: '$history' },
        { $match: { 'history.at': within, 'history.action': { $in: ['verify', 'revoke'] } } },
        { $group: { _id: '$history.action', count: { $sum: 1 } } },
      ])
      .toArray();
    return rows.map((row) => ({ action: row._id, count: row.count }));
  }

  /**
   * A business from the old app (the Firestore migration), under the id the migration derived
   * from its source path: written, or left as it is when it already holds this source copy
   * (legacy-copy.ts). Its number is sealed and blind-indexed as ever: a number another business
   * holds is refused (`business_exists`) for the caller to report.
   */
  async importLegacy(
    id: string,
    input: Omit<NewBusiness, 'owner'> & {
      staff: StaffMember[];
      blockedWorkers: BlockedWorker[];
      verification?: Verification;
    },
    copy: LegacyCopy,
    at: Date,
  ): Promise<'written' | 'unchanged'> {
    const _id = parseId(id);
    if (!_id) throw new Error(`not an id: ${id}`);
    const personal = await this.personal.seal(id, {
      businessNumber: input.businessNumber,
      representativeName: input.representativeName,
    });
    const set = await this.personal.sealNotes(id, {
      ...personal,
      name: input.name,
      openingDate: input.openingDate,
      ...(input.address === undefined ? {} : { address: input.address }),
      ...(input.nts ? { nts: input.nts } : {}),
      ...(input.nts?.status === 'closed' ? { closedAt: input.nts.checkedAt } : {}),
      ...(input.verification ? { verification: input.verification } : {}),
      staff: input.staff,
      blockedWorkers: input.blockedWorkers,
      updatedAt: at,
    });
    try {
      return await importFromLegacy(
        this.collection,
        _id,
        copy,
        {
          $set: set,
          $setOnInsert: {
            history: [],
            createdAt: at,
            // Undecided in the old app: it waits for an operator here (once: a later import of
            // a changed copy must not put back one decided here).
            ...(input.verification || input.nts?.status === 'closed'
              ? {}
              : { reviewRegistration: reviewKey(at, id) }),
          },
          $inc: { version: 1 },
        },
        at,
      );
    } catch (error) {
      if (isDuplicateKeyError(error) && !('_id' in (error.keyPattern ?? {})))
        throw businessExists();
      throw error;
    }
  }

  /** Registers a business with its owner; a number already registered is 409 `business_exists`. */
  async create(input: NewBusiness, at: Date): Promise<Business> {
    const _id = newId();
    const id = _id.toHexString();
    const doc: BusinessDocument = {
      _id,
      ...((await this.personal.seal(id, {
        businessNumber: input.businessNumber,
        representativeName: input.representativeName,
      })) as Partial<BusinessDocument>),
      name: input.name,
      openingDate: input.openingDate,
      ...(input.address === undefined ? {} : { address: input.address }),
      ...(input.nts
        ? { nts: input.nts, ...(input.nts.status === 'closed' ? { closedAt: at } : {}) }
        : {}),
      ...(input.nts?.status === 'closed' ? {} : { reviewRegistration: reviewKey(at, id) }),
      history: [],
      staff: [{ memberId: input.owner, role: 'owner', addedBy: input.owner, addedAt: at }],
      blockedWorkers: [],
      createdAt: at,
      updatedAt: at,
      version: 0,
    };
    try {
      await this.collection.insertOne(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw businessExists();
      throw error;
    }
    return this.toBusiness(doc, {});
  }

  /** One page of the review queue, oldest first (its sparse index), after the key `after`. */
  async reviewQueue(
    after: string | undefined,
    limit: number,
  ): Promise<{ key: string; business: Business }[]> {
    const docs = await this.collection
      .find(
        { reviewRegistration: { $gt: after ?? '' } },
        { sort: { reviewRegistration: 1 }, limit },
      )
      .toArray();
    return Promise.all(
      docs.map(async (doc) => ({
        key: doc.reviewRegistration!,
        business: await this.toBusiness(doc, {}),
      })),
    );
  }

  /** The business holding a registration number (its ten digits), through the blind index. */
  async findByBusinessNumber(digits: string): Promise<Business | undefined> {
    const lookup = await this.personal.lookup('businessNumber', digits);
    const doc = await this.collection.findOne({ businessNumberLookup: lookup });
    return doc ? this.toBusiness(doc, {}) : undefined;
  }

  async getById(id: string, options: ReadOptions = {}): Promise<Business | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await this.collection.findOne({ _id });
    return doc ? this.toBusiness(doc, options) : undefined;
  }

  /** Whether the business exists, without reading (or decrypting) it. */
  async exists(id: string): Promise<boolean> {
    const _id = parseId(id);
    return _id !== null && (await this.collection.countDocuments({ _id }, { limit: 1 })) > 0;
  }

  /** Every note of the business, decrypted, with where it sits; undefined for an unknown one. */
  async notesOf(id: string): Promise<{ path: string; at: string; text: string }[] | undefined> {
    const _id = parseId(id);
    const doc = _id ? await this.collection.findOne({ _id }) : null;
    return doc
      ? this.personal.revealNotes(id, doc as unknown as Record<string, unknown>)
      : undefined;
  }

  /** Whether the business's personal data was destroyed after the retention period. */
  async isDestroyed(id: string): Promise<boolean> {
    const _id = parseId(id);
    const doc = _id
      ? await this.collection.findOne({ _id }, { projection: { destroyedAt: 1 } })
      : null;
    return doc?.destroyedAt !== undefined;
  }

  /** The businesses where the member is staff, oldest first. */
  async listForMember(memberId: string): Promise<Business[]> {
    const docs = await this.collection
      .find({ 'staff.memberId': memberId })
      .sort({ createdAt: 1, _id: 1 })
      .limit(100)
      .toArray();
    return Promise.all(docs.map((doc) => this.toBusiness(doc, {})));
  }

  /**
   * The member's role on the business's staff: `undefined` when not staff, `null` when there is
   * no such business.
   */
  async staffRole(id: string, memberId: string): Promise<StaffRole | undefined | null> {
    const _id = parseId(id);
    if (!_id) return null;
    const doc = await this.collection.findOne({ _id }, { projection: { staff: 1 } });
    if (!doc) return null;
    return doc.staff.find((s) => s.memberId === memberId)?.role;
  }

  /** The member ids of the business's staff; empty for an unknown business. */
  async staffIds(id: string): Promise<string[]> {
    const _id = parseId(id);
    if (!_id) return [];
    const doc = await this.collection.findOne({ _id }, { projection: { staff: 1 } });
    return doc?.staff.map((s) => s.memberId) ?? [];
  }

  /**
   * Applies `patch` if the business is still at `expectedVersion` (else
   * `ConcurrentModificationError`); undefined when there is no such business.
   */
  async update(
    id: string,
    expectedVersion: number,
    patch: BusinessPatch,
    at: Date,
    options: ReadOptions = {},
  ): Promise<Business | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await updateWithVersion(
      this.collection,
      { _id },
      expectedVersion,
      await this.toUpdate(id, patch, at),
    );
    // Verification counts (EMF): every decision and NTS check, once it is stored.
    if (doc && patch.event) {
      metrics().count('Verifications', {
        Subject: 'business',
        Action: patch.event.action,
        By: patch.event.byRole === 'system' ? 'system' : `staff-${patch.event.method}`,
      });
    }
    return doc ? this.toBusiness(doc, options) : undefined;
  }

  /**
   * A page of the businesses the NTS re-check asks about (every one whose number is still held),
   * in id order after `after`, with the number decrypted: the register is asked by number.
   */
  async forNtsCheck(page: { after?: string; limit: number }): Promise<NtsCheckTarget[]> {
    const after = page.after === undefined ? null : parseId(page.after);
    const docs = await this.collection
      .find({
        businessNumber: { $ne: null },
        ...(after ? { _id: { $gt: after } } : {}),
      })
      .sort({ _id: 1 })
      .limit(page.limit)
      .toArray();
    const targets: NtsCheckTarget[] = [];
    for (const doc of docs) {
      const business = await this.toBusiness(doc, { plaintext: ['businessNumber'] });
      if (!business.businessNumber) continue;
      targets.push({
        id: business.id,
        businessNumber: business.businessNumber,
        nts: business.nts,
        closedAt: business.closedAt,
        version: business.version,
      });
    }
    return targets;
  }

  /** What the eligibility engine needs; nothing personal is read. */
  async getFacts(id: string): Promise<BusinessFacts | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await this.collection.findOne({ _id }, { projection: FACTS_PROJECTION });
    if (!doc) return undefined;
    return {
      id,
      verified: doc.verification?.verified === true,
      ntsStatus: doc.nts?.status,
      blockedWorkerIds: new Set((doc.blockedWorkers ?? []).map((b) => b.workerId)),
    };
  }

  /**
   * The role of an active member (from the `members` profiles, role and status only), or
   * undefined when there is no such active member. Read here rather than through the members
   * module, which offers no lookup by id to other modules yet.
   */
  async activeMemberRole(memberId: string): Promise<Role | undefined> {
    const doc = await this.db
      .collection<MemberRoleDocument>('members')
      .findOne({ _id: memberId }, { projection: { role: 1, status: 1 } });
    return doc?.status === 'active' ? doc.role : undefined;
  }

  /** The update of `patch`, its notes sealed. */
  private async toUpdate(
    id: string,
    patch: BusinessPatch,
    at: Date,
  ): Promise<UpdateFilter<BusinessDocument>> {
    const set: Document = { updatedAt: at };
    const unset: Document = {};
    for (const key of [
      'name',
      'address',
      'registrationCertificateFileId',
      'nts',
      'closedAt',
      'verification',
    ] as const) {
      const value = patch[key];
      if (value === null) unset[key] = '';
      else if (value !== undefined) set[key] = value;
    }
    if (patch.staff) set.staff = patch.staff;
    if (patch.blockedWorkers) set.blockedWorkers = patch.blockedWorkers;
    // The review queue: a decision or a closure takes it off, new evidence puts it back.
    if (patch.verification !== undefined || patch.closedAt) unset.reviewRegistration = '';
    else if (typeof patch.registrationCertificateFileId === 'string') {
      set.reviewRegistration = reviewKey(at, id);
    }
    const update: Document = { $set: await this.personal.sealNotes(id, set) };
    if (Object.keys(unset).length) update.$unset = unset;
    const push: Document = {};
    if (patch.event) {
      const { history } = await this.personal.sealNotes(id, { history: [patch.event] });
      push.history = history[0];
    }
    if (patch.events?.length) push[OUTBOX_FIELD] = { $each: patch.events };
    if (Object.keys(push).length) update.$push = push;
    return update as UpdateFilter<BusinessDocument>;
  }

  private async toBusiness(stored: BusinessDocument, options: ReadOptions): Promise<Business> {
    const id = stored._id.toHexString();
    const p = await this.personal.open(stored as unknown as Record<string, unknown>, id, {
      plaintext: options.plaintext ?? [],
    });
    const doc = await this.personal.openNotes(id, stored, { plaintext: options.notes ?? false });
    return {
      id,
      businessNumber: p.businessNumber,
      representativeName: p.representativeName,
      name: doc.name,
      openingDate: doc.openingDate,
      address: doc.address,
      registrationCertificateFileId: doc.registrationCertificateFileId,
      nts: doc.nts,
      verification: doc.verification,
      history: doc.history ?? [],
      staff: doc.staff ?? [],
      blockedWorkers: doc.blockedWorkers ?? [],
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      closedAt: doc.closedAt,
      version: doc.version,
    };
  }
}

const businessExists = (): ConflictError =>
  new ConflictError('business_exists', 'A business with this registration number is registered.');
