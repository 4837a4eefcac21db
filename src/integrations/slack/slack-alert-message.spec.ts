import { describe, expect, it } from 'vitest';
import type { AlertNotice } from '../../platform/alerts/alert.js';
import { alertMessage, repeatMessage } from './slack-alert-message.js';

function notice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    fingerprint: 'fp-0123456789abcdefghij',
    severity: 'error',
    source: 'error',
    code: 'db-timeout',
    where: 'POST /shifts/:id/assignments',
    summary: 'The database did not answer within 5 s',
    count: 1,
    // 09:00 and 09:14 KST on 2026-11-25.
    firstAt: new Date('2026-11-25T00:00:00Z'),
    lastAt: new Date('2026-11-25T00:14:30Z'),
    requestIds: ['req-2', 'req-1'],
    environment: 'prod',
    logsQueryUrl: undefined,
    repeat: false,
    ...overrides,
  };
}

describe('alertMessage (Block Kit of a first notice)', () => {
  it('is a header of severity emoji and code, then what, where, how often, environment and request ids, and nothing else', () => {
    const sut = alertMessage(notice());
    expect(sut).toEqual({
      text: ':red_circle: [error] db-timeout at POST /shifts/:id/assignments: The database did not answer within 5 s',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: ':red_circle: db-timeout', emoji: true },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*What*\nThe database did not answer within 5 s' },
            { type: 'mrkdwn', text: '*Where*\nPOST /shifts/:id/assignments' },
            { type: 'mrkdwn', text: '*How often*\nonce, at 2026-11-25 09:00 KST' },
            { type: 'mrkdwn', text: '*Environment*\nprod' },
            { type: 'mrkdwn', text: '*Request ids*\nreq-2, req-1' },
          ],
        },
      ],
    });
    expect(JSON.stringify(sut)).not.toContain(notice().fingerprint);
  });

  it('gives a grouped notice its count and its first and last times in KST', () => {
    const sut = alertMessage(notice({ count: 12 }));
    expect(sut.blocks?.[1]).toMatchObject({
      fields: expect.arrayContaining([
        {
          type: 'mrkdwn',
          text: '*How often*\n12× from 2026-11-25 09:00 KST to 2026-11-25 09:14 KST',
        },
      ]),
    });
  });

  it('marks each severity with its own emoji', () => {
    const headers = (['critical', 'error', 'warning'] as const).map(
      (severity) => alertMessage(notice({ severity })).blocks?.[0],
    );
    expect(headers.map((h) => (h as { text: { text: string } }).text.text)).toEqual([
      ':rotating_light: db-timeout',
      ':red_circle: db-timeout',
      ':warning: db-timeout',
    ]);
  });

  it('links the Logs Insights query in a context only when the notice has one', () => {
    const url =
      'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2&x=1#logsV2:logs-insights$3FqueryDetail$3D~(a~1)';
    const withLink = alertMessage(notice({ logsQueryUrl: url }));
    const without = alertMessage(notice());

    expect(withLink.blocks).toHaveLength(3);
    expect(withLink.blocks?.[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${url.replace('&', '&amp;')}|Logs Insights query>` }],
    });
    expect(without.blocks?.map((b) => b.type)).toEqual(['header', 'section']);
  });

  it("escapes Slack's control characters, so a summary cannot mention anyone or make a link", () => {
    const sut = alertMessage(notice({ summary: '<!channel> a & b <@U123>', requestIds: [] }));
    const what = (sut.blocks?.[1] as { fields: Array<{ text: string }> }).fields[0]?.text;
    expect(what).toBe('*What*\n&lt;!channel&gt; a &amp; b &lt;@U123&gt;');
    expect(sut.text).not.toMatch(/<[!@]/);
    expect((sut.blocks?.[1] as { fields: Array<{ text: string }> }).fields[4]?.text).toBe(
      '*Request ids*\n—',
    );
  });

  it('keeps a field within Block Kit’s 2,000 characters, never cutting an escape in half', () => {
    const sut = alertMessage(notice({ summary: '&'.repeat(500) }));
    const what = (sut.blocks?.[1] as { fields: Array<{ text: string }> }).fields[0]?.text ?? '';
    expect(what.length).toBeLessThanOrEqual(2_000);
    expect(what).toMatch(/(&amp;)+…$/);
  });
});

describe('repeatMessage (a reply in the thread)', () => {
  it('says how many more since when, the last time and the request ids, without blocks', () => {
    expect(repeatMessage(notice({ count: 3, repeat: true }))).toEqual({
      text: '×3 more since 2026-11-25 09:00 KST, last 2026-11-25 09:14 KST · request ids: req-2, req-1',
    });
    expect(repeatMessage(notice({ count: 1, repeat: true, requestIds: [] }))).toEqual({
      text: '×1 more since 2026-11-25 09:00 KST',
    });
  });
});
