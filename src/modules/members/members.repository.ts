import { Injectable } from '@nestjs/common';
import type { Role } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';

export type MemberStatus = 'active' | 'withdrawn';

/** A member's profile as the rest of the code sees it (never the stored shape). */
export interface Member {
  /** Cognito's `sub`; for users without one (migrated on cognito-local), their username. */
  id: string;
  /** Cognito's username (a uuid; equal to the sub for users who signed up). */
  username: string;
  role: Role;
  status: MemberStatus;
  email: string;
  phone: string | undefined;
  createdAt: Date;
  updatedAt: Date;
  withdrawnAt: Date | undefined;
}

export interface NewMember {
  id: string;
  username: string;
  role: Role;
  email: string;
  phone: string | undefined;
}

/**
 * Stored shape. Email and phone are plain for now; the privacy issue encrypts them, which is why
 * they are read and written only in this file.
 */
interface MemberDocument {
  _id: string;
  username: string;
  role: Role;
  status: MemberStatus;
  email: string;
  phone: string | null;
  createdAt: Date;
  updatedAt: Date;
  withdrawnAt?: Date;
}

const COLLECTION = 'members';

function toMember(doc: MemberDocument): Member {
  return {
    id: doc._id,
    username: doc.username,
    role: doc.role,
    status: doc.status,
    email: doc.email,
    phone: doc.phone ?? undefined,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    withdrawnAt: doc.withdrawnAt,
  };
}

@Injectable()
export class MembersRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<MemberDocument>(COLLECTION);
  }

  async getById(id: string): Promise<Member | undefined> {
    const doc = await this.collection.findOne({ _id: id });
    return doc ? toMember(doc) : undefined;
  }

  /** Creates the profile unless it exists; an existing one is left exactly as it is. */
  async createIfAbsent(member: NewMember, at: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: member.id },
      {
        $setOnInsert: {
          username: member.username,
          role: member.role,
          status: 'active',
          email: member.email,
          phone: member.phone ?? null,
          createdAt: at,
          updatedAt: at,
        },
      },
      { upsert: true },
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
