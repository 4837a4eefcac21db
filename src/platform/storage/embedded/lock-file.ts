import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { StorageLogger } from '../database.js';

export const LOCK_FILE = 'LOCK';

interface LockOwner {
  pid: number;
  hostname: string;
  startedAt: string;
}

export class DatabaseLockedError extends Error {
  readonly dir: string;
  readonly ownerPid: number | undefined;

  constructor(dir: string, ownerPid: number | undefined, detail: string) {
    super(`The embedded database at ${dir} is in use by ${detail}. ${hint(dir)}`);
    this.name = 'DatabaseLockedError';
    this.dir = dir;
    this.ownerPid = ownerPid;
  }
}

function hint(dir: string): string {
  return `Stop that process, or point EMBEDDED_DB_DIR elsewhere; if no such process uses it, delete ${path.join(dir, LOCK_FILE)}.`;
}

export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Single-writer lock: a file holding the owner's pid, created with an exclusive create. A lock
 * whose pid is dead on this host is stale and reclaimed. Hand-written because `proper-lockfile`
 * and friends judge staleness by mtime, not by pid, so a crashed dev server would block the next
 * start until a timeout, while a live but idle one could look stale.
 */
export async function acquireLock(dir: string, logger: StorageLogger): Promise<DirectoryLock> {
  const file = path.join(dir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createExclusive(file, JSON.stringify(me)))
      return { release: () => releaseLock(file, me) };
    const owner = await readOwner(file);
    if (owner === 'missing') continue;
    if (owner === 'unreadable') {
      // The lock is only ever created whole, so this is damage, not a writer mid-way.
      logger.warn({ dir }, 'embedded database: reclaiming an unreadable lock file');
      await reclaim(file, undefined);
      continue;
    }
    if (owner.hostname !== me.hostname) {
      throw new DatabaseLockedError(dir, owner.pid, `pid ${owner.pid} on host ${owner.hostname}`);
    }
    if (owner.pid === process.pid) {
      throw new DatabaseLockedError(
        dir,
        owner.pid,
        `this process (pid ${owner.pid}); it is already open here`,
      );
    }
    if (isAlive(owner.pid))
      throw new DatabaseLockedError(dir, owner.pid, `another process, pid ${owner.pid}`);
    logger.warn(
      { dir, stalePid: owner.pid },
      'embedded database: reclaiming the lock of a process that is gone',
    );
    await reclaim(file, owner.pid);
  }
  throw new DatabaseLockedError(dir, undefined, 'another process that keeps re-creating its lock');
}

/**
 * The exclusive create: the content goes to a private file first and `link` publishes it under
 * the lock's name only if that name is free, so the lock is never seen empty or half written.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, content);
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

async function readOwner(file: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.hostname === 'string')
      return owner as LockOwner;
  } catch {
    // fall through
  }
  return 'unreadable';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Moves the stale lock aside before deleting it, and checks that what moved is still the stale
 * one: if another process reclaimed it first and holds a fresh lock, it is put back untouched.
 */
async function reclaim(file: string, stalePid: number | undefined): Promise<void> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readOwner(aside);
  const stillStale = moved === 'unreadable' || moved === 'missing' || moved.pid === stalePid;
  if (stillStale) {
    await unlink(aside).catch(() => undefined);
    return;
  }
  // Put it back without overwriting whatever lock may have appeared meanwhile.
  await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function releaseLock(file: string, me: LockOwner): Promise<void> {
  const owner = await readOwner(file);
  if (typeof owner === 'object' && owner.pid === me.pid && owner.startedAt === me.startedAt) {
    await unlink(file).catch(() => undefined);
  }
}
