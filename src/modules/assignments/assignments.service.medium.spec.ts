import { kstDayKey } from '../../platform/time/kst.js';
import { EligibilityRefusalsRepository } from './eligibility-refusals.repository.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { businessNumber } from '../../../test/support/marketplace.js';
import { type AppConfig, loadConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Principal } from '../../platform/auth/principal.js';
import { OutboxDispatcher } from '../../platform/outbox/outbox-dispatcher.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { OutboxHandlers } from '../../platform/outbox/outbox-handlers.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import type { Database, ObjectId } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { parseId } from '../../platform/storage/ids.js';
import { openPrivacy } from '../../privacy/privacy.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import { BusinessesRepository } from '../businesses/businesses.repository.js';
import { AccessService } from '../access/access.service.js';
import { BusinessesService } from '../businesses/businesses.service.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import { ShiftSlots } from '../shifts/shift-slots.service.js';
import { ShiftsRepository } from '../shifts/shifts.repository.js';
import { WorkersRepository } from '../workers/workers.repository.js';
import { WorkersService } from '../workers/workers.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentEndings } from './assignment-endings.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { AssignmentTransitions } from './assignment-transitions.js';
import { OUTCOME_EVENTS } from './assignments.events.js';
import { AssignmentsRepository } from './assignments.repository.js';
import { AssignmentsService } from './assignments.service.js';
import { ProposalHold } from './proposal-hold.js';
import { WorkerSchedulesRepository } from './worker-schedules.repository.js';

const silent = pino({ level: 'silent' });
const HOUR = 3_600_000;
/** Decisions are made on 2026-11-20; the shifts start on 2026-12-01 at 09:00 KST. */
const T0 = new Date('2026-11-20T00:00:00Z');
const START = new Date('2026-12-01T00:00:00Z');
const STARTED = new Date(START.getTime() + HOUR);
const member = (sub: string, groups: Principal['groups']): Principal => ({
  sub,
  username: sub,
  groups,
  tokenId: 't',
  expiresAt: 2_000_000_000,
});
const OWNER = member('biz-owner', ['business']);
const worker = (id: string) => member(id, ['worker']);

interface StoredAssignment {
  _id: ObjectId;
  state: string;
  activeKey?: string;
  startsAt: Date;
  endsAt: Date;
  hoursWorked?: number;
  outbox: OutboxEvent[];
}
interface StoredShift {
  _id: ObjectId;
  startsAt: Date;
  filled: number;
  holders: string[];
}
interface StoredSchedule {
  _id: string;
  entries: { assignmentId: string; status: string; startsAt: Date; endsAt: Date }[];
}
interface StoredWorker {
  _id: string;
  noShows: { assignmentId: string; shiftId: string; at: Date }[];
}

/**
 * Medium: AssignmentsService on the real repositories, privacy layer and embedded engine, with
 * the worker process's outbox dispatch run by hand; every test asserts what the database holds.
 */
describe(`${AssignmentsService.name} on the embedded engine`, () => {
  let dir: string;
  let db: Database;
  let config: AppConfig;
  let workersRepository: WorkersRepository;
  let businessesRepository: BusinessesRepository;
  let shifts: ShiftsRepository;
  let refusals: EligibilityRefusalsRepository;
  let schedules: WorkerSchedulesRepository;
  let outcomes: AssignmentOutcomes;
  let eligibility: EligibilityService;
  let dispatcher: OutboxDispatcher;
  let notified: string[];
  let business: string;
  let sut: AssignmentsService;
  let endings: AssignmentEndings;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-assignments-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    config = loadConfig({ DATA_DIR: dir, ELIGIBILITY_MAX_NO_SHOWS: '1' });
    const privacy = await openPrivacy(config, db);
    workersRepository = new WorkersRepository(db, privacy.personalData);
    businessesRepository = new BusinessesRepository(db, privacy.personalData);
    shifts = new ShiftsRepository(db);
    schedules = new WorkerSchedulesRepository(db);
    const workers = new WorkersService(workersRepository);
    const businesses = new BusinessesService(
      businessesRepository,
      new StaffAccess(privacy.accessRecords),
      silent,
    );
    // Through the shifts module's service, as the app wires it; the spies below sit on the
    // repository underneath.
    const slots = new ShiftSlots(shifts);
    const holds = new AssignmentHolds(schedules, slots);
    outcomes = new AssignmentOutcomes(workers, holds);
    eligibility = new EligibilityService(workers, businesses, slots, schedules, config);
    const assignments = new AssignmentsRepository(db, privacy.personalData);
    const transitions = new AssignmentTransitions(assignments, config);
    refusals = new EligibilityRefusalsRepository(db);
    sut = new AssignmentsService(
      assignments,
      schedules,
      transitions,
      new ProposalHold(assignments, schedules, slots, holds, eligibility, refusals, silent),
      holds,
      outcomes,
      eligibility,
      new AccessService(businesses),
      refusals,
      silent,
    );
    endings = new AssignmentEndings(assignments, transitions, holds, eligibility);
    // The worker process's handlers: notifications (recorded here) and the outcomes.
    notified = [];
    const handlers = new OutboxHandlers();
    handlers.register('assignment.*', (event) => Promise.resolve(void notified.push(event.type)));
    handlers.register(`${OUTCOME_EVENTS}.*`, (event) => outcomes.handle(event));
    dispatcher = new OutboxDispatcher({
      db,
      sources: ['assignments'],
      handlers,
      logger: silent,
      pollMs: 10,
    });
    business = await verifiedBusiness();
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function verifiedBusiness(): Promise<string> {
    const created = await businessesRepository.create(
      {
        businessNumber: businessNumber(1).replaceAll('-', ''),
        representativeName: '박서준',
        name: '행복베이커리',
        openingDate: '2019-03-02',
        address: undefined,
        owner: OWNER.sub,
      },
      T0,
    );
    await businessesRepository.update(
      created.id,
      created.version,
      {
        verification: {
          verified: true,
          method: 'manual',
          by: 'op-1',
          at: T0,
          evidence: 'ticket 1',
        },
        nts: {
          status: 'active',
          taxType: '부가가치세 일반과세자',
          checkedAt: T0,
          source: 'manual',
        },
      },
      T0,
    );
    return created.id;
  }

  /** An adult worker with identity and payout account verified: eligible for any open shift. */
  async function eligibleWorker(id: string): Promise<void> {
    await workersRepository.create(
      id,
      {
        personal: { legalName: '김민수', birthDate: '1995-04-01', phone: '010-1234-5678' },
        identity: { provider: 'manual', verifiedAt: T0, by: 'op-1', evidence: 'ticket 2' },
        bankAccount: {
          bankCode: '088',
          registeredAt: T0,
          verifiedAt: T0,
          method: 'manual',
          verifiedBy: 'op-1',
          holderMatchesLegalName: true,
        },
      },
      T0,
    );
  }

  const postShift = (startsAt = START, headcount = 3) =>
    shifts.create(
      {
        businessId: business,
        title: 'Banquet service',
        description: undefined,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 4 * HOUR),
        place: {
          address: '서울 강남구 테헤란로 152',
          regionCode: '1168010100',
          lat: 37.5,
          lng: 127,
        },
        headcount,
        hourlyPayKrw: 12_000,
        requiredQualifications: [],
        minimumAge: 15,
        createdBy: OWNER.sub,
      },
      T0,
    );

  const stored = (id: string) =>
    db.collection<StoredAssignment>('assignments').findOne({ _id: parseId(id)! });
  const shiftDoc = (id: string) =>
    db.collection<StoredShift>('shifts').findOne({ _id: parseId(id)! });
  const scheduleOf = async (workerId: string) =>
    (await db.collection<StoredSchedule>('worker_schedules').findOne({ _id: workerId }))?.entries ??
    [];
  const noShowsOf = async (workerId: string) =>
    (await db.collection<StoredWorker>('workers').findOne({ _id: workerId }))?.noShows;

  /** A confirmed assignment of `workerId` on a new shift starting at START. */
  async function confirmed(workerId: string) {
    await eligibleWorker(workerId);
    const shift = await postShift();
    const proposed = await sut.propose(OWNER, shift.id, workerId, T0);
    await sut.accept(worker(workerId), proposed.id, T0);
    return { id: proposed.id, shiftId: shift.id };
  }

  it('walks apply → propose → accept with the assignment, the worker’s time and the slot agreeing', async () => {
    await eligibleWorker('w-walk');
    const shift = await postShift();

    const applied = await sut.apply(worker('w-walk'), shift.id, T0);
    expect(await scheduleOf('w-walk')).toEqual([]);
    await sut.propose(OWNER, shift.id, 'w-walk', T0);
    await sut.accept(worker('w-walk'), applied.id, T0);

    expect(await stored(applied.id)).toMatchObject({
      state: 'confirmed',
      activeKey: `${shift.id}:w-walk`,
      startsAt: START,
      outbox: [{ type: 'assignment.proposed' }, { type: 'assignment.confirmed' }],
    });
    expect(await scheduleOf('w-walk')).toEqual([
      expect.objectContaining({ assignmentId: applied.id, status: 'confirmed', startsAt: START }),
    ]);
    expect(await shiftDoc(shift.id)).toMatchObject({ filled: 1, holders: [applied.id] });
  });

  it('brings a no-show to the worker through the outbox when writing it after the assignment fails', async () => {
    const assignment = await confirmed('w-noshow');
    vi.spyOn(workersRepository, 'addNoShow').mockRejectedValueOnce(new Error('connection reset'));

    const marked = await sut.noShow(OWNER, assignment.id, STARTED);

    // The assignment is a no-show and carries its outcome; the worker's side has not heard yet.
    expect(marked.state).toBe('no_show');
    const written = await stored(assignment.id);
    expect(written?.outbox.map((e) => e.type)).toEqual([
      'assignment.proposed',
      'assignment.confirmed',
      'assignment_outcome.no_show',
      'assignment.no_show',
    ]);
    expect(await noShowsOf('w-noshow')).toEqual([]);
    expect(await shiftDoc(assignment.shiftId)).toMatchObject({ filled: 1 });

    // The worker process delivers it: the no-show arrives and the holds go.
    expect(await dispatcher.pollOnce()).toMatchObject({ delivered: 4, failed: 0, parked: 0 });
    expect(await noShowsOf('w-noshow')).toEqual([
      { assignmentId: assignment.id, shiftId: assignment.shiftId, at: START },
    ]);
    expect(await scheduleOf('w-noshow')).toEqual([]);
    expect(await shiftDoc(assignment.shiftId)).toMatchObject({ filled: 0, holders: [] });
    expect((await stored(assignment.id))?.outbox).toEqual([]);
    expect(notified).toEqual(['assignment.proposed', 'assignment.confirmed', 'assignment.no_show']);

    // Delivered again (at least once): still one no-show.
    const outcome = written!.outbox.find((e) => e.type === 'assignment_outcome.no_show')!;
    await outcomes.handle(outcome);
    expect(await noShowsOf('w-noshow')).toHaveLength(1);
    // And it counts: one no-show is the limit here.
    const next = await postShift(new Date(START.getTime() + 3 * 24 * HOUR));
    const { verdict } = await eligibility.evaluate(next.id, 'w-noshow', { now: STARTED });
    expect(verdict.failures.map((f) => f.code)).toEqual(['too_many_no_shows']);
  });

  it('records a no-show at once when nothing fails, so eligibility sees it before any delivery', async () => {
    const assignment = await confirmed('w-noshow-now');

    await sut.noShow(OWNER, assignment.id, STARTED);

    expect(await noShowsOf('w-noshow-now')).toEqual([
      { assignmentId: assignment.id, shiftId: assignment.shiftId, at: START },
    ]);
    expect(await scheduleOf('w-noshow-now')).toEqual([]);
    expect(await shiftDoc(assignment.shiftId)).toMatchObject({ filled: 0 });
    // The outbox's copy then changes nothing.
    await dispatcher.pollOnce();
    expect(await noShowsOf('w-noshow-now')).toHaveLength(1);
  });

  it('marks the schedule entry worked through the outbox when writing it after the assignment fails', async () => {
    const assignment = await confirmed('w-done');
    vi.spyOn(schedules, 'replace').mockRejectedValueOnce(new Error('connection reset'));

    const completed = await sut.complete(OWNER, assignment.id, 3.5, STARTED);

    expect(completed).toMatchObject({ state: 'completed', hoursWorked: 3.5 });
    expect(await stored(assignment.id)).toMatchObject({ state: 'completed', hoursWorked: 3.5 });
    expect(await scheduleOf('w-done')).toEqual([
      expect.objectContaining({ assignmentId: assignment.id, status: 'confirmed' }),
    ]);

    await dispatcher.pollOnce();

    expect(await scheduleOf('w-done')).toEqual([
      expect.objectContaining({ assignmentId: assignment.id, status: 'completed' }),
    ]);
    expect(await shiftDoc(assignment.shiftId)).toMatchObject({ filled: 1 });
    expect((await stored(assignment.id))?.outbox).toEqual([]);
  });

  it('cancels late with the reason stored encrypted, giving back the time and the slot', async () => {
    const assignment = await confirmed('w-cancel');
    const late = new Date(START.getTime() - 2 * HOUR);

    const cancelled = await sut.cancel(
      worker('w-cancel'),
      assignment.id,
      '개인 사정으로 불참',
      late,
    );

    expect(cancelled.cancellation).toMatchObject({ reason: '개인 사정으로 불참', late: true });
    const raw = await stored(assignment.id);
    expect(raw).toMatchObject({ state: 'cancelled' });
    expect(raw).not.toHaveProperty('activeKey');
    expect(JSON.stringify(raw)).not.toContain('개인 사정');
    expect(raw?.outbox.at(-1)).toMatchObject({
      type: 'assignment.cancelled',
      payload: { cancelledBy: 'worker', late: true },
    });
    expect(await scheduleOf('w-cancel')).toEqual([]);
    expect(await shiftDoc(assignment.shiftId)).toMatchObject({ filled: 0, holders: [] });
  });

  it('declines a proposal and gives back the time and the slot', async () => {
    await eligibleWorker('w-decline');
    const shift = await postShift();
    const proposed = await sut.propose(OWNER, shift.id, 'w-decline', T0);

    await sut.decline(worker('w-decline'), proposed.id, T0);

    expect(await stored(proposed.id)).toMatchObject({ state: 'declined' });
    expect(await scheduleOf('w-decline')).toEqual([]);
    expect(await shiftDoc(shift.id)).toMatchObject({ filled: 0 });
  });

  it('withdraws and rejects applications, after which the worker may apply again', async () => {
    await eligibleWorker('w-apply');
    const shift = await postShift();
    const first = await sut.apply(worker('w-apply'), shift.id, T0);

    await sut.withdraw(worker('w-apply'), first.id, T0);
    const second = await sut.apply(worker('w-apply'), shift.id, T0);
    await sut.reject(OWNER, second.id, '인원 충원 완료', T0);

    expect(await stored(first.id)).toMatchObject({ state: 'withdrawn' });
    expect(await stored(first.id)).not.toHaveProperty('activeKey');
    expect(await stored(second.id)).toMatchObject({ state: 'rejected' });
    expect(JSON.stringify(await stored(second.id))).not.toContain('인원 충원');
    expect(await db.collection('assignments').countDocuments({ workerId: 'w-apply' })).toBe(2);
  });

  it('takes nothing when the shift’s time moves between the check and the reservation', async () => {
    await eligibleWorker('w-moved');
    const shift = await postShift();
    const reserve = shifts.reserveSlot.bind(shifts);
    vi.spyOn(shifts, 'reserveSlot').mockImplementationOnce(async (...args) => {
      // A business edit lands while the proposal is being decided.
      await shifts.update(
        shift.id,
        shift.version,
        { startsAt: new Date(START.getTime() + HOUR) },
        T0,
      );
      return reserve(...args);
    });

    await expect(sut.propose(OWNER, shift.id, 'w-moved', T0)).rejects.toMatchObject({
      code: 'shift_changed',
    });

    expect(await db.collection('assignments').countDocuments({ workerId: 'w-moved' })).toBe(0);
    expect(await scheduleOf('w-moved')).toEqual([]);
    expect(await shiftDoc(shift.id)).toMatchObject({ filled: 0, holders: [] });
  });

  it('refuses a proposal whose last slot went after its check (409), leaving nothing held for it', async () => {
    await eligibleWorker('w-first');
    await eligibleWorker('w-second');
    const shift = await postShift(START, 1);
    const reserve = shifts.reserveSlot.bind(shifts);
    vi.spyOn(shifts, 'reserveSlot').mockImplementationOnce(async (...args) => {
      // Another proposal takes the only slot while this one is being decided.
      await sut.propose(OWNER, shift.id, 'w-first', T0);
      return reserve(...args);
    });

    await expect(sut.propose(OWNER, shift.id, 'w-second', T0)).rejects.toMatchObject({
      code: 'shift_full',
    });

    expect(await scheduleOf('w-second')).toEqual([]);
    expect(await shiftDoc(shift.id)).toMatchObject({ filled: 1 });
    expect(await db.collection('assignments').countDocuments({ shiftId: shift.id })).toBe(1);
    // Once full, a proposal is not eligible at all (the rule sees the count).
    await expect(sut.propose(OWNER, shift.id, 'w-second', T0)).rejects.toMatchObject({
      code: 'not_eligible',
      extensions: { failures: [expect.objectContaining({ code: 'shift_full' })] },
    });
  });

  it('counts each refusal by its failing rules on its KST day, for the monthly statistics, and nothing else', async () => {
    await eligibleWorker('w-first');
    await eligibleWorker('w-second');
    const shift = await postShift(START, 1);
    await sut.propose(OWNER, shift.id, 'w-first', T0);

    for (let i = 0; i < 2; i++) {
      await expect(sut.propose(OWNER, shift.id, 'w-second', T0)).rejects.toMatchObject({
        code: 'not_eligible',
      });
    }

    const day = kstDayKey(T0);
    expect(await refusals.byRule(day, '9999-12-31')).toEqual([{ rule: 'shift_full', count: 2 }]);
    expect(await refusals.byRule('2000-01-01', day)).toEqual([]);
    expect(
      await db.collection('eligibility_refusals').findOne({}, { projection: { _id: 0 } }),
    ).toEqual({ day, rule: 'shift_full', count: 2 });
  });

  it('ends every assignment of a cancelled shift as the system, once, however often it runs', async () => {
    const held = await confirmed('w-ended');
    await eligibleWorker('w-applied');
    const applied = await sut.apply(worker('w-applied'), held.shiftId, T0);

    expect(await endings.endForCancelledShift(held.shiftId, T0)).toBe(2);
    expect(await endings.endForCancelledShift(held.shiftId, T0)).toBe(0);

    expect(await stored(held.id)).toMatchObject({ state: 'cancelled' });
    expect(await stored(applied.id)).toMatchObject({ state: 'rejected' });
    expect(await scheduleOf('w-ended')).toEqual([]);
    expect(await shiftDoc(held.shiftId)).toMatchObject({ filled: 0 });
  });

  it('ends the not-yet-started assignments of a business the NTS now calls closed, telling both sides', async () => {
    const held = await confirmed('w-closed');
    await eligibleWorker('w-applied');
    const applied = await sut.apply(worker('w-applied'), held.shiftId, T0);
    const current = await businessesRepository.getById(business);
    await businessesRepository.update(
      business,
      current!.version,
      {
        nts: {
          status: 'closed',
          taxType: '부가가치세 일반과세자',
          checkedAt: T0,
          source: 'nts',
        },
      },
      T0,
    );

    expect(await endings.reconsiderForBusiness(business, T0)).toBe(2);
    expect(await endings.reconsiderForBusiness(business, T0)).toBe(0);

    expect(await stored(held.id)).toMatchObject({
      state: 'cancelled',
      cancellation: { by: { id: 'system', role: 'system' } },
    });
    expect(await stored(applied.id)).toMatchObject({ state: 'rejected' });
    expect(await scheduleOf('w-closed')).toEqual([]);
    expect(await shiftDoc(held.shiftId)).toMatchObject({ filled: 0 });
    const cancelled = (await db.collection('assignments').findOne({ _id: parseId(held.id)! }))
      ?.outbox as { type: string; payload: Record<string, unknown> }[];
    const event = cancelled.find((e) => e.type === 'assignment.cancelled');
    // No side cancelled it: the notifications go to the worker and the business.
    expect(event?.payload).not.toHaveProperty('cancelledBy');
  });

  it('leaves the assignments of a business that is still eligible, and those whose shift has started', async () => {
    const held = await confirmed('w-kept');

    expect(await endings.reconsiderForBusiness(business, T0)).toBe(0);
    const current = await businessesRepository.getById(business);
    await businessesRepository.update(
      business,
      current!.version,
      { nts: { status: 'closed', taxType: '부가가치세 일반과세자', checkedAt: T0, source: 'nts' } },
      T0,
    );
    expect(await endings.reconsiderForBusiness(business, new Date(START.getTime() + 1))).toBe(0);
    expect(await stored(held.id)).toMatchObject({ state: 'confirmed' });
  });
});
