import { afterEach, describe, expect, it } from 'vitest';
import {
  emptyMonthlyReport,
  monthlyReport,
} from '../../modules/statistics/report-files/report-files.test-kit.js';
import { SlackStatsNotifier } from './slack-stats-notifier.js';
import { startSlackStub, type SlackStub } from './stub/slack-stub.js';
import { STUB_BOT_TOKEN } from './stub/slack-stub-fixtures.js';

let stub: SlackStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** The real WebClient against the stub on loopback; the stats channel by name, as config allows. */
async function setUp(settings: { token?: string; statsChannel?: string } = {}, retries = 0) {
  stub = await startSlackStub();
  const sut = new SlackStatsNotifier(
    {
      token: STUB_BOT_TOKEN,
      channel: 'C0ALERTS00',
      criticalChannel: 'C0CRITICAL',
      apiUrl: stub.apiUrl,
      statsChannel: 'workmatch-stats',
      ...settings,
    },
    { retries, timeoutMs: 2_000 },
  );
  return { sut, stub };
}

/** PNG's signature and bytes that are not UTF-8: a body read as text would not survive. */
const CHART = {
  name: 'daily.png',
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x7f]),
};

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }> };

function blocksOf(target: SlackStub): Block[] {
  const post = target.received().find((c) => c.method === 'chat.postMessage');
  return (post?.args.blocks ?? []) as Block[];
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected announce to fail');
  return error;
}

describe('SlackStatsNotifier', () => {
  it('posts the month as the header and every headline figure, Korean-formatted, with its change', async () => {
    const { sut, stub } = await setUp();

    await sut.announce(monthlyReport(), undefined);

    const blocks = blocksOf(stub);
    expect(blocks[0]).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: '📊 2026년 11월 월간 통계' },
    });
    const sections = blocks.filter((b) => b.type === 'section');
    // 15 figures: Block Kit takes at most 10 fields in a section.
    expect(sections.map((s) => s.fields?.length)).toEqual([10, 5]);
    expect(sections.flatMap((s) => s.fields ?? []).map((f) => f.text)).toEqual([
      '*신규 가입*\n1,250 · ▲ 25.0%',
      '*본인인증 완료*\n900 · ▲ 12.5%',
      '*계좌 인증 완료*\n850 · 0.0%',
      '*사업자 인증 완료*\n40 · ▼ 20.0%',
      '*등록된 근무*\n3,200 · ▲ 6.7%',
      '*모집 인원*\n9,600 · ▲ 6.7%',
      '*충원 인원*\n7,800 · ▲ 15.6%',
      '*충원율*\n81.3% · ▲ 8.3%',
      '*지원*\n15,000 · –',
      '*완료된 배정*\n7,400 · ▲ 13.8%',
      '*노쇼율*\n2.5% · ▼ 16.7%',
      '*직전 취소율*\n4.0% · –',
      '*근무 시간*\n59,200.5시간 · ▲ 13.8%',
      '*지급액*\n612,345,678원 · ▲ 13.4%',
      '*자격 미달*\n320 · ▲ 6.7%',
    ]);
  });

  it('says when the report was made, in KST, and what the change compares with', async () => {
    const { sut, stub } = await setUp();

    await sut.announce(monthlyReport(), undefined);

    const context = blocksOf(stub).at(-1) as { type: string; elements: Array<{ text: string }> };
    expect(context.type).toBe('context');
    // generatedAt 2026-12-01T00:05Z is 09:05 in Seoul.
    expect(context.elements[0]?.text).toBe('증감은 2026년 10월 대비 · 2026-12-01 09:05 (KST) 생성');
  });

  it('gives the message a plain-text fallback with the header and the figures', async () => {
    const { sut, stub } = await setUp();

    await sut.announce(monthlyReport(), undefined);

    const text = String(stub.received()[0]?.args.text);
    expect(text.startsWith('📊 2026년 11월 월간 통계: 신규 가입 1,250 (▲ 25.0%), ')).toBe(true);
    expect(text).toContain('지급액 612,345,678원 (▲ 13.4%)');
  });

  it('sends the chart as a file with the same bytes into the stats channel, under the message', async () => {
    const { sut, stub } = await setUp();

    await sut.announce(monthlyReport(), CHART);

    expect(stub.received().map((c) => [c.method, c.status])).toEqual([
      ['chat.postMessage', 200],
      ['files.getUploadURLExternal', 200],
      ['files.completeUploadExternal', 200],
    ]);
    // The channel was configured by name; files.completeUploadExternal got the post's id.
    expect(stub.uploadedFiles()).toEqual([
      expect.objectContaining({
        filename: '2026-11-daily.png',
        bytes: CHART.png,
        completed: true,
        channel: 'C0STATS000',
        title: '2026년 11월 월간 통계 (daily.png)',
        initialComment: '2026년 11월 월간 통계 차트',
      }),
    ]);
    const [file, message] = stub.inbox();
    expect(file).toMatchObject({
      receiver: '#workmatch-stats',
      text: '2026년 11월 월간 통계 차트\n[file] 2026년 11월 월간 통계 (daily.png)',
    });
    expect(message?.receiver).toBe('#workmatch-stats');
    expect(message?.text.startsWith('📊 2026년 11월 월간 통계\n')).toBe(true);
  });

  it('posts to the alert channel when no stats channel is configured', async () => {
    const { sut, stub } = await setUp({ statsChannel: undefined });

    await sut.announce(monthlyReport(), CHART);

    expect(stub.received()[0]?.args.channel).toBe('C0ALERTS00');
    expect(stub.uploadedFiles()[0]?.channel).toBe('C0ALERTS00');
  });

  it('says an empty month had no activity instead of listing figures, and sends no chart', async () => {
    const { sut, stub } = await setUp();

    await sut.announce(emptyMonthlyReport(), CHART);

    const blocks = blocksOf(stub);
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '이 달에는 활동이 없습니다.' },
    });
    expect(blocks.some((b) => b.fields)).toBe(false);
    expect(stub.received()[0]?.args.text).toBe(
      '📊 2026년 11월 월간 통계: 이 달에는 활동이 없습니다.',
    );
    expect(stub.uploadedFiles()).toEqual([]);
    expect(stub.received()).toHaveLength(1);
  });

  it("fails at once on a 429, naming Slack's rate limit and its Retry-After", async () => {
    const { sut, stub } = await setUp({}, 1);
    stub.control({ rateLimit: { times: 1, retryAfterSeconds: 7 } });

    const error = await failure(sut.announce(monthlyReport(), CHART));

    expect(error.message).toBe('Slack rate limited chat.postMessage (retry after 7 s)');
    expect(stub.received()).toHaveLength(1);
  });

  it("fails naming Slack's invalid_auth for a bad token, and never the token", async () => {
    const { sut } = await setUp({ token: 'xoxb-0000-wrong-secret-token' });

    const error = await failure(sut.announce(monthlyReport(), CHART));

    expect(error.name).toBe('SlackStatsNoticeError');
    expect(error.message).toBe('Slack refused chat.postMessage: invalid_auth');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      'wrong-secret-token',
    );
  });

  it('fails naming the upload when the chart cannot be sent after the message was', async () => {
    const { sut, stub } = await setUp();
    stub.control({
      rateLimit: { times: 1, retryAfterSeconds: 3, method: 'files.getUploadURLExternal' },
    });

    const error = await failure(sut.announce(monthlyReport(), CHART));

    expect(error.message).toBe('Slack rate limited files.uploadV2 (retry after 3 s)');
    expect(stub.inbox()).toHaveLength(1);
    expect(stub.uploadedFiles()).toEqual([]);
  });

  it('fails naming the HTTP status when the upload URL refuses the bytes', async () => {
    const { sut, stub } = await setUp();
    stub.control({ fail: { path: '/upload/', times: 1, status: 503, body: { ok: false } } });

    const error = await failure(sut.announce(monthlyReport(), CHART));

    expect(error.message).toBe('Slack answered HTTP 503 to files.uploadV2');
    expect(stub.received().map((c) => c.method)).not.toContain('files.completeUploadExternal');
  });
});
