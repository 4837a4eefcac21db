import type { Database } from '../../platform/storage/database.js';
import { FieldDecryptionError } from '../crypto/field-decryption.error.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { PersonalDataCodec } from '../personal-data/codec.js';
import {
  type CollectionProgress,
  MAX_STORED_FAILURES,
  type ReencryptionFailure,
  type ReencryptionJob,
  ReencryptionRepository,
  type StoredDocument,
} from './reencryption.repository.js';

const DEFAULT_BATCH_SIZE = 500;
/** Conditional writes that lost to a concurrent API write are retried on a fresh read this often. */
const WRITE_ATTEMPTS = 5;

export type ReencryptProgress =
  | {
      kind: 'start';
      keyVersion: number;
      resumed: boolean;
      /** Documents already handled by an earlier run of this pass. */
      done: number;
      total: number;
    }
  | {
      kind: 'batch';
      collection: string;
      /** This collection's documents handled so far, and its size when the pass began. */
      scanned: number;
      collectionTotal: number;
      done: number;
      total: number;
    }
  | { kind: 'collection'; progress: CollectionProgress; done: number; total: number };

export interface ReencryptOptions {
  db: Database;
  /** One per personal data policy; their ciphers must encrypt with `keys`. */
  codecs: readonly PersonalDataCodec<string>[];
  keys: KeyRing;
  batchSize?: number;
  onProgress?: (event: ReencryptProgress) => void;
  /** Stops the pass after the batch in progress; its position is saved, a re-run resumes it. */
  signal?: AbortSignal;
  now?: () => Date;
}

export interface ReencryptResult {
  keyVersion: number;
  /** False when `signal` stopped it before every collection was done. */
  finished: boolean;
  resumed: boolean;
  collections: CollectionProgress[];
  /** Records that did not decrypt and were left as they are (of this pass, earlier runs too). */
  failures: ReencryptionFailure[];
  /** How many failures there were in all (only the first ones are kept). */
  failed: number;
}

const sum = (list: CollectionProgress[], pick: (c: CollectionProgress) => number): number =>
  list.reduce((total, c) => total + pick(c), 0);

/** The saved job when it targets `keyVersion` and is unfinished: the pass to resume. */
export function resumableJob(
  job: ReencryptionJob | undefined,
  keyVersion: number,
): ReencryptionJob | undefined {
  return job && job.keyVersion === keyVersion && !job.finishedAt ? job : undefined;
}

/**
 * Brings every encrypted personal field to the key ring's current version, collection by
 * collection in `_id` order and in batches, without stopping the API: reads accept every version
 * meanwhile, and each write is conditional on the old ciphertexts so a concurrent change wins.
 * The position is saved after every batch (`privacy_jobs`), so a run that stops is resumed by the
 * next one for the same version; a newer current version starts a new pass from the beginning.
 * A value that does not decrypt is reported (collection, id, field, never the value) and skipped.
 */
export async function reencrypt(options: ReencryptOptions): Promise<ReencryptResult> {
  const repository = new ReencryptionRepository(options.db);
  const now = options.now ?? (() => new Date());
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const keyVersion = options.keys.currentVersion;

  const saved = resumableJob(await repository.getJob(), keyVersion);
  const job: ReencryptionJob = saved ?? {
    keyVersion,
    startedAt: now(),
    updatedAt: now(),
    collections: [],
    failures: [],
  };
  // Collections added to the registry since the pass began join it; ones removed are left out.
  job.collections = options.codecs.map(
    (codec) =>
      job.collections.find((c) => c.collection === codec.collection) ?? {
        collection: codec.collection,
        done: false,
        scanned: 0,
        reencrypted: 0,
        failed: 0,
      },
  );
  await repository.saveJob(job);

  const totals = new Map<string, number>();
  for (const progress of job.collections) {
    // Documents inserted meanwhile are written under the new version already; a resumed pass
    // counts what it handled before plus what is left, so the bar neither overshoots nor lags.
    totals.set(progress.collection, await repository.count(progress.collection));
  }
  const total = (): number =>
    sum(job.collections, (c) =>
      c.done ? c.scanned : Math.max(totals.get(c.collection) ?? 0, c.scanned),
    );
  const done = (): number => sum(job.collections, (c) => c.scanned);
  options.onProgress?.({
    kind: 'start',
    keyVersion,
    resumed: saved !== undefined,
    done: done(),
    total: total(),
  });

  const fail = (progress: CollectionProgress, failure: ReencryptionFailure): void => {
    progress.failed += 1;
    if (job.failures.length < MAX_STORED_FAILURES) job.failures.push(failure);
  };

  let finished = true;
  for (const codec of options.codecs) {
    const progress = job.collections.find((c) => c.collection === codec.collection);
    if (!progress || progress.done) continue;
    for (;;) {
      if (options.signal?.aborted) break;
      const batch = await repository.nextBatch(progress.collection, progress.after, batchSize);
      for (const stored of batch) {
        const outcome = await reencryptOne(repository, codec, stored, keyVersion);
        if (outcome === 'reencrypted') progress.reencrypted += 1;
        else if (outcome !== 'unchanged') fail(progress, outcome);
        progress.scanned += 1;
        progress.after = stored._id;
      }
      if (batch.length < batchSize) progress.done = true;
      job.updatedAt = now();
      await repository.saveJob(job);
      if (batch.length > 0) {
        options.onProgress?.({
          kind: 'batch',
          collection: progress.collection,
          scanned: progress.scanned,
          collectionTotal: Math.max(totals.get(progress.collection) ?? 0, progress.scanned),
          done: done(),
          total: total(),
        });
      }
      if (progress.done) break;
    }
    if (!progress.done) {
      finished = false;
      break;
    }
    options.onProgress?.({
      kind: 'collection',
      progress: { ...progress },
      done: done(),
      total: total(),
    });
  }

  if (finished) {
    job.finishedAt = now();
    job.updatedAt = job.finishedAt;
    await repository.saveJob(job);
  }
  return {
    keyVersion,
    finished,
    resumed: saved !== undefined,
    collections: job.collections.map((c) => ({ ...c })),
    failures: [...job.failures],
    failed: sum(job.collections, (c) => c.failed),
  };
}

/**
 * One document: re-encrypted, nothing to do (already current, or deleted meanwhile), or why it
 * could not be. A write that matched nothing lost to a concurrent write: the document is read
 * again and its new values re-encrypted, if they still need it.
 */
async function reencryptOne(
  repository: ReencryptionRepository,
  codec: PersonalDataCodec<string>,
  first: StoredDocument,
  keyVersion: number,
): Promise<'reencrypted' | 'unchanged' | ReencryptionFailure> {
  let stored: StoredDocument | undefined = first;
  let fields: string[] = [];
  for (let attempt = 0; attempt < WRITE_ATTEMPTS && stored; attempt++) {
    let change;
    try {
      change = await codec.reseal(stored.doc, stored.id, keyVersion);
    } catch (error) {
      if (!(error instanceof FieldDecryptionError)) throw error;
      return {
        collection: error.collection,
        documentId: error.documentId,
        field: error.field,
        reason: error.reason,
      };
    }
    if (!change) return 'unchanged';
    fields = Object.keys(change.set);
    if (await repository.replaceFields(codec.collection, stored._id, change.expected, change.set)) {
      return 'reencrypted';
    }
    stored = await repository.getById(codec.collection, stored._id);
  }
  if (!stored) return 'unchanged';
  return {
    collection: codec.collection,
    documentId: stored.id,
    field: fields.join(','),
    reason: 'kept_changing',
  };
}
