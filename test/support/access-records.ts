import type { Database } from '../../src/platform/storage/database.js';
import type { AccessRecord } from '../../src/privacy/access/access-record.js';

/** The newest access record (접속기록), with its sequence number, or undefined when none. */
export async function lastAccessRecord(db: Database): Promise<AccessRecord | undefined> {
  const [doc] = await db
    .collection<{ _id: number }>('privacy_access_records')
    .find({})
    .sort({ _id: -1 })
    .limit(1)
    .toArray();
  return doc ? ({ seq: doc._id, ...doc } as unknown as AccessRecord) : undefined;
}
