import type { Database, Filter } from '../../platform/storage/database.js';
import { isDuplicateKeyError } from '../../platform/storage/errors.js';
import type { AccessAnchor, AccessRecord } from './access-record.js';

/** A stored record: `_id` is the sequence number. */
type AccessRecordDocument = Omit<AccessRecord, 'seq'> & { _id: number };

/** Where the chain ended the last time an append finished; a tripwire for tail truncation. */
interface AccessHeadDocument {
  _id: 'head';
  seq: number;
  mac: string;
  at: Date;
}

type AccessAnchorDocument = AccessAnchor & { _id: 'anchor' };

const RECORDS = 'privacy_access_records';
const HEAD = 'privacy_access_head';
const ANCHOR = 'privacy_access_anchor';

/** Type bracketing: `$gt: 0` matches positive numbers only, so strings or ObjectIds never count. */
const CHAINED: Filter<AccessRecordDocument> = { _id: { $gt: 0 } };

const toAccessRecord = ({ _id, ...rest }: AccessRecordDocument): AccessRecord => ({
  seq: _id,
  ...rest,
});

/** The only code that touches the 접속기록 collections. Records are inserted, read and purged. */
export class AccessRecordsRepository {
  constructor(private readonly db: Database) {}

  private get records() {
    return this.db.collection<AccessRecordDocument>(RECORDS);
  }

  private get heads() {
    return this.db.collection<AccessHeadDocument>(HEAD);
  }

  private get anchors() {
    return this.db.collection<AccessAnchorDocument>(ANCHOR);
  }

  async getLast(): Promise<AccessRecord | undefined> {
    const doc = await this.records.findOne(CHAINED, { sort: { _id: -1 } });
    return doc ? toAccessRecord(doc) : undefined;
  }

  /** Resolves false when another writer already holds this sequence number. */
  async insert(record: AccessRecord): Promise<boolean> {
    const { seq, ...rest } = record;
    try {
      await this.records.insertOne({ _id: seq, ...rest });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async getHead(): Promise<{ seq: number; mac: string } | undefined> {
    const doc = await this.heads.findOne({ _id: 'head' });
    return doc ? { seq: doc.seq, mac: doc.mac } : undefined;
  }

  /** Moves the head forward only (a `$max` that carries the MAC along). */
  async advanceHead(seq: number, mac: string, at: Date): Promise<void> {
    try {
      await this.heads.updateOne(
        { _id: 'head', seq: { $lt: seq } },
        { $set: { seq, mac, at } },
        { upsert: true },
      );
    } catch (error) {
      // The head exists at `seq` or beyond: the upsert's insert collided with it, nothing to do.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async getAnchor(): Promise<AccessAnchor | undefined> {
    const doc = await this.anchors.findOne({ _id: 'anchor' });
    if (!doc) return undefined;
    const { _id, ...anchor } = doc;
    return anchor;
  }

  /** Moves the anchor forward only; resolves whether this one is now stored. */
  async advanceAnchor(anchor: AccessAnchor): Promise<boolean> {
    try {
      const result = await this.anchors.updateOne(
        { _id: 'anchor', firstSeq: { $lt: anchor.firstSeq } },
        { $set: anchor },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return false;
    }
  }

  /** Up to `limit` records after `afterSeq`, in sequence order. */
  async getBatch(afterSeq: number, limit: number): Promise<AccessRecord[]> {
    const docs = await this.records
      .find({ _id: { $gt: afterSeq } }, { sort: { _id: 1 }, limit })
      .toArray();
    return docs.map(toAccessRecord);
  }

  /** Documents whose `_id` is no sequence number: nothing the service writes looks like that. */
  async countForeign(): Promise<number> {
    return this.records.countDocuments({ $nor: [CHAINED] } as Filter<AccessRecordDocument>);
  }

  async deleteThrough(lastSeq: number): Promise<number> {
    const result = await this.records.deleteMany({ _id: { $gt: 0, $lte: lastSeq } });
    return result.deletedCount;
  }

  /**
   * Up to `limit` records with `from <= at < to`, newest first (sequence numbers follow time),
   * below `beforeSeq` when given, of one actor or one data subject when given (their indexes).
   */
  async page(query: {
    from: Date;
    to: Date;
    beforeSeq?: number;
    actorId?: string;
    subjectId?: string;
    limit: number;
  }): Promise<AccessRecord[]> {
    const filter: Filter<AccessRecordDocument> = {
      at: { $gte: query.from, $lt: query.to },
      _id: query.beforeSeq === undefined ? { $gt: 0 } : { $gt: 0, $lt: query.beforeSeq },
      ...(query.actorId === undefined ? {} : { 'actor.id': query.actorId }),
      ...(query.subjectId === undefined ? {} : { subjects: query.subjectId }),
    } as Filter<AccessRecordDocument>;
    const docs = await this.records
      .find(filter, { sort: { _id: -1 }, limit: query.limit })
      .toArray();
    return docs.map(toAccessRecord);
  }

  /** Records with `from <= at < to`, by time then sequence, streamed by the driver. */
  between(from: Date, to: Date): AsyncIterable<AccessRecord> {
    const cursor = this.records.find({ at: { $gte: from, $lt: to } }, { sort: { at: 1, _id: 1 } });
    return {
      async *[Symbol.asyncIterator]() {
        for await (const doc of cursor) yield toAccessRecord(doc);
      },
    };
  }
}
