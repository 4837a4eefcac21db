import type { AppConfig } from '../../config/config.js';
import type { Database } from '../../platform/storage/database.js';
import type { PersonalDataCodec } from '../personal-data/codec.js';
import { RETENTION_CLASSES, type RetentionClass } from '../personal-data/policy.js';
import { type ExpirySelector, RetentionRepository } from './retention.repository.js';

const DEFAULT_BATCH_SIZE = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The configured retention period of every class, in days. */
export function retentionPeriods(privacy: AppConfig['privacy']): Record<RetentionClass, number> {
  return {
    'member-account': privacy.withdrawnMemberRetentionDays,
    'work-record': privacy.workRecordRetentionDays,
  };
}

export interface PurgeOptions {
  db: Database;
  /** One per personal data policy. */
  codecs: readonly PersonalDataCodec<string>[];
  periods: Record<RetentionClass, number>;
  now: Date;
  /** Lists what would go and writes nothing. */
  dryRun: boolean;
  batchSize?: number;
  /** Who destroys, for the destruction records. */
  by?: string;
}

/** A document that is (or, in a dry run, would be) destroyed. */
interface PurgedDocument {
  collection: string;
  id: string;
  /** The date its retention period ran from. */
  from: Date;
}

interface CollectionPurge {
  collection: string;
  method: 'anonymize' | 'delete';
  /** The date field the period runs from. */
  from: string;
  count: number;
}

interface ClassPurge {
  retentionClass: RetentionClass;
  periodDays: number;
  /** Documents whose period began before this are past it. */
  cutoff: Date;
  count: number;
  collections: CollectionPurge[];
  /** Dry run only: what would go (a real run counts, to keep its memory bounded). */
  documents?: PurgedDocument[];
}

export interface PurgeResult {
  dryRun: boolean;
  at: Date;
  classes: ClassPurge[];
}

/**
 * Destroys, per retention class, the personal data whose period has passed: documents whose
 * `retention.from` date is older than `now` minus the class's period and that are not destroyed
 * yet. `anonymize` removes the personal fields and their lookups and sets `destroyedAt`; `delete`
 * removes the document. Each gets a destruction record, written first under a deterministic id,
 * so a crash between the two never leaves destroyed data without its record, and the next run,
 * finding the data still there, completes it. Runs in batches, so memory stays bounded.
 */
export async function purgeExpired(options: PurgeOptions): Promise<PurgeResult> {
  const repository = new RetentionRepository(options.db);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const by = options.by ?? 'retention purge';
  const at = options.now;

  const classes = (Object.keys(RETENTION_CLASSES) as RetentionClass[]).map(
    (retentionClass): ClassPurge => {
      const periodDays = options.periods[retentionClass];
      if (!(Number.isInteger(periodDays) && periodDays >= 0)) {
        throw new Error(`the retention period of ${retentionClass} must be whole days`);
      }
      return {
        retentionClass,
        periodDays,
        cutoff: new Date(at.getTime() - periodDays * DAY_MS),
        count: 0,
        collections: [],
        ...(options.dryRun ? { documents: [] } : {}),
      };
    },
  );

  for (const codec of options.codecs) {
    const { retention } = codec.policy;
    const purge = classes.find((c) => c.retentionClass === retention.class);
    if (!purge) continue;
    const selector: ExpirySelector = {
      collection: codec.collection,
      from: retention.from,
      cutoff: purge.cutoff,
    };
    const counted: CollectionPurge = {
      collection: codec.collection,
      method: retention.method,
      from: retention.from,
      count: 0,
    };
    purge.collections.push(counted);
    const reason =
      `retention period of ${retention.class} ended: ${purge.periodDays} days after ` +
      `${retention.from}`;

    let after: unknown;
    for (;;) {
      const batch = await repository.expiredBatch(selector, after, batchSize);
      for (const expired of batch) {
        after = expired._id;
        if (options.dryRun) {
          purge.documents?.push({
            collection: codec.collection,
            id: expired.id,
            from: expired.from,
          });
          counted.count += 1;
          continue;
        }
        const recordId = `${codec.collection}:${expired.id}`;
        const created = await repository.recordDestruction({
          _id: recordId,
          collection: codec.collection,
          documentId: expired.id,
          retentionClass: retention.class,
          method: retention.method,
          fields: codec.presentFields(expired.doc),
          from: expired.from,
          periodDays: purge.periodDays,
          at,
          by,
          reason,
        });
        const done =
          retention.method === 'anonymize'
            ? await repository.anonymize(
                selector,
                expired._id,
                await codec.destruction(expired.doc),
                at,
              )
            : await repository.delete(selector, expired._id);
        if (done) counted.count += 1;
        else if (created && !(await repository.isDestroyed(codec.collection, expired._id))) {
          // No longer expired (its withdrawal was undone meanwhile): nothing was destroyed.
          await repository.removeDestructionRecord(recordId);
        }
      }
      if (batch.length < batchSize) break;
    }
    purge.count += counted.count;
  }
  return { dryRun: options.dryRun, at, classes };
}
