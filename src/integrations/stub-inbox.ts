import { escapeHtml } from './stub-http.js';

/**
 * The local inbox: every message the stubs delivered, as a person would see it: what reached a
 * phone through the Popbill stub, and the alerts the Slack stub posted. The Popbill stub serves
 * it (`/inbox`, `/_inbox`, `npm run cli -- dev inbox`) and merges in the other stubs' entries.
 * Fixture people only: the stubs never run outside the local stack and tests.
 */
export interface InboxEntry {
  id: string;
  /** When the stub accepted it (ISO, UTC). */
  at: string;
  channel: 'SMS' | 'LMS' | 'ALIMTALK' | 'SLACK';
  /** The phone number, or the Slack channel (`#workmatch-alerts`). */
  receiver: string;
  /** The sender number, or the Slack bot. */
  sender: string;
  /** The text as it reached the phone (SMS is cut at 90 bytes, as Popbill does) or Slack. */
  text: string;
  subject?: string | undefined;
  /** AlimTalk: the template code it was sent under. */
  templateCode?: string | undefined;
  /** AlimTalk: `SMS`/`LMS` when KakaoTalk could not deliver and the fallback did, else null. */
  fallback?: 'SMS' | 'LMS' | null | undefined;
  /** Slack: the ts of the message whose thread this one answers. */
  thread?: string | undefined;
  requestNum: string | undefined;
  /** Popbill's receipt number, or the Slack message's ts. */
  receiptNum: string;
}

/** How an entry was delivered, in a few words (the page and `dev inbox` share it). */
export function deliveryKind(entry: InboxEntry): string {
  if (entry.channel === 'ALIMTALK') {
    return `AlimTalk ${entry.templateCode ?? ''}${entry.fallback ? ` (KakaoTalk failed: sent as ${entry.fallback})` : ''}`;
  }
  if (entry.channel === 'SLACK') return entry.thread ? 'Slack, in a thread' : 'Slack';
  return entry.channel;
}

/** Lists of several stubs, each newest first, as one list newest first (ties keep their order). */
export function mergeInboxes(...lists: ReadonlyArray<readonly InboxEntry[]>): InboxEntry[] {
  return lists.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** `GET /inbox`: the messages, newest first, as a small page that refreshes itself. */
export function inboxPage(entries: readonly InboxEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<article><header><b>${escapeHtml(e.receiver)}</b> · ${escapeHtml(deliveryKind(e))} · <time>${escapeHtml(e.at)}</time></header>${
          e.subject ? `<h3>${escapeHtml(e.subject)}</h3>` : ''
        }<pre>${escapeHtml(e.text)}</pre></article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>workmatch local inbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
article{border:1px solid #ccc;border-radius:.5rem;padding:.5rem 1rem;margin:.75rem 0}
header{color:#555;font-size:.9rem}pre{white-space:pre-wrap;font-family:inherit}</style></head>
<body><h1>Local inbox</h1><p>Messages the stubs delivered (SMS, LMS and AlimTalk through Popbill; alerts on Slack), newest first.</p>
${rows || '<p>No messages yet.</p>'}
</body></html>
`;
}
