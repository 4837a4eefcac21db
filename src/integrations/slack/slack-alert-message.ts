import type { KnownBlock } from '@slack/web-api';
import type { AlertNotice, AlertSeverity } from '../../platform/alerts/alert.js';
import { formatKstMinute } from '../../platform/time/kst.js';

/** What chat.postMessage gets for one notice, besides the channel. */
interface SlackPost {
  /** The notification's text (and what clients without Block Kit show). */
  text: string;
  blocks?: KnownBlock[];
}

const SEVERITY_EMOJI: Record<AlertSeverity, string> = {
  critical: ':rotating_light:',
  error: ':red_circle:',
  warning: ':warning:',
};

/** Block Kit's limits (a post over one is refused with `invalid_blocks`). */
const MAX_HEADER = 150;
const MAX_FIELD = 2_000;
const MAX_TEXT = 3_000;

/**
 * Slack's three control characters, escaped: a summary holding `<!channel>` or `<@U123>` must
 * not notify anyone, nor `<http://…|…>` become a link. The producer scrubbed personal data; this
 * keeps the text inert.
 */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut to `max` characters with an ellipsis, never in the middle of an escape. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

const kst = (at: Date) => `${formatKstMinute(at)} KST`;

function howOften(notice: AlertNotice): string {
  return notice.count === 1
    ? `once, at ${kst(notice.firstAt)}`
    : `${notice.count}× from ${kst(notice.firstAt)} to ${kst(notice.lastAt)}`;
}

const field = (label: string, value: string) => ({
  type: 'mrkdwn' as const,
  text: clip(`*${label}*\n${escape(value) || '—'}`, MAX_FIELD),
});

/**
 * A notice that opens its fault's thread: a header (severity emoji and code), the fields (what,
 * where, how often in KST, environment, request ids) and, when the notice has one, a link to its
 * CloudWatch Logs Insights query. Nothing but the notice's own fields goes in.
 */
export function alertMessage(notice: AlertNotice): SlackPost {
  const emoji = SEVERITY_EMOJI[notice.severity];
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`${emoji} ${notice.code}`, MAX_HEADER), emoji: true },
    },
    {
      type: 'section',
      fields: [
        field('What', notice.summary),
        field('Where', notice.where),
        field('How often', howOften(notice)),
        field('Environment', notice.environment),
        field('Request ids', notice.requestIds.join(', ')),
      ],
    },
  ];
  // A link in a context rather than a button: a URL button of an app without interactivity
  // shows a warning when clicked. `|` would end the link's URL, so it is percent-encoded.
  const link =
    notice.logsQueryUrl &&
    `<${escape(notice.logsQueryUrl).replace(/\|/g, '%7C')}|Logs Insights query>`;
  if (link && link.length <= MAX_TEXT) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: link }] });
  }
  const text = `${emoji} [${notice.severity}] ${notice.code} at ${notice.where}: ${notice.summary}`;
  return { text: clip(escape(text), MAX_TEXT), blocks };
}

/** A repeat, posted in its fault's thread: the count since and the request ids, no blocks. */
export function repeatMessage(notice: AlertNotice): SlackPost {
  const last = notice.count > 1 ? `, last ${kst(notice.lastAt)}` : '';
  const ids = notice.requestIds.length ? ` · request ids: ${notice.requestIds.join(', ')}` : '';
  return {
    text: clip(escape(`×${notice.count} more since ${kst(notice.firstAt)}${last}${ids}`), MAX_TEXT),
  };
}
