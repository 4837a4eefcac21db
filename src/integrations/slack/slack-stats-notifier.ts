import type { KnownBlock, WebClient } from '@slack/web-api';
import type { SlackAlertConfig } from '../../config/slack-config.js';
import type { NoticeChart, StatsNotifier } from '../../modules/statistics/stats-notifier.port.js';
import {
  formatKstMinute,
  koreanMonth,
  parseKstMonth,
  previousKstMonth,
} from '../../platform/time/kst.js';
import {
  createSlackWebClient,
  describeSlackFailure,
  type SlackClientOptions,
} from './slack-web-client.js';

// An integration imports only the port it implements (eslint.config.js), so the report's types
// are read off the port's signature rather than imported from monthly-report.ts.
type MonthlyReport = Parameters<StatsNotifier['announce']>[0];
type HeadlineFigure = MonthlyReport['headline'][number];

/** Block Kit's limits (a post over one is refused with `invalid_blocks`). */
const MAX_HEADER = 150;
const MAX_FIELD = 2_000;
const MAX_TEXT = 3_000;
const FIELDS_PER_SECTION = 10;

const EMPTY_MONTH = '이 달에는 활동이 없습니다.';

/** The notice could not be sent: the message names the call and Slack's error code or status. */
class SlackStatsNoticeError extends Error {
  override readonly name = 'SlackStatsNoticeError';
}

/**
 * The monthly statistics on Slack, through the same Web API client as the alerts
 * (slack-web-client.ts): one chat.postMessage with the headline figures in Block Kit, then the
 * chart as a file in the same channel, by the SDK's `files.uploadV2` (files.getUploadURLExternal,
 * a POST of the bytes to the URL it answers, files.completeUploadExternal). The upload URL is
 * called as Slack gives it, outside `slackApiUrl` (so the local stub's URL works); only the
 * method names are kept to the configured API.
 *
 * The message goes first so the chart lands under it, and because files.completeUploadExternal
 * takes a channel id while the configured channel may be a name: the post's answer gives the id.
 * An empty month gets no chart: it would only say 활동 없음 again. A failure of either call
 * throws, naming the call and Slack's error code or HTTP status (never the token, which only the
 * client holds); the statistics job logs it, and the report stands. A 429 fails at once.
 */
export class SlackStatsNotifier implements StatsNotifier {
  readonly #client: WebClient;
  readonly #channel: string;

  constructor(
    settings: SlackAlertConfig & { statsChannel?: string },
    options: SlackClientOptions = {},
  ) {
    this.#channel = settings.statsChannel ?? settings.channel;
    this.#client = createSlackWebClient(settings, options);
  }

  async announce(report: MonthlyReport, chart: NoticeChart | undefined): Promise<void> {
    const posted = await this.#call('chat.postMessage', () =>
      this.#client.chat.postMessage({
        channel: this.#channel,
        ...statsMessage(report),
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!chart || report.empty) return;
    const title = `${monthTitle(report.month)} 월간 통계`;
    await this.#call('files.uploadV2', () =>
      this.#client.files.uploadV2({
        channel_id: posted.channel ?? this.#channel,
        file: chart.png,
        filename: `${report.month}-${chart.name}`,
        title: `${title} (${chart.name})`,
        initial_comment: `${title} 차트`,
      }),
    );
  }

  async #call<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new SlackStatsNoticeError(describeSlackFailure(method, error).message);
    }
  }
}

/**
 * The notice: a header with the month, the headline figures as fields (ten to a section, Block
 * Kit's most) with their change from the month before, and when the report was made, in KST.
 * An empty month says so instead of listing zeros. `text` is the notification's and the
 * fallback for clients without blocks.
 */
function statsMessage(report: MonthlyReport): { text: string; blocks: KnownBlock[] } {
  const header = `📊 ${monthTitle(report.month)} 월간 통계`;
  const made = `${formatKstMinute(new Date(report.generatedAt))} (KST) 생성`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(header, MAX_HEADER), emoji: true } },
  ];
  if (report.empty) {
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: EMPTY_MONTH } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: made }] },
    );
    return { text: `${header}: ${EMPTY_MONTH}`, blocks };
  }
  const fields = report.headline.map((figure) => ({
    type: 'mrkdwn' as const,
    text: clip(
      `*${escape(figure.label)}*\n${formatValue(figure)} · ${formatChange(figure.change)}`,
      MAX_FIELD,
    ),
  }));
  for (let i = 0; i < fields.length; i += FIELDS_PER_SECTION) {
    blocks.push({ type: 'section', fields: fields.slice(i, i + FIELDS_PER_SECTION) });
  }
  const before = previousMonthTitle(report.month);
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${before ? `증감은 ${before} 대비 · ` : ''}${made}` }],
  });
  const figures = report.headline
    .map((f) => `${f.label} ${formatValue(f)} (${formatChange(f.change)})`)
    .join(', ');
  return { text: clip(escape(`${header}: ${figures}`), MAX_TEXT), blocks };
}

const COUNT = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('ko-KR', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const PERCENT = new Intl.NumberFormat('ko-KR', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** As the workbook shows it: `1,234`, `12.3%`, `1,234,000원`, `1,234.5시간`. */
function formatValue({ unit, value }: HeadlineFigure): string {
  switch (unit) {
    case 'count':
      return COUNT.format(value);
    case 'rate':
      return PERCENT.format(value);
    case 'krw':
      return `${COUNT.format(value)}원`;
    case 'hours':
      return `${ONE_DECIMAL.format(value)}시간`;
  }
}

/** `▲ 12.3%`, `▼ 4.0%`, `0.0%` when it rounds to nothing, `–` when there is nothing to compare. */
function formatChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return '–';
  const size = PERCENT.format(Math.abs(change));
  if (size === PERCENT.format(0)) return size;
  return `${change > 0 ? '▲' : '▼'} ${size}`;
}

/** `2026-11` as `2026년 11월` (the text itself if it is no month: the notice still goes). */
function monthTitle(month: string): string {
  const parsed = parseKstMonth(month);
  return parsed ? koreanMonth(parsed) : month;
}

function previousMonthTitle(month: string): string | undefined {
  const parsed = parseKstMonth(month);
  return parsed && koreanMonth(previousKstMonth(parsed));
}

/** Slack's three control characters, escaped, so a label is shown as it is. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to `max` characters with an ellipsis, never in the middle of an escape. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}
