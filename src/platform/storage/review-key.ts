/**
 * The key of a review queue (what waits for an operator: a worker's bank account or
 * qualifications, a business's registration): `<since, ISO instant>|<document id>`. A repository
 * keeps it on a document only while something waits, in a sparse index, so the index holds the
 * queue alone, oldest first, and the key is a unique cursor for paging. One format for the
 * repositories that write it, the migrations that filled it, and the services that read it back.
 */
export function reviewKey(since: Date, id: string): string {
  return `${since.toISOString()}|${id}`;
}

/** When the request behind a review key began. */
export function reviewKeySince(key: string): Date {
  return new Date(key.slice(0, key.indexOf('|')));
}
