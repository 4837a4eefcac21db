import { Injectable } from '@nestjs/common';
import type { Binary, Filter } from 'mongodb';
import type { Role } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import { importFromLegacy, type LegacyCopy } from '../../platform/storage/legacy-copy.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { PersonalDataCodec } from '../../privacy/personal-data/codec.js';
import { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { MEMBER_PERSONAL_DATA } from './members.policy.js';

type PersonalField = keyof typeof MEMBER_PERSONAL_DATA.fields;

type MemberStatus = 'active' | 'withdrawn';

/**
 * A member's profile as the rest of the code sees it (never the stored shape). `email` and
 * `phone` are masked unless the read asked for them in plaintext.
 */
export interface Member {
  /** Cognito's `sub`; for users without one (migrated on cognito-local), their username. */
  id: string;
  /**
   * Cognito's username (a uuid; equal to the sub for users who signed up). Undefined for a member
   * migrated from Firebase who has not signed in yet (no Cognito user exists for them).
   */
  username: string | undefined;
  role: Role;
  status: MemberStatus;
  email: string | undefined;
  phone: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  withdrawnAt: Date | undefined;
  /** When the personal data was destroyed after the retention period (withdrawn members). */
  destroyedAt: Date | undefined;
  /** Blocked by staff: no sign-in, no token, until unblocked (who, when). */
  blocked: MemberBlock | undefined;
}

export interface MemberBlock {
  at: Date;
  /** The staff member's id. */
  by: string;
}

export interface NewMember {
  id: string;
  username: string;
  role: Role;
  email: string;
  phone: string | undefined;
}

/**
 * Stored shape. Email and phone are stored only as field ciphertext with blind-index lookups
 * (MEMBER_PERSONAL_DATA); after the retention period they are removed and `destroyedAt` set.
 */
interface MemberDocument {
  _id: string;
  username?: string;
  role: Role;
  status: MemberStatus;
  email?: Binary | null;
  emailLookup?: string | null;
  phone?: Binary | null;
  phoneLookup?: string | null;
  createdAt: Date;
  updatedAt: Date;
  withdrawnAt?: Date;
  destroyedAt?: Date;
  blocked?: MemberBlock;
}

const COLLECTION = MEMBER_PERSONAL_DATA.collection;

export interface MemberQuery {
  email?: string;
  phone?: string;
  role?: Role;
  status?: MemberStatus;
}

/** Reads: personal fields masked, except those named in `plaintext`. */
export interface ReadOptions {
  plaintext?: readonly PersonalField[];
}

@Injectable()
export class MembersRepository {
  private readonly personal: PersonalDataCodec<PersonalField>;

  constructor(
    @InjectDatabase() private readonly db: Database,
    personalData: PersonalData,
  ) {
    this.personal = personalData.codec(MEMBER_PERSONAL_DATA);
  }

  private get collection() {
    return this.db.collection<MemberDocument>(COLLECTION);
  }

  /**
   * Members created in `[from, to)`, by role (monthly statistics): answered from the keys of index
   * `createdAt_role` alone on the embedded engine.
   */
  async signUpsByRole(range: { from: Date; to: Date }): Promise<{ role: Role; count: number }[]> {
    const rows = await this.collection
      .aggregate<{ _id: Role; count: number }>([
        { $match: { createdAt: { $gte: range.from, $lt: range.to } } },
        { $group: { _id: '$role', count: { $sum: 1 } } },
      ])
      .toArray();
    return rows.map((row) => ({ role: row._id, count: row.count }));
  }

  private async toMember(doc: MemberDocument, options: ReadOptions): Promise<Member> {
    const personal = await this.personal.open(doc as unknown as Record<string, unknown>, doc._id, {
      plaintext: options.plaintext ?? [],
    });
    return {
      id: doc._id,
      username: doc.username,
      role: doc.role,
      status: doc.status,
      email: personal.email,
      phone: personal.phone,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      withdrawnAt: doc.withdrawnAt,
      destroyedAt: doc.destroyedAt,
      blocked: doc.blocked,
    };
  }

  async getById(id: string, options: ReadOptions = {}): Promise<Member | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? this.toMember(doc, options) : undefined;
  }

  /** Whether the member exists, without reading (or decrypting) the profile. */
  async exists(id: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: id }, { limit: 1 })) > 0;
  }

  /**
   * Members matching every given criterion, by id; email and phone match through their blind
   * indexes (any format of the same number finds it).
   */
  async find(
    query: MemberQuery,
    page: { after?: string; limit: number },
    options: ReadOptions = {},
  ): Promise<Member[]> {
    const filter: Filter<MemberDocument> = {};
    if (query.email !== undefined)
      filter.emailLookup = await this.personal.lookup('email', query.email);
    if (query.phone !== undefined)
      filter.phoneLookup = await this.personal.lookup('phone', query.phone);
    if (query.role !== undefined) filter.role = query.role;
    if (query.status !== undefined) filter.status = query.status;
    if (page.after !== undefined) filter._id = { $gt: page.after };
    const docs = await this.collection.find(filter).sort({ _id: 1 }).limit(page.limit).toArray();
    return Promise.all(docs.map((doc) => this.toMember(doc, options)));
  }

  /**
   * A member from the old app (the Firestore migration), by its Firebase uid: written, or left as
   * it is when it already holds this source copy (legacy-copy.ts). Email and phone are sealed as
   * ever; a member without them in Firebase (a phone sign-up without email) has none here either.
   */
  async importLegacy(
    member: { id: string; role: Role; status: MemberStatus; email?: string; phone?: string },
    copy: LegacyCopy,
    at: Date,
  ): Promise<'written' | 'unchanged'> {
    const personal = await this.personal.seal(member.id, {
      email: member.email ?? null,
      phone: member.phone ?? null,
    });
    return importFromLegacy(
      this.collection,
      member.id,
      copy,
      {
        $set: {
          role: member.role,
          status: member.status,
          ...personal,
          updatedAt: at,
          ...(member.status === 'withdrawn' ? { withdrawnAt: at } : {}),
        },
        $setOnInsert: { createdAt: at },
      },
      at,
    );
  }

  /** Creates the profile unless it exists; an existing one is left exactly as it is. */
  async createIfAbsent(member: NewMember, at: Date): Promise<void> {
    const personal = await this.personal.seal(member.id, {
      email: member.email,
      phone: member.phone ?? null,
    });
    await this.collection.updateOne(
      { _id: member.id },
      {
        $setOnInsert: {
          username: member.username,
          role: member.role,
          status: 'active',
          ...personal,
          createdAt: at,
          updatedAt: at,
        },
      },
      { upsert: true },
    );
    // A member the migration wrote before its first sign-in gets its Cognito username now.
    await this.collection.updateOne(
      { _id: member.id, username: { $exists: false } },
      { $set: { username: member.username, updatedAt: at } },
    );
  }

  /** Blocks the member unless blocked already: false when it was (or there is no such member). */
  async block(id: string, block: MemberBlock): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, blocked: { $exists: false } },
      { $set: { blocked: block, updatedAt: block.at } },
    );
    return result.modifiedCount === 1;
  }

  /** Lifts the member's block: false when there was none. */
  async unblock(id: string, at: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: id, blocked: { $exists: true } },
      { $unset: { blocked: '' }, $set: { updatedAt: at } },
    );
    return result.modifiedCount === 1;
  }

  /** Whether the member is blocked, read by id alone (every sign-in and refresh asks). */
  async isBlocked(id: string): Promise<boolean> {
    return (
      (await this.collection.countDocuments(
        { _id: id, blocked: { $exists: true } },
        { limit: 1 },
      )) > 0
    );
  }

  /** Marks the profile withdrawn (once: a second call keeps the first timestamp). */
  async markWithdrawn(id: string, at: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: id, status: 'active' },
      { $set: { status: 'withdrawn', withdrawnAt: at, updatedAt: at } },
    );
  }
}
