import { beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import type { OutboxEvent } from '../../platform/outbox/outbox-event.js';
import { PermanentOutboxError } from '../../platform/outbox/outbox-handlers.js';
import type { ShiftSlots } from '../shifts/shift-slots.service.js';
import type { WorkersService } from '../workers/workers.service.js';
import { AssignmentHolds } from './assignment-holds.js';
import { AssignmentOutcomes } from './assignment-outcomes.js';
import { outcomeEvent } from './assignments.events.js';
import type { WorkerSchedulesRepository } from './worker-schedules.repository.js';

const NOW = new Date('2026-12-01T01:00:00Z');
const START = new Date('2026-12-01T00:00:00Z');
const IDS = { assignmentId: 'a-1', shiftId: 's-1', workerId: 'w-kim' };
const entry = (status: 'confirmed' | 'completed') => ({
  assignmentId: 'a-1',
  shiftId: 's-1',
  startsAt: START,
  endsAt: new Date(START.getTime() + 4 * 3_600_000),
  status,
  heldAt: START,
});

/** Unit: the outbox side of a no-show or a completion, with strict fakes. */
describe(AssignmentOutcomes.name, () => {
  let workers: StrictFake<WorkersService>;
  let schedules: StrictFake<WorkerSchedulesRepository>;
  let shifts: StrictFake<ShiftSlots>;
  let sut: AssignmentOutcomes;

  beforeEach(() => {
    workers = strictFake<WorkersService>('WorkersService');
    schedules = strictFake<WorkerSchedulesRepository>('WorkerSchedulesRepository');
    shifts = strictFake<ShiftSlots>('ShiftSlots');
    sut = new AssignmentOutcomes(workers, new AssignmentHolds(schedules, shifts));
  });

  const event = (type: string, payload: Record<string, unknown>): OutboxEvent => ({
    id: 'e-1',
    type,
    occurredAt: NOW,
    payload,
  });

  it('records a no-show at the shift’s start and gives back the time and the slot', async () => {
    workers.recordNoShow.mockResolvedValue();
    schedules.get.mockResolvedValue({
      workerId: 'w-kim',
      version: 2,
      entries: [entry('confirmed')],
    });
    schedules.replace.mockResolvedValue();
    shifts.releaseSlot.mockResolvedValue();

    await sut.handle(
      outcomeEvent({ type: 'no_show', payload: { ...IDS, at: START.toISOString() } }, NOW),
    );

    expect(workers.recordNoShow).toHaveBeenCalledWith(
      'w-kim',
      { assignmentId: 'a-1', shiftId: 's-1', at: START },
      expect.any(Date),
    );
    expect(schedules.replace).toHaveBeenCalledWith(
      expect.objectContaining({ version: 2 }),
      [],
      expect.any(Date),
    );
    expect(shifts.releaseSlot).toHaveBeenCalledWith('s-1', 'a-1');
  });

  it('marks a completed assignment’s entry worked, and writes nothing when it already is', async () => {
    schedules.get
      .mockResolvedValueOnce({ workerId: 'w-kim', version: 2, entries: [entry('confirmed')] })
      .mockResolvedValueOnce({ workerId: 'w-kim', version: 3, entries: [entry('completed')] });
    schedules.replace.mockResolvedValue();
    const completed = outcomeEvent({ type: 'completed', payload: { ...IDS, hoursWorked: 4 } }, NOW);

    await sut.handle(completed);
    await sut.handle(completed);

    expect(schedules.replace).toHaveBeenCalledTimes(1);
    expect(schedules.replace).toHaveBeenCalledWith(
      expect.objectContaining({ version: 2 }),
      [entry('completed')],
      expect.any(Date),
    );
  });

  it('parks a no-show of a worker without a profile instead of retrying it', async () => {
    workers.recordNoShow.mockRejectedValue(new NotFoundError('The worker', 'worker_not_found'));

    await expect(
      sut.handle(
        outcomeEvent({ type: 'no_show', payload: { ...IDS, at: START.toISOString() } }, NOW),
      ),
    ).rejects.toBeInstanceOf(PermanentOutboxError);
  });

  it('lets any other failure through, for the outbox to retry', async () => {
    workers.recordNoShow.mockRejectedValue(new Error('connection reset'));

    const failure = sut.handle(
      outcomeEvent({ type: 'no_show', payload: { ...IDS, at: START.toISOString() } }, NOW),
    );

    await expect(failure).rejects.toThrow('connection reset');
    await expect(failure).rejects.not.toBeInstanceOf(PermanentOutboxError);
  });

  it('parks an event that is not an outcome or whose payload does not parse, touching nothing', async () => {
    await expect(sut.handle(event('assignment_outcome.lost', IDS))).rejects.toThrow(
      PermanentOutboxError,
    );
    await expect(
      sut.handle(event('assignment_outcome.no_show', { ...IDS, at: 'yesterday' })),
    ).rejects.toThrow(/payload is invalid at: at/);
    await expect(
      sut.handle(event('assignment_outcome.completed', { assignmentId: 'a-1', hoursWorked: 0 })),
    ).rejects.toThrow(/shiftId, workerId, hoursWorked/);
  });
});
