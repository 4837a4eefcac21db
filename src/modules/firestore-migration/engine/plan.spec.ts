import { describe, expect, it } from 'vitest';
import { fs } from '../firestore/value.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { planMigration } from './plan.js';

describe('migrate plan', () => {
  it('counts each group with its stage, sizes, type census and names to escape, writing nothing', async () => {
    const source = new InMemorySource();
    source.set('users/u1', { name: '김민수', phone: fs.int(1012345678), 'a.b': true });
    source.set('users/u2', {
      name: '이서연',
      phone: '010-1234-5678',
      birth: fs.map({ y: fs.int(1990) }),
    });
    source.set('users/u1/bankAccounts/b1', { bank: '신한' });
    source.set('oldStuff/x', { $weird: null });

    const plan = await planMigration(source);

    expect(plan.groups.map((g) => [g.collectionGroup, g.stage, g.documents])).toEqual([
      ['bankAccounts', 'worker-details', 1],
      ['oldStuff', null, 1],
      ['users', 'members', 2],
    ]);
    const users = plan.groups.find((g) => g.collectionGroup === 'users')!;
    expect(users.types).toEqual({ string: 3, int: 2, boolean: 1, map: 1 });
    expect(users.escapedNames).toBe(1);
    expect(users.bytes).toBeGreaterThan(0);
    expect(users.problems).toEqual([]);
    expect(plan.unmapped).toEqual(['oldStuff']);
    expect(plan.totals.documents).toBe(4);
    expect(plan.estimatedReads).toBe(4);
  });

  it('names the documents DocumentDB would refuse even escaped, by path', async () => {
    const source = new InMemorySource();
    let deep: ReturnType<typeof fs.map> = fs.map({ leaf: true });
    for (let i = 0; i < 120; i += 1) deep = fs.map({ m: deep });
    source.set('notifications/deep', { payload: deep });

    const plan = await planMigration(source);

    expect(plan.groups[0]?.problems).toEqual([
      { code: 'nesting_too_deep', count: 1, paths: ['notifications/deep'] },
    ]);
  });
});
