import type { Database, Filter } from '../../platform/storage/database.js';
import { isId } from '../../platform/storage/ids.js';

/** A stored value that did not decrypt: where it is, never what it holds. */
export interface ReencryptionFailure {
  collection: string;
  documentId: string;
  field: string;
  reason: string;
}

/** How far one collection of a re-encryption pass has come. */
export interface CollectionProgress {
  collection: string;
  /** The `_id` of the last document handled; the next batch starts after it. */
  after?: unknown;
  done: boolean;
  scanned: number;
  reencrypted: number;
  failed: number;
}

/**
 * The persisted state of a re-encryption pass (`privacy_jobs`, `_id: 'reencrypt'`): what makes
 * `cli privacy rotate-keys` resumable after a crash or Ctrl-C.
 */
export interface ReencryptionJob {
  /** The key version every record is being brought to. */
  keyVersion: number;
  startedAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  collections: CollectionProgress[];
  /** The first {@link MAX_STORED_FAILURES} failures; `failed` per collection counts them all. */
  failures: ReencryptionFailure[];
}

export const MAX_STORED_FAILURES = 1_000;

interface ReencryptionJobDocument extends ReencryptionJob {
  _id: string;
}

const JOBS = 'privacy_jobs';
const JOB_ID = 'reencrypt';

/** A stored document with the id its field ciphertexts are bound to. */
export interface StoredDocument {
  _id: unknown;
  id: string;
  doc: Record<string, unknown>;
}

/** The string a document's field ciphertexts are bound to: the `_id`, as text. */
function documentIdOf(id: unknown): string {
  if (typeof id === 'string') return id;
  if (isId(id)) return id.toHexString();
  return String(id);
}

/** Any document of a collection holding personal data: the walk reads only `_id` itself. */
interface AnyDocument {
  _id: unknown;
  [field: string]: unknown;
}

/**
 * A filter on `_id` plus `rest`. The ids of these collections are strings or ObjectIds, read back
 * from the collection itself; the driver's types cannot know which.
 */
const idFilter = (id: unknown, rest: Record<string, unknown> = {}): Filter<AnyDocument> =>
  ({ ...rest, _id: id }) as Filter<AnyDocument>;

const stored = (doc: AnyDocument): StoredDocument => ({
  _id: doc._id,
  id: documentIdOf(doc._id),
  doc,
});

/**
 * The database side of key rotation: the job record, and a generic walk over any collection that
 * holds personal data (the collections come from the personal data registry, not one feature).
 */
export class ReencryptionRepository {
  constructor(private readonly db: Database) {}

  private get jobs() {
    return this.db.collection<ReencryptionJobDocument>(JOBS);
  }

  async getJob(): Promise<ReencryptionJob | undefined> {
    const doc = await this.jobs.findOne({ _id: JOB_ID });
    if (!doc) return undefined;
    const { _id, ...job } = doc;
    return job;
  }

  async saveJob(job: ReencryptionJob): Promise<void> {
    await this.jobs.replaceOne({ _id: JOB_ID }, job, { upsert: true });
  }

  private collection(name: string) {
    return this.db.collection<AnyDocument>(name);
  }

  async count(collection: string): Promise<number> {
    return this.collection(collection).countDocuments({});
  }

  /** The next `limit` documents after `after`, in `_id` order. */
  async nextBatch(collection: string, after: unknown, limit: number): Promise<StoredDocument[]> {
    const filter = after === undefined ? {} : idFilter({ $gt: after });
    const docs = await this.collection(collection)
      .find(filter, { sort: { _id: 1 }, limit })
      .toArray();
    return docs.map(stored);
  }

  async getById(collection: string, id: unknown): Promise<StoredDocument | undefined> {
    const doc = await this.collection(collection).findOne(idFilter(id));
    return doc ? stored(doc) : undefined;
  }

  /**
   * Sets the re-encrypted fields only while the document still holds the ciphertexts they were
   * made from, so a value the API wrote meanwhile is never overwritten; resolves whether it did.
   */
  async replaceFields(
    collection: string,
    id: unknown,
    expected: Record<string, unknown>,
    set: Record<string, unknown>,
  ): Promise<boolean> {
    const result = await this.collection(collection).updateOne(idFilter(id, expected), {
      $set: set,
    });
    return result.matchedCount === 1;
  }
}
