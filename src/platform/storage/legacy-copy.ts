import { createHash } from 'node:crypto';
import type { Collection, Document, UpdateFilter } from './database.js';
import { ConcurrentModificationError, isDuplicateKeyError } from './errors.js';

/**
 * What a document migrated from the old app keeps of its source until the migration's cleanup
 * (docs/legacy-firestore.md, "How it maps into our model"): under `_legacy.sources.<key>`, the
 * source document's values, encrypted by the migration (they hold whatever the old app stored,
 * personal data among it), its path, its update time when the source knows it, and the marker
 * (canonical hash and mapping version) that makes a second import of the same source a no-op.
 * A repository stores this as given: it cannot read inside `sealed`.
 */
export interface LegacyCopy {
  /** The source document's path (`users/u1/bankAccounts/b1`). */
  path: string;
  /** SHA-256 (hex) of the source document's canonical form: unchanged source, nothing to write. */
  hash: string;
  /** The source values, encrypted by the migration (firestore-migration/codec/legacy-sealer.ts). */
  sealed: unknown;
  updateTime?: Date;
  /** The mapping's version: a new mapping rewrites what an older one wrote. */
  mappingVersion: number;
}

const LEGACY_FIELD = '_legacy';

/** The key of a source under `_legacy.sources`: a short hash of its path (no dots, fixed length). */
export function legacySourceKey(path: string): string {
  return createHash('sha256').update(path).digest('base64url').slice(0, 22);
}

/** Where a copy's marker sits: the hash and mapping version it was written with. */
function markerPath(copy: LegacyCopy): string {
  return `${LEGACY_FIELD}.sources.${legacySourceKey(copy.path)}.marker`;
}

const markerOf = (copy: LegacyCopy) => `${copy.mappingVersion}:${copy.hash}`;

/** The `$set` entries that store a legacy copy, and its `$setOnInsert` (the first migration time). */
function legacyUpdate(copy: LegacyCopy, at: Date): { set: Document; setOnInsert: Document } {
  const key = legacySourceKey(copy.path);
  return {
    set: {
      [`${LEGACY_FIELD}.sources.${key}`]: {
        path: copy.path,
        sealed: copy.sealed,
        ...(copy.updateTime ? { updateTime: copy.updateTime } : {}),
        marker: markerOf(copy),
        writtenAt: at,
      },
    },
    setOnInsert: { [`${LEGACY_FIELD}.migratedAt`]: at },
  };
}

/**
 * Writes a document made from a legacy source: the mapped fields (`update`, whose `$set` and
 * `$setOnInsert` the caller built, personal data sealed) and the legacy copy, unless the target
 * already holds this copy written by this mapping version. One round trip when something is to
 * write; an unchanged source costs one failed update and one refused insert (the filter on the
 * marker makes the upsert try to insert the existing `_id`). Answers what happened.
 */
export async function importFromLegacy<T extends Document>(
  collection: Collection<T>,
  id: unknown,
  copy: LegacyCopy,
  update: { $set?: Document; $setOnInsert?: Document; $unset?: Document; $inc?: Document },
  at: Date,
  /**
   * Conditions the existing document must still meet (its `version` as read, when the update was
   * computed from it): when it no longer does, `ConcurrentModificationError` (read again, retry).
   */
  expected: Document = {},
): Promise<'written' | 'unchanged'> {
  const legacy = legacyUpdate(copy, at);
  const filter = { ...expected, _id: id, [markerPath(copy)]: { $ne: markerOf(copy) } };
  const write = {
    ...(update.$unset ? { $unset: update.$unset } : {}),
    ...(update.$inc ? { $inc: update.$inc } : {}),
    $set: { ...update.$set, ...legacy.set },
    $setOnInsert: { ...update.$setOnInsert, ...legacy.setOnInsert },
  } as unknown as UpdateFilter<T>;
  try {
    await collection.updateOne(filter as never, write, { upsert: true });
    return 'written';
  } catch (error) {
    // The document exists, and either carries this copy already or no longer meets `expected`:
    // the upsert tried to insert its `_id`.
    if (!(isDuplicateKeyError(error) && isIdConflict(error))) throw error;
    if (Object.keys(expected).length === 0) return 'unchanged';
    const held = await collection.countDocuments({
      _id: id,
      [markerPath(copy)]: markerOf(copy),
    } as never);
    if (held > 0) return 'unchanged';
    const version = typeof expected.version === 'number' ? expected.version : -1;
    throw new ConcurrentModificationError(collection.collectionName, version, undefined);
  }
}

/** A duplicate key on `_id` (the marker case), as opposed to a unique index of the collection. */
function isIdConflict(error: unknown): boolean {
  const e = error as { keyPattern?: Record<string, unknown>; message?: string };
  if (e.keyPattern) return Object.keys(e.keyPattern).length === 1 && '_id' in e.keyPattern;
  return /_id_|\b_id\b/.test(e.message ?? '');
}
