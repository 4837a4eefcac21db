import { metrics } from '../../platform/metrics/metrics.js';
import { Injectable } from '@nestjs/common';
import type { Binary } from 'mongodb';
import { ConflictError } from '../../platform/errors/domain.error.js';
import type { Database, Document, Filter, UpdateFilter } from '../../platform/storage/database.js';
import { ConcurrentModificationError, isDuplicateKeyError } from '../../platform/storage/errors.js';
import { updateWithVersion } from '../../platform/storage/optimistic.js';
import { importFromLegacy, type LegacyCopy } from '../../platform/storage/legacy-copy.js';
import { reviewKey } from '../../platform/storage/review-key.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { PersonalDataCodec, PersonalValues } from '../../privacy/personal-data/codec.js';
import { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import type { WorkerFacts, WorkerStatus } from './worker-facts.js';
import { WORKER_PERSONAL_DATA, type WorkerPersonalField } from './workers.policy.js';

/** The identity verification (본인인증) of a worker: by a provider, or by an operator on evidence. */
interface IdentityState {
  provider: 'nice' | 'danal' | 'manual';
  verifiedAt: Date;
  /** The operator who verified by hand. */
  by?: string;
  /** What the operator verified on, or the provider's reference. */
  evidence?: string;
  revokedAt?: Date;
  /** Who revoked: an operator id, or `self` (the worker changed the verified legal name). */
  revokedBy?: string;
  revokeReason?: string;
}

/** A provider verification the worker started and has not confirmed yet. */
interface IdentitySession {
  provider: 'nice' | 'danal';
  transactionId: string;
  requestId: string;
  expiresAt: Date;
  /**
   * With the callback route: SHA-256 (base64url) of the unguessable state in the callback URL,
   * which finds the session; the state itself is never stored.
   */
  stateHash?: string;
  /** With the callback route: where the browser goes with the result. */
  appReturnUrl?: string;
}

/** The payout account's state; its number and holder name are personal fields beside it. */
export interface BankAccountState {
  /** 3-digit Korean bank code. */
  bankCode: string;
  registeredAt: Date;
  verifiedAt?: Date;
  method?: 'popbill' | 'manual';
  /** The operator who verified by hand. */
  verifiedBy?: string;
  holderMatchesLegalName: boolean;
  /** The last provider check, verbatim (Popbill `result`, `resultMessage`). */
  lastCheck?: { result: string; resultMessage: string; at: Date };
  /**
   * An operator verified the holder although the system's name comparison found it different
   * from the legal name: who, when and why (the reason is a note). Gone when the account or the
   * legal name changes, or the verification is revoked.
   */
  holderMismatchOverride?: { by: string; at: Date; reason: string };
  /**
   * An operator refused the account while it waited, or revoked it once verified: it no longer
   * waits for review; registering another account starts over.
   */
  revokedAt?: Date;
  revokedBy?: string;
  /**
   * Set by the Firestore migration: how it ranked this account among the worker's accounts in
   * the old app (`1:` primary, then the creation time), so a lower-ranked one read later does
   * not replace it. Gone when the worker registers an account.
   */
  legacyRank?: string;
}

interface Qualification {
  code: string;
  expiresAt?: Date;
  verifiedAt?: Date;
  verifiedBy?: string;
  /** `self` (declared by the worker) or the operator who added it. */
  addedBy: string;
  addedAt: Date;
  /** The worker's uploaded certificate (a ready file of the files module), the evidence. */
  certificateFileId?: string;
  /** An operator refused it while it waited, or revoked it: it no longer waits for review. */
  revokedAt?: Date;
  revokedBy?: string;
}

export interface NoShow {
  assignmentId: string;
  shiftId: string;
  /** The shift's start. */
  at: Date;
}

/** One verification or status decision, kept on the worker: who, when, on what evidence. */
export interface VerificationEvent {
  subject: 'identity' | 'bankAccount' | 'qualification' | 'status';
  action: 'verify' | 'revoke' | 'activate' | 'suspend';
  /** The qualification code, for `qualification` events. */
  code?: string;
  /** An operator's id, `self`, or the provider (`popbill`, `nice`, `danal`). */
  by: string;
  byRole?: 'operator' | 'admin' | 'worker' | 'provider';
  at: Date;
  evidence: string;
  /** A bank account verified over the system's holder name mismatch. */
  override?: boolean;
}

/** A worker profile as the rest of the code sees it; personal fields masked unless asked for. */
export interface Worker {
  id: string;
  status: WorkerStatus;
  statusReason: string | undefined;
  legalName: string | undefined;
  birthDate: string | undefined;
  phone: string | undefined;
  /** Whether a CI is held (its value is never readable). */
  hasCi: boolean;
  identity: IdentityState | undefined;
  identitySession: IdentitySession | undefined;
  /** The session's `secret` from the verifier; hidden unless read in plaintext by name. */
  identitySessionSecret: string | undefined;
  bankAccount:
    (BankAccountState & { number: string | undefined; holderName: string | undefined }) | undefined;
  qualifications: Qualification[];
  noShows: NoShow[];
  history: VerificationEvent[];
  createdAt: Date;
  updatedAt: Date;
  withdrawnAt: Date | undefined;
  version: number;
}

/**
 * A change of a worker, in domain terms. Personal values go through the codec (`null` clears);
 * `ci` is stored only as its lookup (`null` frees it); `null` removes a state.
 */
export interface WorkerPatch {
  personal?: PersonalValues<Exclude<WorkerPersonalField, 'ci'>>;
  ci?: string | null;
  status?: WorkerStatus;
  statusReason?: string | null;
  identity?: IdentityState | null;
  identitySession?: IdentitySession | null;
  bankAccount?: BankAccountState | null;
  qualifications?: Qualification[];
  withdrawnAt?: Date;
  event?: VerificationEvent;
}

interface WorkerDocument {
  _id: string;
  status: WorkerStatus;
  statusReason?: string;
  legalName?: Binary | null;
  birthDate?: Binary | null;
  phone?: Binary | null;
  phoneLookup?: string | null;
  ciLookup?: string;
  identitySessionSecret?: Binary | null;
  accountNumber?: Binary | null;
  accountNumberLookup?: string | null;
  accountHolderName?: Binary | null;
  identity?: IdentityState;
  identitySession?: IdentitySession;
  bankAccount?: BankAccountState;
  qualifications: Qualification[];
  noShows: NoShow[];
  history: VerificationEvent[];
  createdAt: Date;
  updatedAt: Date;
  withdrawnAt?: Date;
  destroyedAt?: Date;
  /**
   * What waits for an operator (the review queue), present only while it waits: `<since>|<id>`,
   * `since` an ISO instant, so the sparse indexes give the queue oldest first and the key is a
   * unique cursor. Kept by `toUpdate` from the bank account and the qualifications it writes.
   */
  reviewBankAccount?: string;
  reviewQualification?: string;
  version: number;
}

/** The review queues of workers, by what waits: each is one sparse index (reviewKey). */
export type WorkerReviewKind = 'bank_account' | 'qualification';
const REVIEW_FIELDS = {
  bank_account: 'reviewBankAccount',
  qualification: 'reviewQualification',
} as const satisfies Record<WorkerReviewKind, keyof WorkerDocument>;

/** The bank account waits for an operator: not verified, not refused. */
function bankAccountWaits(
  account: BankAccountState | null | undefined,
): account is BankAccountState {
  return account != null && account.verifiedAt === undefined && account.revokedAt === undefined;
}

/** When the oldest qualification still waiting was declared, if one waits. */
function qualificationsWaitSince(qualifications: readonly Qualification[]): Date | undefined {
  const waiting = qualifications
    .filter((q) => q.verifiedAt === undefined && q.revokedAt === undefined)
    .map((q) => q.addedAt.getTime());
  return waiting.length ? new Date(Math.min(...waiting)) : undefined;
}

const COLLECTION = WORKER_PERSONAL_DATA.collection;
/** The unique sparse index of `ciLookup` (migration 1795600100000-CreateWorkers). */
const CI_INDEX = 'ciLookup_unique';
/** One `$in` query per this many ids. */
const FACTS_CHUNK = 1_000;
/** What eligibility reads: no personal field but the birth date (the only one it decrypts). */
const FACTS_PROJECTION = {
  status: 1,
  birthDate: 1,
  identity: 1,
  bankAccount: 1,
  qualifications: 1,
  noShows: 1,
} as const;

/**
 * Reads: personal fields masked, except those named in `plaintext`; notes (evidence, reasons)
 * masked unless `notes` is true or names their paths. A service that writes back what it read
 * (a revocation keeps the evidence) reads the notes in plaintext.
 */
export interface ReadOptions {
  plaintext?: readonly WorkerPersonalField[];
  notes?: boolean | readonly string[];
}

function identityStands(identity: IdentityState | undefined): boolean {
  return identity !== undefined && identity.revokedAt === undefined;
}

@Injectable()
export class WorkersRepository {
  private readonly personal: PersonalDataCodec<WorkerPersonalField>;

  constructor(
    @InjectDatabase() private readonly db: Database,
    personalData: PersonalData,
  ) {
    this.personal = personalData.codec(WORKER_PERSONAL_DATA);
  }

  private get collection() {
    return this.db.collection<WorkerDocument>(COLLECTION);
  }

  /**
   * Verification decisions made in `[from, to)`, by subject and action, from the workers'
   * histories (monthly statistics; multikey index `history.at`). The subject, action and time of
   * an entry are stored plain; only its evidence is sealed.
   */
  async verificationDecisions(range: {
    from: Date;
    to: Date;
  }): Promise<
    { subject: VerificationEvent['subject']; action: VerificationEvent['action']; count: number }[]
  > {
    const within = { $gte: range.from, $lt: range.to };
    const rows = await this.collection
      .aggregate<{
        _id: { subject: VerificationEvent['subject']; action: VerificationEvent['action'] };
        count: number;
      }>([
        { $match: { 'history.at': within } },
        { $unwind: '$history' },
        { $match: { 'history.at': within } },
        {
          $group: {
            _id: { subject: '$history.subject', action: '$history.action' },
            count: { $sum: 1 },
          },
        },
      ])
      .toArray();
    return rows.map((row) => ({ ...row._id, count: row.count }));
  }

  /**
   * One page of a review queue, oldest first (its sparse index): the workers whose `kind` waits
   * for an operator, after the key `after`, with that key for each.
   */
  async reviewQueue(
    kind: WorkerReviewKind,
    after: string | undefined,
    limit: number,
  ): Promise<{ key: string; worker: Worker }[]> {
    const field = REVIEW_FIELDS[kind];
    const docs = await this.collection
      .find({ [field]: { $gt: after ?? '' } } as Filter<WorkerDocument>, {
        sort: { [field]: 1 },
        limit,
      })
      .toArray();
    return Promise.all(
      docs.map(async (doc) => ({ key: doc[field]!, worker: await this.toWorker(doc, {}) })),
    );
  }

  async getById(id: string, options: ReadOptions = {}): Promise<Worker | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? this.toWorker(doc, options) : undefined;
  }

  /** Every note of the worker, decrypted, with where it sits; undefined without a profile. */
  async notesOf(id: string): Promise<{ path: string; at: string; text: string }[] | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    return doc
      ? this.personal.revealNotes(id, doc as unknown as Record<string, unknown>)
      : undefined;
  }

  /** Whether the worker's personal data was destroyed after the retention period. */
  async isDestroyed(id: string): Promise<boolean> {
    const doc = await this.collection.findOne({ _id: id }, { projection: { destroyedAt: 1 } });
    return doc?.destroyedAt !== undefined;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: id }, { limit: 1 })) > 0;
  }

  /** Creates the profile at version 0; a profile created meanwhile is a lost race (retry). */
  async create(id: string, patch: WorkerPatch, at: Date): Promise<Worker> {
    const doc: WorkerDocument = {
      _id: id,
      status: 'active',
      qualifications: [],
      noShows: [],
      history: [],
      createdAt: at,
      updatedAt: at,
      version: 0,
      ...((await this.toUpdate(id, patch, at)).$set as Partial<WorkerDocument>),
    };
    try {
      await this.collection.insertOne(doc);
    } catch (error) {
      if (isDuplicateKeyError(error) && !this.isCiConflict(error)) {
        throw new ConcurrentModificationError(COLLECTION, 0, undefined);
      }
      throw this.mapWriteError(error);
    }
    return this.toWorker(doc, {});
  }

  /**
   * Applies `patch` if the profile is still at `expectedVersion` (else
   * `ConcurrentModificationError`); undefined when there is no such profile. A CI another worker
   * holds is a 409 `identity_already_used`, and nothing is written.
   */
  async update(
    id: string,
    expectedVersion: number,
    patch: WorkerPatch,
    at: Date,
  ): Promise<Worker | undefined> {
    const update = await this.toUpdate(id, patch, at);
    try {
      const doc = await updateWithVersion(this.collection, { _id: id }, expectedVersion, update);
      // Verification counts (EMF): every decision, by whom it was made, once it is stored.
      if (doc && patch.event) {
        metrics().count('Verifications', {
          Subject: patch.event.subject,
          Action: patch.event.action,
          By: verifiedBy(patch.event.byRole),
        });
      }
      return doc ? this.toWorker(doc, {}) : undefined;
    } catch (error) {
      throw this.mapWriteError(error);
    }
  }

  /**
   * A worker profile from the old app (the Firestore migration), by the member's Firebase uid: the
   * patch applied and the source copy kept, or nothing done when it already holds this copy
   * (legacy-copy.ts). A CI another worker holds is refused as by `update`
   * (`identity_already_used`): the caller reports it and imports without it.
   */
  async importLegacy(
    id: string,
    patch: WorkerPatch,
    copy: LegacyCopy,
    at: Date,
    /** The version the patch was computed from (a merge into an existing profile). */
    expectedVersion?: number,
  ): Promise<'written' | 'unchanged'> {
    const update = (await this.toUpdate(id, patch, at)) as {
      $set?: Document;
      $unset?: Document;
    };
    const set = { ...update.$set };
    // New profiles start as `create` makes them; what the patch sets wins.
    const onInsert: Document = {
      status: 'active',
      qualifications: [],
      noShows: [],
      history: [],
      createdAt: at,
    };
    for (const key of Object.keys(set)) delete onInsert[key];
    try {
      return await importFromLegacy(
        this.collection,
        id,
        copy,
        {
          $set: set,
          $setOnInsert: onInsert,
          // The app's writes are optimistic on the version: one in flight fails, and retries.
          $inc: { version: 1 },
          ...(update.$unset ? { $unset: update.$unset } : {}),
        },
        at,
        expectedVersion === undefined ? {} : { version: expectedVersion },
      );
    } catch (error) {
      throw this.mapWriteError(error);
    }
  }

  /** The worker whose identity session has this state hash (index `identitySession_stateHash`). */
  async getByIdentityState(
    stateHash: string,
    options: ReadOptions = {},
  ): Promise<Worker | undefined> {
    const doc = await this.collection.findOne({ 'identitySession.stateHash': stateHash });
    return doc ? this.toWorker(doc, options) : undefined;
  }

  /** Whether another worker than `exceptId` holds this CI. */
  async ciHeldByAnother(ci: string, exceptId: string): Promise<boolean> {
    const ciLookup = await this.personal.lookup('ci', ci);
    const found = await this.collection.countDocuments(
      { ciLookup, _id: { $ne: exceptId } },
      { limit: 1 },
    );
    return found > 0;
  }

  /**
   * Adds a no-show unless one for the same assignment is there (idempotent). False when there is
   * no such worker.
   */
  async addNoShow(id: string, noShow: NoShow, at: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, 'noShows.assignmentId': { $ne: noShow.assignmentId } },
      { $push: { noShows: noShow }, $set: { updatedAt: at }, $inc: { version: 1 } },
    );
    return result.matchedCount > 0 || this.exists(id);
  }

  /**
   * The engine's facts of each worker found, by id: one query per 1,000 ids, and only the birth
   * date decrypted (names, phone and account are not even read).
   */
  async getFacts(ids: readonly string[]): Promise<Map<string, WorkerFacts>> {
    const out = new Map<string, WorkerFacts>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += FACTS_CHUNK) {
      const chunk = unique.slice(i, i + FACTS_CHUNK);
      const docs = await this.collection
        .find({ _id: { $in: chunk } }, { projection: FACTS_PROJECTION })
        .toArray();
      for (const doc of docs) {
        const birthDate = await this.personal.plaintext(
          doc as unknown as Record<string, unknown>,
          doc._id,
          'birthDate',
        );
        out.set(doc._id, toFacts(doc, birthDate));
      }
    }
    return out;
  }

  private async toUpdate(
    id: string,
    patch: WorkerPatch,
    at: Date,
  ): Promise<UpdateFilter<WorkerDocument>> {
    const set: Document = { updatedAt: at };
    const unset: Document = {};
    if (patch.personal) Object.assign(set, await this.personal.seal(id, patch.personal));
    if (patch.ci !== undefined) {
      // Removed rather than nulled: the unique index is sparse, and a null is still a key.
      if (patch.ci === null) unset.ciLookup = '';
      else set.ciLookup = await this.personal.lookup('ci', patch.ci);
    }
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.statusReason !== undefined) {
      if (patch.statusReason === null) unset.statusReason = '';
      else set.statusReason = patch.statusReason;
    }
    for (const key of ['identity', 'identitySession', 'bankAccount'] as const) {
      const value = patch[key];
      if (value === null) unset[key] = '';
      else if (value !== undefined) set[key] = value;
    }
    if (patch.qualifications) set.qualifications = patch.qualifications;
    if (patch.withdrawnAt) set.withdrawnAt = patch.withdrawnAt;
    // The review queues follow what is written; a withdrawn worker leaves them.
    if (patch.bankAccount !== undefined) {
      if (bankAccountWaits(patch.bankAccount)) {
        set.reviewBankAccount = reviewKey(patch.bankAccount.registeredAt, id);
      } else unset.reviewBankAccount = '';
    }
    if (patch.qualifications) {
      const since = qualificationsWaitSince(patch.qualifications);
      if (since) set.reviewQualification = reviewKey(since, id);
      else unset.reviewQualification = '';
    }
    if (patch.withdrawnAt) {
      delete set.reviewBankAccount;
      delete set.reviewQualification;
      unset.reviewBankAccount = '';
      unset.reviewQualification = '';
    }
    const update: Document = { $set: await this.personal.sealNotes(id, set) };
    if (Object.keys(unset).length) update.$unset = unset;
    if (patch.event) {
      const { history } = await this.personal.sealNotes(id, { history: [patch.event] });
      update.$push = { history: history[0] };
    }
    return update as UpdateFilter<WorkerDocument>;
  }

  private isCiConflict(error: unknown): boolean {
    if (!isDuplicateKeyError(error)) return false;
    return (
      Boolean(error.keyPattern && 'ciLookup' in error.keyPattern) ||
      error.message.includes(CI_INDEX)
    );
  }

  private mapWriteError(error: unknown): unknown {
    if (this.isCiConflict(error)) {
      return new ConflictError(
        'identity_already_used',
        'This person already holds a worker account (the same CI is verified on another one).',
      );
    }
    return error;
  }

  private async toWorker(stored: WorkerDocument, options: ReadOptions): Promise<Worker> {
    const p = await this.personal.open(stored as unknown as Record<string, unknown>, stored._id, {
      plaintext: options.plaintext ?? [],
    });
    const doc = await this.personal.openNotes(stored._id, stored, {
      plaintext: options.notes ?? false,
    });
    return {
      id: doc._id,
      status: doc.status,
      statusReason: doc.statusReason,
      legalName: p.legalName,
      birthDate: p.birthDate,
      phone: p.phone,
      hasCi: typeof doc.ciLookup === 'string',
      identity: doc.identity,
      identitySession: doc.identitySession,
      identitySessionSecret: p.identitySessionSecret,
      bankAccount: doc.bankAccount && {
        ...doc.bankAccount,
        number: p.accountNumber,
        holderName: p.accountHolderName,
      },
      qualifications: doc.qualifications,
      noShows: doc.noShows,
      history: doc.history,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      withdrawnAt: doc.withdrawnAt,
      version: doc.version,
    };
  }
}

function toFacts(
  doc: Pick<WorkerDocument, '_id' | keyof typeof FACTS_PROJECTION>,
  birthDate: string | undefined,
): WorkerFacts {
  return {
    id: doc._id,
    status: doc.status,
    birthDate,
    identityVerified: identityStands(doc.identity),
    bankAccount: doc.bankAccount && {
      verified: doc.bankAccount.verifiedAt !== undefined,
      holderMatchesLegalName: doc.bankAccount.holderMatchesLegalName,
      ...(doc.bankAccount.holderMismatchOverride
        ? {
            holderMismatchOverride: {
              by: doc.bankAccount.holderMismatchOverride.by,
              at: doc.bankAccount.holderMismatchOverride.at,
            },
          }
        : {}),
    },
    // Self-declared qualifications count only once an operator (or a provider) verified them.
    qualifications: (doc.qualifications ?? [])
      .filter((q) => q.verifiedAt !== undefined)
      .map((q) => ({ code: q.code, expiresAt: q.expiresAt })),
    noShows: (doc.noShows ?? []).map((n) => n.at),
  };
}

/** Who made a verification decision, as a metric's dimension (never an id). */
function verifiedBy(role: VerificationEvent['byRole']): string {
  if (role === 'operator' || role === 'admin') return 'staff';
  if (role === 'worker') return 'self';
  return role ?? 'unknown';
}
