import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.js';
import { freePort } from '../../../local/ports.js';
import { popbillUnderTest } from '../popbill.test-kit.js';
import { devInboxCommand } from './inbox.command.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function capture() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), text: () => text };
}

async function run(env: Record<string, string>, argv: string[] = []) {
  const out = capture();
  const err = capture();
  const code = await devInboxCommand({ config: loadConfig(env), argv, out, err });
  return { code, out: out.text(), err: err.text() };
}

describe('cli dev inbox', () => {
  it('prints the messages the stub delivered, newest first, with template and fallback', async () => {
    const { stub, clients } = await popbillUnderTest();
    close = stub.close;
    await clients.messages.sendSms({ id: 'a', receiver: '01011112222', content: '첫 안내' });
    await clients.messages.sendSms({ id: 'b', receiver: '01033334444', content: '둘째 안내' });
    const { code, out } = await run({ LOCAL_POPBILL_PORT: new URL(stub.url).port });
    expect(code).toBe(0);
    expect(out.indexOf('01033334444')).toBeLessThan(out.indexOf('01011112222'));
    expect(out).toContain('  둘째 안내');
    expect(out).toContain('SMS');
  });

  it('prints the Slack alerts the inbox shows, with their channel and thread replies marked', async () => {
    const alert = {
      at: '2999-01-01T00:00:00.000Z',
      channel: 'SLACK' as const,
      receiver: '#workmatch-alerts',
      sender: 'workmatch-alerts',
      requestNum: undefined,
    };
    const entries = [
      { ...alert, id: 'slack-2', text: '×3 more', thread: '1.000001', receiptNum: '1.000002' },
      { ...alert, id: 'slack-1', text: ':red_circle: db-timeout', receiptNum: '1.000001' },
    ];
    const { stub } = await popbillUnderTest({}, { otherInboxes: [() => entries] });
    close = stub.close;
    const { code, out } = await run({ LOCAL_POPBILL_PORT: new URL(stub.url).port });
    expect(code).toBe(0);
    expect(out).toContain('to #workmatch-alerts  Slack, in a thread\n  ×3 more');
    expect(out).toContain('to #workmatch-alerts  Slack\n  :red_circle: db-timeout');
  });

  it('prints at most --limit messages and says how many are older', async () => {
    const { stub, clients } = await popbillUnderTest();
    close = stub.close;
    for (const id of ['a', 'b', 'c']) {
      await clients.messages.sendSms({ id, receiver: '01011112222', content: id });
    }
    const { out } = await run({ LOCAL_POPBILL_PORT: new URL(stub.url).port }, ['--limit', '1']);
    expect(out).toContain('  c\n');
    expect(out).not.toContain('  a\n');
    expect(out).toContain('2 older');
  });

  it('says the stack is not running when the stub does not answer (exit 1)', async () => {
    const { code, err } = await run({ LOCAL_POPBILL_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(err).toMatch(/is the local stack running/);
  });

  it('is refused in aws mode (exit 2)', async () => {
    const { code } = await run({
      APP_MODE: 'aws',
      EMBEDDED_DB_DIR: '/tmp/unused',
      FIELD_KEYS_DIR: '/tmp/unused',
      COGNITO_USER_POOL_ID: 'ap-northeast-2_AbCdEf123',
      COGNITO_CLIENT_ID: 'c',
      S3_BUCKET: 'bucket',
      SQS_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/1/events',
    });
    expect(code).toBe(2);
  });
});
