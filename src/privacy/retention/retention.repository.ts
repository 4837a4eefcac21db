import type { Database, Filter } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import { isId } from '../../platform/storage/ids.js';
import type { RetentionClass } from '../personal-data/policy.js';

/**
 * A 파기 기록: what was destroyed, when, how and why; field names only, never values. Its `_id`
 * is `<collection>:<documentId>`, so writing it again (a re-run after a crash) changes nothing.
 */
export interface DestructionRecord {
  _id: string;
  collection: string;
  documentId: string;
  retentionClass: RetentionClass;
  method: 'anonymize' | 'delete';
  /** The personal fields the document still held, by name. */
  fields: string[];
  /** The date the retention period ran from (`withdrawnAt` of a member, say). */
  from: Date;
  periodDays: number;
  at: Date;
  /** Who or what destroyed it (`retention purge`). */
  by: string;
  reason: string;
}

/** A document past its retention period, still holding its personal data. */
export interface ExpiredDocument {
  _id: unknown;
  id: string;
  from: Date;
  doc: Record<string, unknown>;
}

/** Which documents of a collection are past their period: `from` before `cutoff`, not destroyed. */
export interface ExpirySelector {
  collection: string;
  /** The date field the period runs from. */
  from: string;
  cutoff: Date;
}

interface AnyDocument {
  _id: unknown;
  [field: string]: unknown;
}

const DESTRUCTIONS = 'privacy_destructions';

const documentIdOf = (id: unknown): string =>
  typeof id === 'string' ? id : isId(id) ? id.toHexString() : String(id);

/**
 * The selector as a filter, optionally for one document or after one `_id`. The ids of these
 * collections are strings or ObjectIds read back from the collection; the driver's types cannot
 * know which.
 */
function expired(selector: ExpirySelector, id?: unknown): Filter<AnyDocument> {
  return {
    [selector.from]: { $lt: selector.cutoff },
    destroyedAt: { $exists: false },
    ...(id === undefined ? {} : { _id: id }),
  } as Filter<AnyDocument>;
}

/**
 * The database side of retention: a generic walk over any collection holding personal data (the
 * collections come from the personal data registry) and the destruction records.
 */
export class RetentionRepository {
  constructor(private readonly db: Database) {}

  private collection(name: string) {
    return this.db.collection<AnyDocument>(name);
  }

  private get destructions() {
    return this.db.collection<DestructionRecord>(DESTRUCTIONS);
  }

  /** The next `limit` expired documents after `after`, in `_id` order. */
  async expiredBatch(
    selector: ExpirySelector,
    after: unknown,
    limit: number,
  ): Promise<ExpiredDocument[]> {
    const filter = expired(selector, after === undefined ? undefined : { $gt: after });
    const docs = await this.collection(selector.collection)
      .find(filter, { sort: { _id: 1 }, limit })
      .toArray();
    return docs.map((doc) => ({
      _id: doc._id,
      id: documentIdOf(doc._id),
      from: doc[selector.from] as Date,
      doc,
    }));
  }

  /** Stores the record; resolves false when it was stored already (by a run that then stopped). */
  async recordDestruction(record: DestructionRecord): Promise<boolean> {
    try {
      await this.destructions.insertOne(record);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async removeDestructionRecord(id: string): Promise<void> {
    await this.destructions.deleteOne({ _id: id });
  }

  /**
   * Removes the fields (`unset`), replaces the containers of notes (`set`) and marks the document
   * destroyed, if it is still expired (a member whose withdrawal was undone meanwhile is left
   * alone); resolves whether it did.
   */
  async anonymize(
    selector: ExpirySelector,
    id: unknown,
    change: { unset: Record<string, ''>; set: Record<string, unknown> },
    at: Date,
  ): Promise<boolean> {
    const result = await this.collection(selector.collection).updateOne(expired(selector, id), {
      $unset: change.unset,
      $set: { ...change.set, destroyedAt: at },
    });
    return result.matchedCount === 1;
  }

  /** Deletes the document if it is still expired; resolves whether it did. */
  async delete(selector: ExpirySelector, id: unknown): Promise<boolean> {
    const result = await this.collection(selector.collection).deleteOne(expired(selector, id));
    return result.deletedCount === 1;
  }

  /** Whether the document is gone or marked destroyed (by this run or another). */
  async isDestroyed(collection: string, id: unknown): Promise<boolean> {
    const doc = await this.collection(collection).findOne({ _id: id } as Filter<AnyDocument>);
    return doc === null || doc.destroyedAt !== undefined;
  }
}
