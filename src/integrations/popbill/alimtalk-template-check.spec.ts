import { baseOptions } from '../../platform/logging/logger.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../test/support/log-capture.js';
import { checkAlimTalkTemplates } from './alimtalk-template-check.js';
import { ALIMTALK_TEMPLATES } from './alimtalk-templates.js';
import { popbillUnderTest } from './popbill.test-kit.js';
import { STUB_KAKAO_CHANNEL } from './stub/popbill-stub-fixtures.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe(checkAlimTalkTemplates.name, () => {
  it('warns about each template Popbill has not approved', async () => {
    const { clients, stub } = await popbillUnderTest(
      {},
      { templates: ALIMTALK_TEMPLATES.slice(2) },
    );
    close = stub.close;
    const logs = new LogCapture();
    const problems = await checkAlimTalkTemplates(
      clients,
      STUB_KAKAO_CHANNEL,
      pino(baseOptions('info', 'worker'), logs),
    );
    expect(problems).toHaveLength(2);
    expect(logs.text()).toContain('AlimTalk not sendable');
  });

  it('only warns when Popbill cannot be asked, and the start goes on', async () => {
    const { clients, stub } = await popbillUnderTest();
    close = stub.close;
    stub.control({ fail: { path: '/KakaoTalk', status: 400, body: { code: -1, message: 'x' } } });
    const logs = new LogCapture();
    await expect(
      checkAlimTalkTemplates(
        clients,
        STUB_KAKAO_CHANNEL,
        pino(baseOptions('info', 'worker'), logs),
      ),
    ).resolves.toEqual([]);
    expect(logs.text()).toContain('could not check the AlimTalk templates');
  });

  it('warns when the sender number of the SMS fallback is not registered', async () => {
    const { clients, stub } = await popbillUnderTest({ sender: '0299999999' });
    close = stub.close;
    const logs = new LogCapture();
    const problems = await checkAlimTalkTemplates(
      clients,
      STUB_KAKAO_CHANNEL,
      pino(baseOptions('info', 'worker'), logs),
    );
    expect(problems).toEqual([expect.stringMatching(/POPBILL_SENDER_NUMBER/)]);
  });
});
