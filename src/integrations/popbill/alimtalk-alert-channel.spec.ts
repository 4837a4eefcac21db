import { afterEach, describe, expect, it } from 'vitest';
import { AlertDeliveryError, type AlertNotice } from '../../platform/alerts/alert.js';
import { AlimTalkAlertChannel, type AlimTalkAlertOptions } from './alimtalk-alert-channel.js';
import { popbillUnderTest } from './popbill.test-kit.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

const PHONES = ['01012345678', '01098765432'];
const HOUR = 3_600_000;
/** 2026-12-05 12:00 KST. */
const NOON = new Date('2026-12-05T03:00:00Z');

const notice = (overrides: Partial<AlertNotice> = {}): AlertNotice => ({
  fingerprint: 'fp-db-down',
  severity: 'critical',
  source: 'provider',
  code: 'provider_circuit_open',
  where: 'provider popbill',
  summary: 'provider circuit opened',
  count: 1,
  firstAt: NOON,
  lastAt: NOON,
  requestIds: [],
  environment: 'prod',
  logsQueryUrl: undefined,
  repeat: false,
  ...overrides,
});

async function setUp(options: Partial<AlimTalkAlertOptions> & { at?: Date } = {}) {
  const kit = await popbillUnderTest();
  close = kit.stub.close;
  let now = options.at ?? NOON;
  const sut = new AlimTalkAlertChannel(kit.clients.kakao, {
    phones: PHONES,
    repeatAfterMs: HOUR,
    quietHours: { from: '23:00', to: '07:00' },
    ...options,
    now: () => now,
  });
  return { ...kit, sut, moveTo: (at: Date) => void (now = at) };
}

describe('critical alerts as AlimTalk to the on-call phones', () => {
  it('pages every on-call phone with the approved alert template: codes, place, count, KST time', async () => {
    const { sut, stub } = await setUp();

    const answer = await sut.deliver(notice(), undefined);

    expect(answer).toEqual({ thread: NOON.toISOString() });
    // The inbox lists the newest first.
    expect(stub.inbox().map((m) => [m.channel, m.receiver, m.templateCode])).toEqual([
      ['ALIMTALK', PHONES[1], 'WM_OPS_ALERT'],
      ['ALIMTALK', PHONES[0], 'WM_OPS_ALERT'],
    ]);
    expect(stub.inbox()[0]?.text).toBe(
      [
        '[워크매치] 장애 알림 (prod)',
        '등급: 긴급',
        '내용: provider_circuit_open · provider popbill',
        '발생: 1회, 마지막 2026-12-05 12:00',
        '',
        'Slack 알림 채널에서 자세한 내용을 확인하세요.',
      ].join('\n'),
    );
  });

  it('pages a repeat only after the repeat interval, and keeps the last page time', async () => {
    const { sut, stub, moveTo } = await setUp();
    const first = await sut.deliver(notice(), undefined);

    moveTo(new Date(NOON.getTime() + HOUR / 2));
    const soon = await sut.deliver(notice({ repeat: true, count: 5 }), first.thread);
    expect(soon).toEqual(first);
    expect(stub.inbox()).toHaveLength(2);

    moveTo(new Date(NOON.getTime() + HOUR));
    await sut.deliver(
      notice({ repeat: true, count: 9, lastAt: new Date(NOON.getTime() + HOUR) }),
      first.thread,
    );
    expect(stub.inbox()).toHaveLength(4);
  });

  it('does not page repeats in the quiet hours (KST, across midnight), but does page a new fault', async () => {
    const night = new Date('2026-12-05T15:30:00Z'); // 00:30 KST
    const { sut, stub } = await setUp({ at: night });

    await sut.deliver(
      notice({ repeat: true, count: 3 }),
      new Date(night.getTime() - 2 * HOUR).toISOString(),
    );
    expect(stub.inbox()).toHaveLength(0);

    await sut.deliver(notice({ fingerprint: 'fp-new' }), undefined);
    expect(stub.inbox()).toHaveLength(2);
  });

  it('sends one AlimTalk per phone when the same notice is delivered twice', async () => {
    const { sut, stub } = await setUp();

    await sut.deliver(notice(), undefined);
    await sut.deliver(notice(), undefined);

    expect(stub.inbox()).toHaveLength(2);
  });

  it('fails as an AlertDeliveryError naming the phone by its place, never its number', async () => {
    const failing = new AlimTalkAlertChannel(
      { sendAlimTalk: () => Promise.reject(new Error('points exhausted')) } as never,
      { phones: PHONES, repeatAfterMs: HOUR, quietHours: undefined },
    );

    const error = await failing.deliver(notice(), undefined).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect((error as Error).message).toBe('AlimTalk to on-call phone #1 failed: Error');
    expect((error as Error).message).not.toContain('010');
  });
});
