import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { MongoDatabase } from '../../platform/storage/mongo-database.js';
import { ShiftsRepository, type NewShift } from './shifts.repository.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const NOW = new Date('2026-11-20T00:00:00Z');
const START = new Date('2026-12-01T00:00:00Z');

function newShift(overrides: Partial<NewShift> = {}): NewShift {
  return {
    businessId: 'biz-1',
    title: 'Kitchen help',
    description: undefined,
    startsAt: START,
    endsAt: new Date(START.getTime() + 8 * 3_600_000),
    place: { address: '서울 강남구 테헤란로 1', regionCode: '1168010100', lat: 37.5, lng: 127.03 },
    headcount: 10,
    hourlyPayKrw: 12_000,
    requiredQualifications: [],
    minimumAge: 15,
    createdBy: 'staff-1',
    ...overrides,
  };
}

// On the embedded engine, and on a real MongoDB as well when MONGODB_URI is set.
describe(ShiftsRepository.name, () => {
  let dir: string;
  let db: Database;
  let sut: ShiftsRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-shifts-'));
    const uri = process.env.MONGODB_URI;
    db = uri
      ? await MongoDatabase.connect(
          { uri, dbName: `shifts_${path.basename(dir).replace(/\W/g, '')}`, tlsCaFile: undefined },
          quiet,
        )
      : await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    sut = new ShiftsRepository(db);
  });

  afterEach(async () => {
    if (db.kind === 'mongodb') await db.collection('shifts').deleteMany({});
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('reserveSlot', () => {
    it('gives exactly headcount slots to 50 concurrent reservations of a shift of 10', async () => {
      const shift = await sut.create(newShift({ headcount: 10 }), NOW);

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => sut.reserveSlot(shift.id, `a-${i}`, NOW, shift)),
      );

      expect(results.filter((r) => r === 'reserved')).toHaveLength(10);
      expect(results.filter((r) => r === 'full')).toHaveLength(40);
      const after = await sut.getById(shift.id);
      expect(after?.filled).toBe(10);
      expect(after?.version).toBe(shift.version + 10);
    });

    it('counts a holder once when its reservation is retried', async () => {
      const shift = await sut.create(newShift({ headcount: 2 }), NOW);

      expect(await sut.reserveSlot(shift.id, 'a-1', NOW, shift)).toBe('reserved');
      expect(await sut.reserveSlot(shift.id, 'a-1', NOW, shift)).toBe('reserved');

      expect((await sut.getById(shift.id))?.filled).toBe(1);
    });

    it('answers full when every slot is held, without changing the shift', async () => {
      const shift = await sut.create(newShift({ headcount: 1 }), NOW);
      await sut.reserveSlot(shift.id, 'a-1', NOW, shift);
      const before = await sut.getById(shift.id);

      expect(await sut.reserveSlot(shift.id, 'a-2', NOW, shift)).toBe('full');
      expect(await sut.getById(shift.id)).toEqual(before);
    });

    it('answers not_open for a cancelled shift and for one that has started', async () => {
      const cancelled = await sut.create(newShift(), NOW);
      await sut.cancel(
        cancelled.id,
        {
          reason: 'closed',
          by: 'staff-1',
          event: { id: 'e1', type: 'shift.cancelled', occurredAt: NOW, payload: {} },
        },
        NOW,
      );
      const started = await sut.create(newShift(), NOW);

      expect(await sut.reserveSlot(cancelled.id, 'a-1', NOW, cancelled)).toBe('not_open');
      expect(await sut.reserveSlot(started.id, 'a-1', START, started)).toBe('not_open');
      expect((await sut.getById(started.id))?.filled).toBe(0);
    });

    it('answers moved, taking nothing, when the shift no longer has the times decided on', async () => {
      const shift = await sut.create(newShift({ headcount: 2 }), NOW);
      const later = new Date(START.getTime() + 3_600_000);
      const edited = await sut.update(shift.id, shift.version, { startsAt: later }, NOW);

      expect(await sut.reserveSlot(shift.id, 'a-1', NOW, shift)).toBe('moved');
      expect(await sut.reserveSlot(shift.id, 'a-1', NOW, { ...shift, endsAt: later })).toBe(
        'moved',
      );
      expect(await sut.getById(shift.id)).toEqual(edited);
      expect(await sut.reserveSlot(shift.id, 'a-1', NOW, edited!)).toBe('reserved');
    });

    it('answers not_found for an unknown or malformed id', async () => {
      expect(await sut.reserveSlot('0123456789abcdef01234567', 'a-1', NOW, newShift())).toBe(
        'not_found',
      );
      expect(await sut.reserveSlot('nonsense', 'a-1', NOW, newShift())).toBe('not_found');
    });
  });

  describe('releaseSlot', () => {
    it('gives back the holder’s slot once, however often it is called', async () => {
      const shift = await sut.create(newShift({ headcount: 3 }), NOW);
      await sut.reserveSlot(shift.id, 'a-1', NOW, shift);
      await sut.reserveSlot(shift.id, 'a-2', NOW, shift);

      await sut.releaseSlot(shift.id, 'a-1');
      await sut.releaseSlot(shift.id, 'a-1');

      expect((await sut.getById(shift.id))?.filled).toBe(1);
    });

    it('never takes filled below zero', async () => {
      const shift = await sut.create(newShift(), NOW);

      await sut.releaseSlot(shift.id, 'never-held');

      expect((await sut.getById(shift.id))?.filled).toBe(0);
    });

    it('frees the slot for another holder', async () => {
      const shift = await sut.create(newShift({ headcount: 1 }), NOW);
      await sut.reserveSlot(shift.id, 'a-1', NOW, shift);

      await sut.releaseSlot(shift.id, 'a-1');

      expect(await sut.reserveSlot(shift.id, 'a-2', NOW, shift)).toBe('reserved');
    });
  });

  it('maps a shift to the facts the eligibility engine reads', async () => {
    const shift = await sut.create(
      newShift({ headcount: 4, minimumAge: 18, requiredQualifications: ['health-certificate'] }),
      NOW,
    );
    await sut.reserveSlot(shift.id, 'a-1', NOW, shift);
    const read = await sut.getById(shift.id);

    expect(read && sut.toFacts(read)).toEqual({
      id: shift.id,
      businessId: 'biz-1',
      status: 'open',
      startsAt: START,
      endsAt: new Date(START.getTime() + 8 * 3_600_000),
      headcount: 4,
      filled: 1,
      minimumAge: 18,
      requiredQualifications: ['health-certificate'],
    });
  });
});
