import { afterEach, describe, expect, it } from 'vitest';
import type { SlackAlertConfig } from '../../config/slack-config.js';
import { AlertDeliveryError, type AlertNotice } from '../../platform/alerts/alert.js';
import { SlackAlertChannel } from './slack-alert-channel.js';
import { alertMessage } from './slack-alert-message.js';
import { startSlackStub, type SlackStub } from './stub/slack-stub.js';
import { STUB_BOT_TOKEN } from './stub/slack-stub-fixtures.js';

let stub: SlackStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** The real WebClient against the stub on loopback. */
async function setUp(settings: Partial<SlackAlertConfig> = {}, retries = 0) {
  stub = await startSlackStub();
  const sut = new SlackAlertChannel(
    {
      token: STUB_BOT_TOKEN,
      channel: 'C0ALERTS00',
      criticalChannel: 'C0CRITICAL',
      apiUrl: stub.apiUrl,
      ...settings,
    },
    { retries, timeoutMs: 2_000 },
  );
  return { sut, stub };
}

function notice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    fingerprint: 'fp-0123456789abcdefghij',
    severity: 'error',
    source: 'error',
    code: 'db-timeout',
    where: 'POST /shifts/:id/assignments',
    summary: 'The database did not answer within 5 s',
    count: 1,
    firstAt: new Date('2026-11-25T00:00:00Z'),
    lastAt: new Date('2026-11-25T00:00:00Z'),
    requestIds: ['req-1'],
    environment: 'prod',
    logsQueryUrl: 'https://console.aws.amazon.com/cloudwatch/home#logsV2:logs-insights',
    repeat: false,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<AlertDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AlertDeliveryError)) throw new Error(`expected an AlertDeliveryError`);
  return error;
}

describe('SlackAlertChannel', () => {
  it("posts a first notice's Block Kit message and answers its ts as the thread", async () => {
    const { sut, stub } = await setUp();
    const first = notice();

    const answer = await sut.deliver(first, undefined);

    const [call] = stub.received();
    expect(call?.method).toBe('chat.postMessage');
    expect(call?.args).toMatchObject({ channel: 'C0ALERTS00', ...alertMessage(first) });
    expect(call?.args.thread_ts).toBeUndefined();
    expect(answer).toEqual({ thread: stub.inbox()[0]?.receiptNum });
    expect(answer.thread).toMatch(/^\d{10}\.\d{6}$/);
  });

  it('posts a repeat as a short reply in the first notice’s thread and keeps that thread', async () => {
    const { sut, stub } = await setUp();
    const { thread } = await sut.deliver(notice(), undefined);

    const answer = await sut.deliver(notice({ count: 4, repeat: true }), thread);

    const reply = stub.received()[1];
    expect(reply?.args).toMatchObject({ channel: 'C0ALERTS00', thread_ts: thread });
    expect(reply?.args.text).toMatch(/^×4 more since 2026-11-25 09:00 KST/);
    expect(reply?.args.blocks).toBeUndefined();
    expect(answer).toEqual({ thread });
  });

  it('posts critical notices to the critical channel and the others to the alert channel', async () => {
    const { sut, stub } = await setUp();

    await sut.deliver(notice({ severity: 'critical' }), undefined);
    await sut.deliver(notice({ severity: 'warning' }), undefined);

    expect(stub.received().map((c) => c.args.channel)).toEqual(['C0CRITICAL', 'C0ALERTS00']);
  });

  it('posts critical notices to the alert channel when there is no critical channel', async () => {
    const { sut, stub } = await setUp({ criticalChannel: undefined });
    await sut.deliver(notice({ severity: 'critical' }), undefined);
    expect(stub.received()[0]?.args.channel).toBe('C0ALERTS00');
  });

  it("turns a 429 into an AlertDeliveryError at once, with retryAfterMs from Slack's Retry-After", async () => {
    const { sut, stub } = await setUp({}, 1);
    stub.control({ rateLimit: { times: 1, retryAfterSeconds: 7 } });

    const error = await failure(sut.deliver(notice(), undefined));

    expect(error.retryAfterMs).toBe(7_000);
    expect(error.message).toMatch(/rate limited/);
    expect(stub.received()).toHaveLength(1);
  });

  it("names Slack's invalid_auth for a bad token, and never the token", async () => {
    const { sut } = await setUp({ token: 'xoxb-0000-wrong-secret-token' });

    const error = await failure(sut.deliver(notice(), undefined));

    expect(error.message).toBe('Slack refused chat.postMessage: invalid_auth');
    expect(error.retryAfterMs).toBeUndefined();
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      'wrong-secret-token',
    );
  });

  it("names Slack's channel_not_found for an unknown channel", async () => {
    const { sut } = await setUp({ channel: 'C0NOSUCHCH' });
    const error = await failure(sut.deliver(notice(), undefined));
    expect(error.message).toBe('Slack refused chat.postMessage: channel_not_found');
  });

  it('fails with an AlertDeliveryError naming the status when Slack answers 503, after its one retry', async () => {
    const { sut, stub } = await setUp({}, 1);
    stub.control({ unavailable: {} });

    const error = await failure(sut.deliver(notice(), undefined));

    expect(error.message).toBe('Slack answered HTTP 503 to chat.postMessage');
    expect(error.retryAfterMs).toBeUndefined();
    expect(stub.received()).toHaveLength(2);
  });

  it('fails with an AlertDeliveryError when Slack cannot be reached', async () => {
    const { sut, stub } = await setUp();
    await stub.close();

    const error = await failure(sut.deliver(notice(), undefined));

    expect(error.message).toBe('Slack could not be reached for chat.postMessage: ECONNREFUSED');
  });

  it('fails with an AlertDeliveryError when Slack does not answer within the bound', async () => {
    stub = await startSlackStub();
    const sut = new SlackAlertChannel(
      {
        token: STUB_BOT_TOKEN,
        channel: 'C0ALERTS00',
        criticalChannel: undefined,
        apiUrl: stub.apiUrl,
      },
      { retries: 0, timeoutMs: 200 },
    );
    stub.control({ hang: {} });

    const error = await failure(sut.deliver(notice(), undefined));

    expect(error.message).toMatch(/^Slack could not be reached for chat.postMessage: /);
  });
});
