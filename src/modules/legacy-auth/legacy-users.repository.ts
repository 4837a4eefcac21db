import type { Role } from '../../platform/auth/principal.js';
import type { AnyBulkWriteOperation, Database } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';

/** The roles a Firebase user can bring: members only (staff are created, never migrated). */
export const LEGACY_ROLES = ['worker', 'business'] as const satisfies readonly Role[];
export type LegacyRole = (typeof LEGACY_ROLES)[number];

/**
 * What the Cognito triggers and the first sign-in need of each imported Firebase Auth user. The
 * password hash and salt are secrets and the email and phone are personal data: they are read
 * and written here only, and leave this file only inside a `LegacyUser`, which nothing logs.
 */
export interface LegacyUser {
  /** Firebase's uid (`localId`); becomes `custom:firebase_uid` in Cognito. */
  uid: string;
  /** Lower-cased and trimmed: the pool treats usernames case-insensitively. */
  email: string;
  emailVerified: boolean;
  /** Absent for OAuth-only users and for hashes Firebase never rehashed to its scrypt. */
  password: { hash: string; salt: string } | undefined;
  disabled: boolean;
  /** Firebase provider ids (`password`, `google.com`, …). */
  providers: string[];
  /**
   * The `role` claim of the Firebase custom claims: the group the account gets at its first
   * sign-in. Undefined only for records stored before the import read it (such users are not
   * migrated until an import stores it).
   */
  role: LegacyRole | undefined;
  /** Firebase's `phoneNumber` (E.164), copied into the member record at the first sign-in. */
  phone: string | undefined;
  /** Set once, when a trigger first hands the user to Cognito. */
  migratedAt: Date | undefined;
  /**
   * The Cognito user the account became (its `sub`), linked at its first sign-in. The member id
   * stays the Firebase uid: the data migration writes the member's data under it.
   */
  cognitoId: string | undefined;
}

export type LegacyUserRecord = Omit<LegacyUser, 'migratedAt' | 'cognitoId'>;

interface LegacyUserDocument {
  _id: string;
  email: string;
  emailVerified: boolean;
  passwordHash: string | null;
  salt: string | null;
  disabled: boolean;
  providers: string[];
  role?: LegacyRole | null;
  phone?: string | null;
  importedAt: Date;
  migratedAt: Date | null;
  cognitoId?: string | null;
}

/** One document: a fingerprint of the hash parameters the users were imported with. */
interface HashParametersDocument {
  _id: string;
  fingerprint: string;
  recordedAt: Date;
}

export const LEGACY_USERS_COLLECTION = 'legacy_auth_users';
const SETTINGS_COLLECTION = 'legacy_auth_settings';
const HASH_PARAMETERS_ID = 'firebase-hash-parameters';
const BATCH_SIZE = 500;

export interface UpsertSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Firebase uids whose email another stored legacy user already holds. */
  emailTaken: string[];
}

function toLegacyUser(doc: LegacyUserDocument): LegacyUser {
  return {
    uid: doc._id,
    email: doc.email,
    emailVerified: doc.emailVerified,
    password: doc.passwordHash && doc.salt ? { hash: doc.passwordHash, salt: doc.salt } : undefined,
    disabled: doc.disabled,
    providers: doc.providers,
    role: doc.role ?? undefined,
    phone: doc.phone ?? undefined,
    migratedAt: doc.migratedAt ?? undefined,
    cognitoId: doc.cognitoId ?? undefined,
  };
}

interface WriteErrorLike {
  index: number;
  code?: number;
}

export class LegacyUsersRepository {
  constructor(private readonly db: Database) {}

  private get users() {
    return this.db.collection<LegacyUserDocument>(LEGACY_USERS_COLLECTION);
  }

  private get settings() {
    return this.db.collection<HashParametersDocument>(SETTINGS_COLLECTION);
  }

  /** By email as typed at sign-in: normalized here, so callers cannot forget to. */
  async getByEmail(email: string): Promise<LegacyUser | undefined> {
    const doc = await this.users.findOne({ email: email.trim().toLowerCase() });
    return doc ? toLegacyUser(doc) : undefined;
  }

  /** After the member withdrew: the old password must not bring the account back. */
  async deleteByEmail(email: string): Promise<void> {
    await this.users.deleteOne({ email: email.trim().toLowerCase() });
  }

  async getByUid(uid: string): Promise<LegacyUser | undefined> {
    const doc = await this.users.findOne({ _id: uid });
    return doc ? toLegacyUser(doc) : undefined;
  }

  /**
   * Inserts new users and refreshes known ones from a newer export; idempotent (the same records
   * again modify nothing) and never touches `migratedAt` or `importedAt` of a stored user.
   */
  async upsertMany(records: readonly LegacyUserRecord[], now: Date): Promise<UpsertSummary> {
    const summary: UpsertSummary = { inserted: 0, updated: 0, unchanged: 0, emailTaken: [] };
    for (let start = 0; start < records.length; start += BATCH_SIZE) {
      const batch = records.slice(start, start + BATCH_SIZE);
      const operations: AnyBulkWriteOperation<LegacyUserDocument>[] = batch.map((record) => ({
        updateOne: {
          filter: { _id: record.uid },
          update: {
            $set: {
              email: record.email,
              emailVerified: record.emailVerified,
              passwordHash: record.password?.hash ?? null,
              salt: record.password?.salt ?? null,
              disabled: record.disabled,
              providers: record.providers,
              role: record.role ?? null,
              phone: record.phone ?? null,
            },
            $setOnInsert: { importedAt: now, migratedAt: null },
          },
          upsert: true,
        },
      }));
      let counts: { upsertedCount: number; matchedCount: number; modifiedCount: number };
      let failed: WriteErrorLike[] = [];
      try {
        counts = await this.users.bulkWrite(operations, { ordered: false });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const bulk = error as unknown as {
          writeErrors?: WriteErrorLike[] | WriteErrorLike;
          result?: { upsertedCount: number; matchedCount: number; modifiedCount: number };
        };
        failed = [bulk.writeErrors ?? []].flat();
        if (!bulk.result || failed.some((e) => !isDuplicateCode(e.code))) throw error;
        counts = bulk.result;
      }
      summary.inserted += counts.upsertedCount;
      summary.updated += counts.modifiedCount;
      summary.unchanged += counts.matchedCount - counts.modifiedCount;
      for (const { index } of failed) {
        const record = batch[index];
        if (record) summary.emailTaken.push(record.uid);
      }
    }
    return summary;
  }

  /** Records the first migration only; a second trigger for the same user keeps that date. */
  async markMigrated(uid: string, at: Date): Promise<void> {
    await this.users.updateOne({ _id: uid, migratedAt: null }, { $set: { migratedAt: at } });
  }

  /** The Cognito user the first sign-in made of this Firebase user. */
  async linkCognitoUser(uid: string, cognitoId: string): Promise<void> {
    await this.users.updateOne({ _id: uid }, { $set: { cognitoId } });
  }

  /** The Firebase uid (= member id) a Cognito user was linked to, if any. */
  async uidOfCognitoUser(cognitoId: string): Promise<string | undefined> {
    const doc = await this.users.findOne({ cognitoId }, { projection: { _id: 1 } });
    return doc?._id;
  }

  async countMigrated(): Promise<{ total: number; migrated: number }> {
    const [total, migrated] = await Promise.all([
      this.users.countDocuments({}),
      this.users.countDocuments({ migratedAt: { $ne: null } }),
    ]);
    return { total, migrated };
  }

  async getHashParametersFingerprint(): Promise<string | undefined> {
    return (await this.settings.findOne({ _id: HASH_PARAMETERS_ID }))?.fingerprint;
  }

  async saveHashParametersFingerprint(fingerprint: string, at: Date): Promise<void> {
    await this.settings.updateOne(
      { _id: HASH_PARAMETERS_ID },
      { $set: { fingerprint, recordedAt: at } },
      { upsert: true },
    );
  }
}

function isDuplicateCode(code: number | undefined): boolean {
  return code === 11000 || code === 11001;
}
