import { afterEach, describe, expect, it } from 'vitest';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderTimeoutError,
} from '../../platform/providers/provider-errors.js';
import { ALIMTALK_TEMPLATES, alimTalkTemplate } from './alimtalk-templates.js';
import { popbillUnderTest } from './popbill.test-kit.js';
import {
  STUB_CODES,
  STUB_KAKAO_CHANNEL,
  STUB_NUMBERS_WITHOUT_KAKAOTALK,
} from './stub/popbill-stub-fixtures.js';

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

const template = alimTalkTemplate('assignment.confirmed.worker')!;
const params = {
  assignmentId: 'asg-1',
  occurredAt: '2026-12-05 09:00',
  shiftStartsAt: '2026-12-06 08:30',
};
const RECEIVER = '01012345678';

describe('PopbillKakaoClient against the stub', () => {
  it('sends an AlimTalk under its approved template; it reaches KakaoTalk with no fallback', async () => {
    const { clients, stub } = await setUp();
    const sent = await clients.kakao.sendAlimTalk({
      id: 'a-1',
      template,
      params,
      receiver: RECEIVER,
    });
    expect(stub.inbox()).toEqual([
      expect.objectContaining({
        channel: 'ALIMTALK',
        receiver: RECEIVER,
        templateCode: template.code,
        fallback: null,
        receiptNum: sent.receiptNum,
        text: expect.stringContaining('2026-12-06 08:30 시작 근무가 확정되었습니다.') as string,
      }),
    ]);
    expect(await clients.kakao.results('a-1')).toEqual([
      { state: 'delivered', result: '0000', altResult: undefined, templateCode: template.code },
    ]);
  });

  it('falls back to SMS/LMS with the same text when the number has no KakaoTalk', async () => {
    const { clients, stub } = await setUp();
    const receiver = STUB_NUMBERS_WITHOUT_KAKAOTALK[0]!;
    await clients.kakao.sendAlimTalk({ id: 'a-2', template, params, receiver });
    const [entry] = stub.inbox();
    // The filled template is longer than 90 bytes, so the fallback is an LMS.
    expect(entry).toMatchObject({ channel: 'ALIMTALK', fallback: 'LMS', receiver });
    expect(entry?.text).toContain('시작 근무가 확정되었습니다.');
    expect(await clients.kakao.results('a-2')).toEqual([
      expect.objectContaining({ state: 'fallback_delivered', altResult: '100' }),
    ]);
  });

  it('is refused when the body does not match the approved template', async () => {
    const { clients, stub } = await setUp();
    const tampered = { ...template, body: template.body.replace('확정', '변경') };
    const error = await clients.kakao
      .sendAlimTalk({ id: 'a-3', template: tampered, params, receiver: RECEIVER })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.templateMismatch) });
    expect(stub.inbox()).toEqual([]);
  });

  it('is refused for a template code that is not approved', async () => {
    const { clients } = await setUp();
    const error = await clients.kakao
      .sendAlimTalk({
        id: 'a-4',
        template: { ...template, code: 'NOPE' },
        params,
        receiver: RECEIVER,
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.templateNotFound) });
  });

  it('reads a second send of the same id as already accepted; one message arrives', async () => {
    const { clients, stub } = await setUp();
    const id = 'evt-1:worker:member-000000000000000000000000000001';
    const first = await clients.kakao.sendAlimTalk({ id, template, params, receiver: RECEIVER });
    const again = await clients.kakao.sendAlimTalk({ id, template, params, receiver: RECEIVER });
    expect(again).toEqual({ receiptNum: first.receiptNum, alreadyAccepted: true });
    expect(stub.inbox()).toHaveLength(1);
  });

  it('is refused when the member is out of points', async () => {
    const { clients } = await setUp({}, { points: 1 });
    await expect(
      clients.kakao.sendAlimTalk({ id: 'a-5', template, params, receiver: RECEIVER }),
    ).rejects.toMatchObject({ providerCode: String(STUB_CODES.outOfPoints) });
  });

  it('times out without sending again', async () => {
    const { clients, stub, records } = await setUp();
    stub.control({ hang: { path: '/ATS' } });
    await expect(
      clients.kakao.sendAlimTalk({ id: 'a-6', template, params, receiver: RECEIVER }),
    ).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(records.at(-1)).toMatchObject({ operation: 'alimtalk.send', attempts: 1 });
  });

  it('answers bad response to a malformed answer', async () => {
    const { clients, stub } = await setUp();
    stub.control({ malformed: { path: '/ATS' } });
    await expect(
      clients.kakao.sendAlimTalk({ id: 'a-7', template, params, receiver: RECEIVER }),
    ).rejects.toBeInstanceOf(ProviderBadResponseError);
  });

  it('finds every template in code approved, with the same text, under the channel', async () => {
    const { clients } = await setUp();
    expect(await clients.kakao.templateProblems(ALIMTALK_TEMPLATES, STUB_KAKAO_CHANNEL)).toEqual(
      [],
    );
  });

  it('names a template Popbill does not have approved, or has with other text or channel', async () => {
    const { clients } = await setUp({}, { templates: ALIMTALK_TEMPLATES.slice(1) });
    const changed = { ...template, body: `${template.body}!` };
    const problems = await clients.kakao.templateProblems(
      [ALIMTALK_TEMPLATES[0]!, changed],
      STUB_KAKAO_CHANNEL,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^WM_ASGN_PROPOSED_W .* not an approved template$/),
      expect.stringMatching(/^WM_ASGN_CONFIRMED_W .* differs from the approved text$/),
    ]);
    expect(await clients.kakao.templateProblems([template], '@another')).toEqual([
      expect.stringMatching(/approved under another channel$/),
    ]);
  });
});
