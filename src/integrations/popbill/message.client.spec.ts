import { afterEach, describe, expect, it } from 'vitest';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { messageDeliveryState, popbillRequestNum } from './message.client.js';
import { popbillUnderTest } from './popbill.test-kit.js';
import { STUB_CODES } from './stub/popbill-stub-fixtures.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setUp(...args: Parameters<typeof popbillUnderTest>) {
  const kit = await popbillUnderTest(...args);
  close = kit.stub.close;
  return kit;
}

const RECEIVER = '01012345678';

describe('popbillRequestNum', () => {
  it('keeps an id that fits Popbill (1–36 of A-Z a-z 0-9 - _) as it is', () => {
    expect(popbillRequestNum('evt-1_a')).toBe('evt-1_a');
  });

  it('turns a longer id into 36 allowed characters, the same each time', () => {
    const id = 'f3a1c2d4-0000-4000-8000-000000000001:worker:member-0000000001';
    const requestNum = popbillRequestNum(id);
    expect(requestNum).toMatch(/^[A-Za-z0-9_-]{36}$/);
    expect(popbillRequestNum(id)).toBe(requestNum);
    expect(popbillRequestNum(`${id}x`)).not.toBe(requestNum);
  });
});

describe('messageDeliveryState', () => {
  it('maps state 0/1/2 to in progress, 3 by its carrier result, 4 to cancelled', () => {
    expect(messageDeliveryState(0, undefined)).toBe('accepted');
    expect(messageDeliveryState(1, undefined)).toBe('waiting');
    expect(messageDeliveryState(2, undefined)).toBe('sending');
    expect(messageDeliveryState(3, '100')).toBe('delivered');
    expect(messageDeliveryState(3, '301')).toBe('failed');
    expect(messageDeliveryState(4, undefined)).toBe('cancelled');
  });
});

describe('PopbillMessageClient against the stub', () => {
  it('sends an SMS that reaches the receiver, and finds its result by our id', async () => {
    const { clients, stub } = await setUp();
    const sent = await clients.messages.sendSms({
      id: 'msg-1',
      receiver: RECEIVER,
      content: '[워크매치] 인증번호 123456',
    });
    expect(sent).toEqual({ receiptNum: expect.stringMatching(/^\d{18}$/), alreadyAccepted: false });
    expect(stub.inbox()).toEqual([
      expect.objectContaining({
        channel: 'SMS',
        receiver: RECEIVER,
        text: '[워크매치] 인증번호 123456',
        requestNum: 'msg-1',
        receiptNum: sent.receiptNum,
      }),
    ]);
    expect(await clients.messages.results('msg-1')).toEqual([
      expect.objectContaining({ state: 'delivered', result: '100', receiptNum: sent.receiptNum }),
    ]);
  });

  it('finds the same result by the receipt number Popbill gave', async () => {
    const { clients } = await setUp();
    const { receiptNum } = await clients.messages.sendSms({
      id: 'by-receipt',
      receiver: RECEIVER,
      content: '안내',
    });
    expect(await clients.messages.resultsByReceipt(receiptNum)).toEqual([
      expect.objectContaining({ state: 'delivered', receiptNum }),
    ]);
  });

  it('sends an LMS with its subject', async () => {
    const { clients, stub } = await setUp();
    const content = '가'.repeat(200);
    await clients.messages.sendLms({ id: 'lms-1', receiver: RECEIVER, subject: '안내', content });
    expect(stub.inbox()[0]).toMatchObject({ channel: 'LMS', subject: '안내', text: content });
  });

  it('meets Popbill cutting an SMS at 90 bytes (so longer text must go as LMS)', async () => {
    const { clients, stub } = await setUp();
    await clients.messages.sendSms({ id: 'long', receiver: RECEIVER, content: '가'.repeat(60) });
    expect(stub.inbox()[0]?.text).toBe('가'.repeat(45));
  });

  it('reads a second send of the same id as already accepted, and the phone gets one message', async () => {
    const { clients, stub } = await setUp();
    const id = 'evt-9f2c:worker:member-00000000000000000000000001';
    const first = await clients.messages.sendSms({ id, receiver: RECEIVER, content: '안내' });
    const again = await clients.messages.sendSms({ id, receiver: RECEIVER, content: '안내' });
    expect(again).toEqual({ receiptNum: first.receiptNum, alreadyAccepted: true });
    expect(stub.inbox()).toHaveLength(1);
  });

  it('is refused with the code when the sender number is not registered', async () => {
    const { clients } = await setUp({ sender: '0299999999' });
    const error = await clients.messages
      .sendSms({ id: 'm', receiver: RECEIVER, content: '안내' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({
      code: 'provider_error',
      providerCode: String(STUB_CODES.senderNotRegistered),
    });
  });

  it('is refused with the code for a receiver number Popbill cannot use', async () => {
    const { clients } = await setUp();
    const error = await clients.messages
      .sendSms({ id: 'm', receiver: '12', content: '안내' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.badReceiver) });
  });

  it('is refused when the member is out of points, and nothing is sent', async () => {
    const { clients, stub } = await setUp({}, { points: 0 });
    const error = await clients.messages
      .sendSms({ id: 'm', receiver: RECEIVER, content: '안내' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.outOfPoints) });
    expect(stub.inbox()).toEqual([]);
  });

  it('is refused with the not-found code for the result of an id never sent', async () => {
    const { clients } = await setUp();
    await expect(clients.messages.results('never')).rejects.toMatchObject({
      providerCode: String(STUB_CODES.notFound),
    });
  });

  it('times out a send that gets no answer and does not send it again', async () => {
    const { clients, stub, records } = await setUp();
    stub.control({ hang: { path: '/SMS' } });
    const error = await clients.messages
      .sendSms({ id: 'm', receiver: RECEIVER, content: '안내' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect(records.at(-1)).toMatchObject({
      operation: 'sms.send',
      outcome: 'timeout',
      attempts: 1,
    });
  });

  it('retries a result lookup (idempotent) that got a 5xx without an error body', async () => {
    const { clients, stub, records } = await setUp();
    await clients.messages.sendSms({ id: 'm', receiver: RECEIVER, content: '안내' });
    stub.control({ fail: { path: '/Message/Get', status: 503, body: {}, times: 1 } });
    await expect(clients.messages.results('m')).resolves.toHaveLength(1);
    expect(records.at(-1)).toMatchObject({
      operation: 'message.result',
      outcome: 'ok',
      attempts: 2,
    });
  });

  it('answers unavailable when Popbill keeps failing with 5xx', async () => {
    const { clients, stub } = await setUp();
    stub.control({ fail: { path: '/SMS', status: 502, body: {} } });
    await expect(
      clients.messages.sendSms({ id: 'm', receiver: RECEIVER, content: '안내' }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('answers bad response to a malformed answer', async () => {
    const { clients, stub } = await setUp();
    stub.control({ malformed: { path: '/SMS' } });
    await expect(
      clients.messages.sendSms({ id: 'm', receiver: RECEIVER, content: '안내' }),
    ).rejects.toBeInstanceOf(ProviderBadResponseError);
  });

  it('puts neither the number nor the text into an error', async () => {
    const { clients, stub } = await setUp();
    stub.control({
      fail: { path: '/SMS', status: 400, body: { code: -14000021, message: `bad ${RECEIVER}` } },
    });
    const error = (await clients.messages
      .sendSms({ id: 'm', receiver: RECEIVER, content: '비밀 안내' })
      .catch((e: unknown) => e)) as Error;
    const seen = `${error.message} ${JSON.stringify(error)}`;
    expect(seen).not.toContain(RECEIVER);
    expect(seen).not.toContain('비밀');
  });

  it('says whether the sender number is registered with Popbill', async () => {
    const registered = await setUp();
    expect(await registered.clients.messages.senderRegistered()).toBe(true);
    await close?.();
    const unregistered = await setUp({ sender: '0299999999' });
    expect(await unregistered.clients.messages.senderRegistered()).toBe(false);
  });
});
