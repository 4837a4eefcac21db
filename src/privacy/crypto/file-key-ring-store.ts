import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DATA_KEY_BYTES } from './data-key-provider.js';
import { type KeyRingRecord, type KeyRingStore, latestVersion } from './key-ring-store.js';

/**
 * The local key files (`.data/keys`): the master key that wraps the data keys, and the ring of
 * wrapped keys, each mode 0600, written atomically so a process starting alongside never reads
 * half a file. Production keeps the ring in the database, wrapped by KMS.
 */

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
