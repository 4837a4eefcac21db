import { createHash } from 'node:crypto';
import { ObjectId } from 'bson';

/** A new document id; repositories call this instead of importing the driver. */
export function newId(): ObjectId {
  return new ObjectId();
}

/**
 * The id of a document the Firestore migration made from the source document at `path`: the
 * first 12 bytes of SHA-256 of `firestore:<path>`, so writing it again is an upsert of the same
 * document, and a reference to the source document is rewritten without a lookup table.
 */
export function idFromLegacyPath(path: string): string {
  return createHash('sha256').update(`firestore:${path}`).digest('hex').slice(0, 24);
}

/**
 * The id a client sent as a string, or `null` when it cannot be one, so `getById('nonsense')`
 * reads as "not found" instead of failing.
 */
export function parseId(value: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(value) ? ObjectId.createFromHexString(value) : null;
}

/** True for an `ObjectId` from either implementation. */
export function isId(value: unknown): value is ObjectId {
  return value instanceof ObjectId;
}

/** When the id in `value` was made (an ObjectId carries its creation second), if it is one. */
export function idCreatedAt(value: string): Date | undefined {
  return parseId(value)?.getTimestamp();
}
