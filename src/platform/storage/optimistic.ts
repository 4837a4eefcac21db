import type { Collection, Document, Filter, UpdateFilter, WithId } from './database.js';
import { ConcurrentModificationError } from './errors.js';

/** A document guarded by optimistic concurrency: every guarded write increments `version`. */
export interface Versioned {
  version: number;
}

/**
 * Applies `update` only if the document matching `filter` is still at `expectedVersion`, and
 * increments the version in the same write; returns the updated document. Returns `null` when no
 * document matches `filter` at all, and throws `ConcurrentModificationError` when one does but
 * another write moved its version since the caller read it.
 *
 * One conditional single-document write: no transaction, so it works on DocumentDB unchanged.
 */
export async function updateWithVersion<T extends Versioned & Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  expectedVersion: number,
  update: UpdateFilter<T>,
): Promise<WithId<T> | null> {
  const touched = [
    '$set',
    '$unset',
    '$inc',
    '$setOnInsert',
    '$rename',
    '$min',
    '$max',
    '$mul',
  ].some((op) => (update as Document)[op] && 'version' in ((update as Document)[op] as Document));
  if (touched) throw new Error('updateWithVersion manages `version` itself; do not update it');
  const guarded = { $and: [filter, { version: expectedVersion }] } as Filter<T>;
  const inc = { ...((update as Document).$inc as Document | undefined), version: 1 };
  const guardedUpdate = { ...(update as Document), $inc: inc } as unknown as UpdateFilter<T>;
  const updated = await collection.findOneAndUpdate(guarded, guardedUpdate, {
    returnDocument: 'after',
  });
  if (updated) return updated;
  const current = await collection.findOne(filter, { projection: { version: 1 } });
  if (!current) return null;
  throw new ConcurrentModificationError(
    collection.collectionName,
    expectedVersion,
    typeof current.version === 'number' ? current.version : undefined,
  );
}

/**
 * Runs a read-modify-write `attempt` again when it loses a race (`ConcurrentModificationError`),
 * up to `attempts` times in all; any other error, or the last conflict, reaches the caller.
 */
export async function retryOnConflict<R>(
  attempt: (attemptNumber: number) => Promise<R>,
  options: { attempts?: number } = {},
): Promise<R> {
  const attempts = options.attempts ?? 3;
  if (attempts < 1) throw new RangeError('retryOnConflict needs at least one attempt');
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || n >= attempts) throw error;
    }
  }
}
