import { describe, expect, it } from 'vitest';
import { strictFake } from '../../../test/support/strict-fake.js';
import { outboxEvent } from '../../platform/outbox/outbox-event.js';
import { PermanentOutboxError } from '../../platform/outbox/outbox-handlers.js';
import type { MessageSender } from './message-sender.port.js';
import type { NotificationRecipients } from './notification-recipients.port.js';
import { NotificationsService } from './notifications.service.js';

const payload = {
  assignmentId: 'a1',
  shiftId: 's1',
  workerId: 'w1',
  businessId: 'b1',
  startsAt: '2026-11-25T00:00:00.000Z',
  from: 'proposed',
  to: 'confirmed',
};

function setup(withRecipients = true) {
  const sender = strictFake<MessageSender>('MessageSender');
  const recipients = strictFake<NotificationRecipients>('NotificationRecipients');
  sender.send.mockResolvedValue(undefined);
  const sut = new NotificationsService(sender, withRecipients ? recipients : null);
  return { sut, sender, recipients };
}

describe(NotificationsService.name, () => {
  it("sends a confirmation to the worker and to the business's staff", async () => {
    const { sut, sender, recipients } = setup();
    recipients.forBusiness.mockResolvedValue(['staff1']);

    await sut.onAssignmentEvent(outboxEvent('assignment.confirmed', payload));

    expect(recipients.forBusiness).toHaveBeenCalledWith('b1');
    expect(sender.send.mock.calls.map(([m]) => [m.template, m.to.memberId])).toEqual([
      ['assignment.confirmed.worker', 'w1'],
      ['assignment.confirmed.business', 'staff1'],
    ]);
  });

  it('does not look up business staff for an event only the worker hears of', async () => {
    const { sut, sender, recipients } = setup();

    await sut.onAssignmentEvent(outboxEvent('assignment.proposed', payload));

    expect(recipients.forBusiness).not.toHaveBeenCalled();
    expect(sender.send).toHaveBeenCalledTimes(1);
  });

  it('notifies only the worker when no recipients lookup is configured', async () => {
    const { sut, sender } = setup(false);

    await sut.onAssignmentEvent(outboxEvent('assignment.confirmed', payload));

    expect(sender.send.mock.calls.map(([m]) => m.to.memberId)).toEqual(['w1']);
  });

  it('fails the event when the sender fails, so the outbox tries again', async () => {
    const { sut, sender } = setup(false);
    sender.send.mockRejectedValue(new Error('provider unavailable'));

    await expect(
      sut.onAssignmentEvent(outboxEvent('assignment.proposed', payload)),
    ).rejects.toThrow('provider unavailable');
  });

  it('parks an event whose payload does not parse, naming the fields but not their values', async () => {
    const { sut } = setup();
    const event = outboxEvent('assignment.proposed', { ...payload, workerId: 42 });

    const error = await sut.onAssignmentEvent(event).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentOutboxError);
    expect((error as Error).message).toBe('assignment.proposed payload is invalid at: workerId');
  });
});
