import { afterEach, describe, expect, it } from 'vitest';
import { popbillUnderTest } from '../popbill.test-kit.js';
import { STUB_CODES } from './popbill-stub-fixtures.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setUp() {
  const kit = await popbillUnderTest();
  close = kit.stub.close;
  return kit;
}

describe('Popbill stub', () => {
  it('serves its inbox as JSON, newest first', async () => {
    const { clients, stub } = await setUp();
    await clients.messages.sendSms({ id: 'one', receiver: '01011112222', content: '첫째' });
    await clients.messages.sendSms({ id: 'two', receiver: '01033334444', content: '둘째' });
    const inbox = (await (await fetch(`${stub.url}/_inbox`)).json()) as Array<{ text: string }>;
    expect(inbox.map((m) => m.text)).toEqual(['둘째', '첫째']);
  });

  it("shows the other stubs' deliveries in its inbox beside its own, newest first", async () => {
    const slack = {
      id: 'slack-1',
      at: '2999-01-01T00:00:00.000Z',
      channel: 'SLACK' as const,
      receiver: '#workmatch-alerts',
      sender: 'workmatch-alerts',
      text: ':red_circle: db-timeout',
      requestNum: undefined,
      receiptNum: '32472144000.000000',
    };
    const kit = await popbillUnderTest({}, { otherInboxes: [() => [slack]] });
    close = kit.stub.close;
    await kit.clients.messages.sendSms({ id: 'one', receiver: '01011112222', content: '첫째' });

    const inbox = (await (await fetch(`${kit.stub.url}/_inbox`)).json()) as Array<{ text: string }>;
    const page = await (await fetch(`${kit.stub.url}/inbox`)).text();

    expect(inbox.map((m) => m.text)).toEqual([':red_circle: db-timeout', '첫째']);
    expect(page).toContain('#workmatch-alerts</b> · Slack');
  });

  it('serves its inbox as an HTML page, with the text escaped', async () => {
    const { clients, stub } = await setUp();
    await clients.messages.sendSms({
      id: 'html',
      receiver: '01011112222',
      content: '<script>x</script>',
    });
    const response = await fetch(`${stub.url}/inbox`);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('01011112222');
  });

  it('takes failure switches over HTTP at POST /_control', async () => {
    const { stub } = await setUp();
    const set = await fetch(`${stub.url}/_control`, {
      method: 'POST',
      body: JSON.stringify({
        fail: { path: '/SMS', status: 400, body: { code: -1, message: 'x' } },
      }),
    });
    expect(set.status).toBe(200);
    const response = await fetch(`${stub.url}/SMS`, { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ code: -1, message: 'x' });
  });

  it('refuses a call without a bearer token with -10000034', async () => {
    const { stub } = await setUp();
    const response = await fetch(`${stub.url}/SMS`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: STUB_CODES.tokenMissing });
  });

  it('refuses a body that is not JSON in the provider shape', async () => {
    const { stub, clients, settings } = await setUp();
    const token = await clients.tokens.get(settings.corpNum, ['member', '150']);
    const response = await fetch(`${stub.url}/SMS`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{nope',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: STUB_CODES.badRequest });
  });

  it('refuses an account check with a bank code that is not 4 digits', async () => {
    const { stub, clients, settings } = await setUp();
    const token = await clients.tokens.get(settings.corpNum, ['member', '182']);
    const response = await fetch(`${stub.url}/EasyFin/AccountCheck?c=004&n=1234`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: STUB_CODES.badBankAccount });
  });
});
