import { escapeHtml } from '../../stub-http.js';

/**
 * One message the stub's "phone network" delivered: what a person would see on the phone, for the
 * local inbox. Fixture people only: the stub never runs outside the local stack and tests.
 */
export interface InboxEntry {
  id: string;
  /** When the stub accepted it (ISO, UTC). */
  at: string;
  channel: 'SMS' | 'LMS' | 'ALIMTALK';
  receiver: string;
  sender: string;
  /** The text as it reached the phone (SMS is cut at 90 bytes, as Popbill does). */
  text: string;
  subject?: string | undefined;
  /** AlimTalk: the template code it was sent under. */
  templateCode?: string | undefined;
  /** AlimTalk: `SMS`/`LMS` when KakaoTalk could not deliver and the fallback did, else null. */
  fallback?: 'SMS' | 'LMS' | null | undefined;
  requestNum: string | undefined;
  receiptNum: string;
}

/** `GET /inbox`: the messages, newest first, as a small page that refreshes itself. */
export function inboxPage(entries: readonly InboxEntry[]): string {
  const rows = entries
    .map((e) => {
      const kind =
        e.channel === 'ALIMTALK'
          ? `AlimTalk ${escapeHtml(e.templateCode ?? '')}${e.fallback ? ` → ${e.fallback} fallback` : ''}`
          : e.channel;
      return `<article><header><b>${escapeHtml(e.receiver)}</b> · ${kind} · <time>${escapeHtml(e.at)}</time></header>${
        e.subject ? `<h3>${escapeHtml(e.subject)}</h3>` : ''
      }<pre>${escapeHtml(e.text)}</pre></article>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>workmatch local inbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
article{border:1px solid #ccc;border-radius:.5rem;padding:.5rem 1rem;margin:.75rem 0}
header{color:#555;font-size:.9rem}pre{white-space:pre-wrap;font-family:inherit}</style></head>
<body><h1>Local inbox</h1><p>Messages the Popbill stub delivered (SMS, LMS, AlimTalk), newest first.</p>
${rows || '<p>No messages yet.</p>'}
</body></html>
`;
}
