import { afterEach, describe, expect, it } from 'vitest';
import { strictFake } from '../../../test/support/strict-fake.js';
import type { MemberContacts } from '../../modules/notifications/member-contacts.port.js';
import { PopbillMessageSender } from './popbill-message-sender.js';
import { popbillUnderTest } from './popbill.test-kit.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const message = {
  id: 'evt-1:worker:w1',
  to: { memberId: 'w1' },
  template: 'assignment.proposed.worker',
  params: {
    assignmentId: 'asg-1',
    occurredAt: '2026-12-05 09:00',
    shiftStartsAt: '2026-12-06 08:30',
  },
};

async function setUp() {
  const kit = await popbillUnderTest();
  close = kit.stub.close;
  const contacts = strictFake<MemberContacts>('contacts');
  return { ...kit, contacts, sut: new PopbillMessageSender(kit.clients.kakao, contacts) };
}

describe(PopbillMessageSender.name, () => {
  it("sends the message as AlimTalk to the member's phone, under the message's template", async () => {
    const { sut, contacts, stub } = await setUp();
    contacts.phoneOf.mockResolvedValue('01012345678');
    await sut.send(message);
    expect(contacts.phoneOf).toHaveBeenCalledWith('w1');
    expect(stub.inbox()).toEqual([
      expect.objectContaining({
        channel: 'ALIMTALK',
        receiver: '01012345678',
        templateCode: 'WM_ASGN_PROPOSED_W',
        text: expect.stringContaining('2026-12-06 08:30 시작 근무가 제안되었습니다.') as string,
      }),
    ]);
  });

  it('skips a member without a phone number', async () => {
    const { sut, contacts, stub } = await setUp();
    contacts.phoneOf.mockResolvedValue(undefined);
    await sut.send(message);
    expect(stub.inbox()).toEqual([]);
  });

  it('refuses a template without an AlimTalk template, so the event is kept', async () => {
    const { sut } = await setUp();
    await expect(sut.send({ ...message, template: 'shift.unknown.worker' })).rejects.toThrow(
      /no AlimTalk template/,
    );
  });
});
