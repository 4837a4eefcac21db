import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { openPrivacy } from '../../privacy/privacy.js';
import { businessNumber } from '../../../test/support/marketplace.js';
import type { BusinessRegistry, BusinessStatus } from './business-registry.port.js';
import { BusinessesRepository } from './businesses.repository.js';
import { NtsRecheck } from './nts-recheck.js';

const silent = pino({ level: 'silent' });
const T0 = new Date('2026-03-01T00:00:00Z');
const DAY2 = new Date('2026-03-02T18:00:00Z');
const ACTIVE: BusinessStatus = { status: 'active', taxType: '부가가치세 일반과세자' };
const CLOSED: BusinessStatus = {
  status: 'closed',
  taxType: '부가가치세 일반과세자',
  closedAt: '2026-03-02',
};

/** The register as a map from number to answer; records the batches it was asked. */
class MapRegistry implements BusinessRegistry {
  readonly batches: string[][] = [];
  constructor(readonly answers: Map<string, BusinessStatus | undefined>) {}
  lookup(n: string) {
    return Promise.resolve(this.answers.get(n));
  }
  lookupMany(numbers: readonly string[]) {
    this.batches.push([...numbers]);
    return Promise.resolve(new Map(numbers.map((n) => [n, this.answers.get(n)] as const)));
  }
  validate(): never {
    throw new Error('the re-check never validates');
  }
}

/** Medium: the re-check on the real repository, privacy layer and embedded engine. */
describe(NtsRecheck.name, () => {
  let dir: string;
  let db: Database;
  let repository: BusinessesRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-nts-recheck-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    repository = new BusinessesRepository(db, privacy.personalData);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function register(index: number, nts?: BusinessStatus) {
    const number = businessNumber(index).replaceAll('-', '');
    const business = await repository.create(
      {
        businessNumber: number,
        representativeName: '박서준',
        name: `가게 ${index}`,
        openingDate: '2019-03-02',
        address: undefined,
        owner: `owner-${index}`,
        ...(nts
          ? { nts: { status: nts.status, taxType: nts.taxType, checkedAt: T0, source: 'nts' } }
          : {}),
      },
      T0,
    );
    return { id: business.id, number };
  }

  it('writes a status change with its event and a history entry by the system, in one write', async () => {
    const bakery = await register(1, ACTIVE);
    const registry = new MapRegistry(new Map([[bakery.number, CLOSED]]));

    const summary = await new NtsRecheck(repository, silent, registry).run(DAY2);

    expect(summary).toEqual({ checked: 1, changed: 1, unregistered: 0 });
    const business = await repository.getById(bakery.id, { notes: true });
    expect(business).toMatchObject({
      nts: { status: 'closed', checkedAt: DAY2, source: 'nts', closedOn: '2026-03-02' },
      closedAt: DAY2,
      version: 1,
    });
    expect(business?.history).toEqual([
      expect.objectContaining({ action: 'nts-check', method: 'nts', by: 'system', at: DAY2 }),
    ]);
    const stored = await db.collection('businesses').find({}).toArray();
    expect(stored[0]?.outbox).toEqual([
      expect.objectContaining({
        type: 'business.nts_changed',
        payload: {
          businessId: bakery.id,
          from: 'active',
          to: 'closed',
          checkedAt: DAY2.toISOString(),
        },
      }),
    ]);
  });

  it('records the check time of an unchanged status without an event or a history entry', async () => {
    const bakery = await register(1, ACTIVE);
    const registry = new MapRegistry(new Map([[bakery.number, ACTIVE]]));

    expect(await new NtsRecheck(repository, silent, registry).run(DAY2)).toEqual({
      checked: 1,
      changed: 0,
      unregistered: 0,
    });
    expect(await repository.getById(bakery.id)).toMatchObject({
      nts: { status: 'active', checkedAt: DAY2 },
      history: [],
    });
    expect((await db.collection('businesses').find({}).toArray())[0]?.outbox).toBeUndefined();
  });

  it('gives a business registered unchecked its first status, as a change from nothing', async () => {
    const bakery = await register(1);
    const registry = new MapRegistry(new Map([[bakery.number, ACTIVE]]));

    await new NtsRecheck(repository, silent, registry).run(DAY2);

    const stored = (await db.collection('businesses').find({}).toArray())[0];
    expect(stored?.outbox).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ from: null, to: 'active' }) }),
    ]);
  });

  it('leaves a number the register no longer knows as it was, and counts it', async () => {
    const bakery = await register(1, ACTIVE);
    const registry = new MapRegistry(new Map([[bakery.number, undefined]]));

    expect(await new NtsRecheck(repository, silent, registry).run(DAY2)).toEqual({
      checked: 1,
      changed: 0,
      unregistered: 1,
    });
    expect(await repository.getById(bakery.id)).toMatchObject({
      nts: { status: 'active', checkedAt: T0 },
      version: 0,
    });
  });

  it('asks about every business in batches of at most 100 numbers', async () => {
    const all = [];
    for (let i = 1; i <= 205; i += 1) all.push(await register(i, ACTIVE));
    const registry = new MapRegistry(new Map(all.map((b) => [b.number, ACTIVE])));

    const summary = await new NtsRecheck(repository, silent, registry).run(DAY2);

    expect(summary.checked).toBe(205);
    expect(registry.batches.map((b) => b.length)).toEqual([100, 100, 5]);
    expect(new Set(registry.batches.flat())).toEqual(new Set(all.map((b) => b.number)));
  });

  it('fails the run (so it is seen) when no register is configured', async () => {
    await expect(new NtsRecheck(repository, silent).run(DAY2)).rejects.toThrow(
      /BUSINESS_REGISTRY is not configured/,
    );
  });
});
