/**
 * Where the key ring keeps its wrapped keys: the contract every store meets (a local file, the
 * database shared by every task), and the record they hold.
 */

/** What is stored: wrapped keys only. Plaintext keys live in memory. */
export interface KeyRingRecord {
  format: 1;
  provider: string;
  current: number;
  dataKeys: { version: number; wrapped: string; createdAt: string }[];
  /** HMAC key of the blind indexes; never rotated with the data keys (indexes would go stale). */
  blindIndexKey: { wrapped: string; createdAt: string };
}

export interface KeyRingStore {
  load(): Promise<KeyRingRecord | undefined>;
  /** Stores the first record; resolves false when another process stored one first. */
  create(record: KeyRingRecord): Promise<boolean>;
  /**
   * Stores `record` only if the stored record's highest version is still `expectedLatest`
   * (compare-and-swap), so two rotations at once never drop a key; resolves whether it did.
   */
  replace(record: KeyRingRecord, expectedLatest: number): Promise<boolean>;
}

/** The highest data key version of a record (what a rotation compares and swaps on). */
export const latestVersion = (record: KeyRingRecord): number =>
  Math.max(0, ...record.dataKeys.map((k) => k.version));
