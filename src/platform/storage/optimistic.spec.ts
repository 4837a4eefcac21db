import { describe, expect, it } from 'vitest';
import type { Collection } from './database.js';
import { ConcurrentModificationError } from './errors.js';
import { retryOnConflict, updateWithVersion } from './optimistic.js';

describe('retryOnConflict', () => {
  it('runs the attempt again after a conflict and returns its result', async () => {
    let calls = 0;
    const result = await retryOnConflict(async (n) => {
      calls++;
      if (n < 3) throw new ConcurrentModificationError('c', 1, 2);
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the given number of attempts with the last conflict', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new ConcurrentModificationError('c', calls, calls + 1);
    };
    await expect(retryOnConflict(attempt, { attempts: 2 })).rejects.toMatchObject({
      expectedVersion: 2,
    });
    expect(calls).toBe(2);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls++;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});

describe('updateWithVersion', () => {
  it('refuses an update that sets the version itself', async () => {
    const untouched = {} as Collection<{ version: number }>;
    await expect(updateWithVersion(untouched, {}, 1, { $set: { version: 5 } })).rejects.toThrow(
      /manages `version`/,
    );
  });
});
