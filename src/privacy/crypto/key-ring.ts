import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DATA_KEY_BYTES, type DataKeyProvider, LocalDataKeyProvider } from './data-key-provider.js';
import { KeyUnavailableError } from './field-decryption.error.js';

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

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

const isCode = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

async function writePrivate(file: string, data: string | Buffer): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode: FILE_MODE, flag: 'wx' });
  await chmod(tmp, FILE_MODE); // the umask may have narrowed it further, never widened
  return tmp;
}

const latestVersion = (record: KeyRingRecord): number =>
  Math.max(0, ...record.dataKeys.map((k) => k.version));

const LOCK_WAIT_MS = 2_000;

/** An exclusive lock file; a rotation holds it for milliseconds. */
async function acquire(lock: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { mode: FILE_MODE, flag: 'wx' });
      return;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      if (Date.now() > deadline) {
        throw new Error(`${lock} is held; remove it if no key rotation is running`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** A JSON file, mode 0600, written atomically (temp file + link/rename). */
export class FileKeyRingStore implements KeyRingStore {
  constructor(readonly file: string) {}

  async load(): Promise<KeyRingRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as KeyRingRecord;
    } catch (error) {
      if (isCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }

  async create(record: KeyRingRecord): Promise<boolean> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: DIR_MODE });
    const tmp = await writePrivate(this.file, `${JSON.stringify(record, null, 2)}\n`);
    try {
      await link(tmp, this.file); // fails when the file exists: first writer wins
      return true;
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false;
      throw error;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async replace(record: KeyRingRecord, expectedLatest: number): Promise<boolean> {
    const lock = `${this.file}.lock`;
    await acquire(lock);
    try {
      const stored = await this.load();
      if (stored && latestVersion(stored) !== expectedLatest) return false;
      const tmp = await writePrivate(this.file, `${JSON.stringify(record, null, 2)}\n`);
      await rename(tmp, this.file);
      return true;
    } finally {
      await rm(lock, { force: true });
    }
  }
}

/** Reads the local master key (`master.key`, mode 0600), creating it on first start. */
export async function loadLocalMasterKey(dir: string): Promise<Buffer> {
  const file = path.join(dir, 'master.key');
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  // Written whole to a temp file, then linked: a process starting alongside never reads half.
  const tmp = await writePrivate(file, `${randomBytes(DATA_KEY_BYTES).toString('base64')}\n`);
  try {
    await link(tmp, file);
  } catch (error) {
    if (!isCode(error, 'EEXIST')) throw error;
  } finally {
    await rm(tmp, { force: true });
  }
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (key.length !== DATA_KEY_BYTES) throw new Error(`${file} does not hold a 32-byte key`);
  return key;
}

/**
 * Versioned data keys. `current` encrypts; every known version decrypts. All keys are unwrapped
 * when the ring opens, so encryption and decryption never wait on the provider.
 */
export class KeyRing {
  private constructor(
    private readonly store: KeyRingStore,
    private readonly provider: DataKeyProvider,
    private record: KeyRingRecord,
    private readonly plaintext: Map<number, Buffer>,
    readonly blindIndexKey: Buffer,
  ) {}

  /** `local` mode: `<dir>/master.key` and `<dir>/field-keys.json`, created on first start. */
  static async openLocal(dir: string): Promise<KeyRing> {
    const provider = new LocalDataKeyProvider(await loadLocalMasterKey(dir));
    return KeyRing.open(new FileKeyRingStore(path.join(dir, 'field-keys.json')), provider);
  }

  static async open(store: KeyRingStore, provider: DataKeyProvider): Promise<KeyRing> {
    let record = await store.load();
    if (!record) {
      const candidate = await KeyRing.initialRecord(provider);
      if (!(await store.create(candidate))) record = await store.load();
      record ??= candidate;
    }
    if (record.format !== 1) throw new Error(`key ring format ${String(record.format)} unknown`);
    if (record.provider !== provider.name) {
      throw new Error(
        `the key ring was written by the ${record.provider} provider, not ${provider.name}`,
      );
    }
    const unwrap = async (wrapped: string): Promise<Buffer> => {
      try {
        return await provider.decrypt(Buffer.from(wrapped, 'base64'));
      } catch (error) {
        throw new KeyUnavailableError(error instanceof Error ? error.message : String(error));
      }
    };
    const plaintext = new Map<number, Buffer>();
    for (const key of record.dataKeys) plaintext.set(key.version, await unwrap(key.wrapped));
    if (!plaintext.has(record.current)) {
      throw new Error(`the key ring's current version ${record.current} has no key`);
    }
    const blindIndexKey = await unwrap(record.blindIndexKey.wrapped);
    return new KeyRing(store, provider, record, plaintext, blindIndexKey);
  }

  private static async initialRecord(provider: DataKeyProvider): Promise<KeyRingRecord> {
    const createdAt = new Date().toISOString();
    const first = await provider.generateDataKey();
    const index = await provider.generateDataKey();
    return {
      format: 1,
      provider: provider.name,
      current: 1,
      dataKeys: [{ version: 1, wrapped: first.wrapped.toString('base64'), createdAt }],
      blindIndexKey: { wrapped: index.wrapped.toString('base64'), createdAt },
    };
  }

  get currentVersion(): number {
    return this.record.current;
  }

  get versions(): number[] {
    return [...this.plaintext.keys()].sort((a, b) => a - b);
  }

  /** The plaintext data key of a version, or undefined when this ring does not hold it. */
  dataKey(version: number): Buffer | undefined {
    return this.plaintext.get(version);
  }

  /**
   * Re-reads the store and unwraps versions this instance does not hold yet (another instance
   * rotated). Provider failures become `KeyUnavailableError` (503); keys already held keep
   * working. Returns whether `version` is now known.
   */
  async reload(version?: number): Promise<boolean> {
    const latest = await this.store.load();
    if (latest) {
      for (const key of latest.dataKeys) {
        if (this.plaintext.has(key.version)) continue;
        try {
          this.plaintext.set(
            key.version,
            await this.provider.decrypt(Buffer.from(key.wrapped, 'base64')),
          );
        } catch (error) {
          throw new KeyUnavailableError(error instanceof Error ? error.message : String(error));
        }
      }
      if (this.plaintext.has(latest.current)) this.record = latest;
    }
    return version === undefined || this.plaintext.has(version);
  }

  /** Adds a new data key version and makes it current; returns the new version. */
  async rotate(): Promise<number> {
    const { plaintext, wrapped } = await this.provider.generateDataKey();
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.reload(); // also holds every version another instance added
      const latest = latestVersion(this.record);
      const version = latest + 1;
      const record: KeyRingRecord = {
        ...this.record,
        current: version,
        dataKeys: [
          ...this.record.dataKeys,
          { version, wrapped: wrapped.toString('base64'), createdAt: new Date().toISOString() },
        ],
      };
      if (await this.store.replace(record, latest)) {
        this.plaintext.set(version, plaintext);
        this.record = record;
        return version;
      }
    }
    throw new Error('the key ring kept changing during rotation; try again');
  }
}
