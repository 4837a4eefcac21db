import { parentOf, selectFrom, type FirestoreSource } from '../source/firestore-source.js';
import type { SourceDoc } from '../firestore/value.js';

/** What an admin's email finds among the old app's users. */
export type LegacyUidByEmail =
  | { found: string; via: 'auth' | 'firestore' }
  | { ambiguous: string[] }
  | { notFound: true }
  /** The source took longer than the caller could wait (a file read whole). */
  | { tooSlow: true };

/**
 * Which user of the old app an email means, for the migration of one user by email: the
 * Firebase Auth account holding it first (imported by `cli legacy-auth import`; the account the
 * user signs in with, one per email), else the `users` documents whose `email` field holds it in
 * lower case or exactly as typed (a query matches values exactly; the old app stored what people
 * typed, mostly in lower case). Two documents with the email
 * name both and pick neither: the admin chooses by uid. A file source has no index to ask, so
 * the fallback reads the `users` group once, for as long as `signal` allows.
 */
export async function legacyUidByEmail(
  email: string,
  deps: {
    accounts: { uidOfEmail(email: string): Promise<string | undefined> };
    source: FirestoreSource;
    signal?: AbortSignal;
  },
): Promise<LegacyUidByEmail> {
  const typed = email.trim();
  const account = await deps.accounts.uidOfEmail(typed);
  if (account) return { found: account, via: 'auth' };
  const values = [...new Set([typed, typed.toLowerCase()])];
  const snapshot = await deps.source.openSnapshot();
  let docs: SourceDoc[];
  try {
    [docs = []] = await selectFrom(
      deps.source,
      snapshot,
      [{ collectionGroup: 'users', where: { field: 'email', values } }],
      deps.signal,
    );
  } catch (error) {
    if (deps.signal?.aborted) return { tooSlow: true };
    throw error;
  }
  // Root `users` documents only: a subcollection of that name holds no user.
  const uids = [
    ...new Set(docs.filter((doc) => parentOf(doc.path) === null).map((d) => d.path.split('/')[1]!)),
  ].sort();
  if (uids.length === 1) return { found: uids[0]!, via: 'firestore' };
  return uids.length === 0 ? { notFound: true } : { ambiguous: uids };
}
