import type { Database, Document } from '../storage/database.js';
import { isDuplicateKeyError } from '../storage/errors.js';
import type { OutboxEvent } from './outbox-event.js';
import { OUTBOX_FIELD } from './outbox-event.js';

export const OUTBOX_CLAIMS = 'outbox_claims';
export const OUTBOX_DEAD_LETTERS = 'outbox_dead_letters';

/** A source document with undelivered events, as the dispatcher reads it. */
export interface PendingDocument {
  /** Whatever the source uses (an ObjectId for assignments); handed back unchanged. */
  _id: unknown;
  outbox: OutboxEvent[];
}

/**
 * Delivery state of one event, `_id` = the event id. Inserting it is taking the claim; it lives on
 * between attempts to count them and to hold the backoff, and goes when the event is delivered or
 * parked. `availableAt` is both the lease's end (a crashed holder's claim can be taken once it has
 * passed) and the earliest next attempt after a failure.
 */
export interface OutboxClaim {
  _id: string;
  owner: string | null;
  availableAt: Date;
  /** Failed attempts so far. */
  attempts: number;
  lastError: string | null;
  collection: string;
  type: string;
  /** TTL: a claim orphaned by a crash between removal and release goes by itself. */
  expireAt: Date;
}

/** A parked event: what it was, where it came from, and why it could not be delivered. */
export interface OutboxDeadLetter {
  _id: string;
  event: OutboxEvent;
  collection: string;
  documentId: unknown;
  attempts: number;
  error: string;
  parkedAt: Date;
}

const CLAIM_RETENTION_MS = 7 * 86_400_000;

export interface ClaimRequest {
  event: OutboxEvent;
  collection: string;
  owner: string;
  now: Date;
  leaseMs: number;
}

/** The outbox's database access: source documents' `outbox` arrays, claims and dead letters. */
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  private get claims() {
    return this.db.collection<OutboxClaim>(OUTBOX_CLAIMS);
  }

  private get deadLetters() {
    return this.db.collection<OutboxDeadLetter>(OUTBOX_DEAD_LETTERS);
  }

  /**
   * A page of documents of `collection` that hold undelivered events, in `_id` order after
   * `afterId`. `outbox.id` exists only while an event waits, so the sparse index on it holds
   * exactly the documents with work.
   */
  async pendingDocuments(
    collection: string,
    afterId: unknown,
    limit: number,
  ): Promise<PendingDocument[]> {
    const filter: Document = { [`${OUTBOX_FIELD}.id`]: { $exists: true } };
    if (afterId !== undefined) filter._id = { $gt: afterId };
    return this.db
      .collection(collection)
      .find<PendingDocument>(filter, {
        sort: { _id: 1 },
        limit,
        projection: { _id: 1, [OUTBOX_FIELD]: 1 },
      })
      .toArray();
  }

  /** When each of these events may next be claimed; absent ids have no claim (free now). */
  async availability(eventIds: readonly string[]): Promise<Map<string, Date>> {
    if (eventIds.length === 0) return new Map();
    const found = await this.claims
      .find({ _id: { $in: [...eventIds] } }, { projection: { _id: 1, availableAt: 1 } })
      .toArray();
    return new Map(found.map((claim) => [claim._id, claim.availableAt]));
  }

  /**
   * Takes the claim on an event for `leaseMs`: by creating it, or by taking over one whose lease or
   * backoff has passed. Returns the failed attempts so far, or `null` when someone else holds it.
   */
  async claim(request: ClaimRequest): Promise<{ attempts: number } | null> {
    const { event, collection, owner, now, leaseMs } = request;
    const availableAt = new Date(now.getTime() + leaseMs);
    const expireAt = new Date(now.getTime() + CLAIM_RETENTION_MS);
    try {
      await this.claims.insertOne({
        _id: event.id,
        owner,
        availableAt,
        attempts: 0,
        lastError: null,
        collection,
        type: event.type,
        expireAt,
      });
      return { attempts: 0 };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const taken = await this.claims.findOneAndUpdate(
      { _id: event.id, availableAt: { $lte: now } },
      { $set: { owner, availableAt, expireAt } },
      { returnDocument: 'after' },
    );
    return taken ? { attempts: taken.attempts } : null;
  }

  /** Whether the event still waits in its document (another holder may have delivered it). */
  async isPending(collection: string, documentId: unknown, eventId: string): Promise<boolean> {
    const found = await this.db
      .collection(collection)
      .countDocuments({ _id: documentId, [`${OUTBOX_FIELD}.id`]: eventId } as Document);
    return found > 0;
  }

  /**
   * Removes exactly this event from its document. A `$pull` by id, not a rewrite of the array, so
   * events pushed meanwhile stay; the document's `version` is left alone, so the writer's
   * optimistic updates never conflict with delivery.
   */
  async remove(collection: string, documentId: unknown, eventId: string): Promise<void> {
    await this.db.collection(collection).updateOne(
      { _id: documentId } as Document,
      {
        $pull: { [OUTBOX_FIELD]: { id: eventId } },
      } as Document,
    );
  }

  /** Drops our claim (after delivery, parking, or finding the event gone). */
  async release(eventId: string, owner: string): Promise<void> {
    await this.claims.deleteOne({ _id: eventId, owner });
  }

  /** Records a failed attempt and hands the event back, to be claimed again from `retryAt`. */
  async fail(eventId: string, owner: string, retryAt: Date, error: string): Promise<void> {
    await this.claims.updateOne(
      { _id: eventId, owner },
      { $set: { owner: null, availableAt: retryAt, lastError: error }, $inc: { attempts: 1 } },
    );
  }

  /** Keeps the event in the dead letters (idempotent: parking twice keeps one). */
  async park(letter: OutboxDeadLetter): Promise<void> {
    const { _id, ...rest } = letter;
    await this.deadLetters.replaceOne({ _id }, rest, { upsert: true });
  }
}
