import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackStub, type SlackStub } from './slack-stub.js';
import { STUB_BOT_TOKEN } from './slack-stub-fixtures.js';

let stub: SlackStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function setUp(now?: () => number) {
  stub = await startSlackStub(now ? { now } : {});
  return stub;
}

/** A Web API call as JSON (the SDK sends forms; Slack takes both). */
async function call(
  target: SlackStub,
  method: string,
  args: Record<string, unknown>,
  /** null: no Authorization header. */
  token: string | null = STUB_BOT_TOKEN,
) {
  const response = await fetch(`${target.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(args),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('Slack stub', () => {
  it('refuses a call without a token (not_authed) and with another token (invalid_auth)', async () => {
    const sut = await setUp();
    const args = { channel: 'C0ALERTS00', text: 'x' };

    expect((await call(sut, 'chat.postMessage', args, null)).body).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect((await call(sut, 'chat.postMessage', args, 'xoxb-other')).body).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect(sut.inbox()).toEqual([]);
  });

  it("answers the SDK's form-encoded chat.postMessage with the channel id, a ts and the message", async () => {
    const sut = await setUp();
    const client = new WebClient(STUB_BOT_TOKEN, { slackApiUrl: sut.apiUrl });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hello*' } }];

    const answer = await client.chat.postMessage({
      channel: '#workmatch-alerts',
      text: 'hi',
      blocks,
    });

    expect(answer).toMatchObject({
      ok: true,
      channel: 'C0ALERTS00',
      ts: expect.stringMatching(/^\d+\.\d{6}$/),
      message: { type: 'message', text: 'hi', blocks, ts: answer.ts, bot_id: expect.any(String) },
    });
    expect(sut.received()[0]?.args).toEqual({ channel: '#workmatch-alerts', text: 'hi', blocks });
  });

  it('gives every message a ts greater than the last, even within one millisecond', async () => {
    const sut = await setUp(() => 1_767_225_600_000);
    const stamps: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { body } = await call(sut, 'chat.postMessage', { channel: 'C0ALERTS00', text: `${i}` });
      stamps.push(String(body.ts));
    }
    expect(stamps).toEqual(['1767225600.000000', '1767225600.000001', '1767225600.000002']);
  });

  it('refuses a channel it does not have (channel_not_found) and one the bot is not in (not_in_channel)', async () => {
    const sut = await setUp();
    const unknown = await call(sut, 'chat.postMessage', { channel: 'C0NOSUCHCH', text: 'x' });
    const notMember = await call(sut, 'chat.postMessage', { channel: 'general', text: 'x' });
    expect(unknown.body).toEqual({ ok: false, error: 'channel_not_found' });
    expect(notMember.body).toEqual({ ok: false, error: 'not_in_channel' });
  });

  it('refuses a message with neither text nor blocks, and blocks over the Block Kit limits', async () => {
    const sut = await setUp();
    const longHeader = [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }];
    const noText = await call(sut, 'chat.postMessage', { channel: 'C0ALERTS00' });
    const invalid = await call(sut, 'chat.postMessage', {
      channel: 'C0ALERTS00',
      text: 'x',
      blocks: longHeader,
    });
    const notArray = await call(sut, 'chat.postMessage', {
      channel: 'C0ALERTS00',
      text: 'x',
      blocks: '{"type":"header"}',
    });
    expect(noText.body).toEqual({ ok: false, error: 'no_text' });
    expect(invalid.body).toEqual({ ok: false, error: 'invalid_blocks' });
    expect(notArray.body).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  it("answers auth.test with the bot's identity", async () => {
    const sut = await setUp();
    const client = new WebClient(STUB_BOT_TOKEN, { slackApiUrl: sut.apiUrl });
    expect(await client.auth.test()).toMatchObject({
      ok: true,
      team_id: expect.any(String),
      user_id: expect.any(String),
      bot_id: expect.any(String),
    });
  });

  it('answers an unknown method unknown_method', async () => {
    const sut = await setUp();
    const { status, body } = await call(sut, 'chat.nothing', {});
    expect(status).toBe(404);
    expect(body).toEqual({ ok: false, error: 'unknown_method' });
  });

  it('answers the next N calls 429 ratelimited with Retry-After, then posts again', async () => {
    const sut = await setUp();
    sut.control({ rateLimit: { times: 2, retryAfterSeconds: 3, method: 'chat.postMessage' } });
    const args = { channel: 'C0ALERTS00', text: 'x' };

    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await call(sut, 'chat.postMessage', args));

    expect(answers.map((a) => [a.status, a.retryAfter, a.body.ok])).toEqual([
      [429, '3', false],
      [429, '3', false],
      [200, null, true],
    ]);
    expect(answers[0]?.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(sut.received().map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('answers 503 while unavailable, until cleared', async () => {
    const sut = await setUp();
    sut.control({ unavailable: {} });
    const args = { channel: 'C0ALERTS00', text: 'x' };
    const during = [await call(sut, 'chat.postMessage', args), await call(sut, 'auth.test', {})];
    sut.control({ unavailable: null });
    const after = await call(sut, 'chat.postMessage', args);
    expect(during.map((a) => a.status)).toEqual([503, 503]);
    expect(after.status).toBe(200);
  });

  it('records each call parsed, never its token, and forgets calls, messages and switches on reset', async () => {
    const sut = await setUp();
    await call(sut, 'chat.postMessage', { channel: 'C0ALERTS00', text: 'x', token: 'xoxb-leak' });
    await call(sut, 'chat.postMessage', { channel: 'C0ALERTS00', text: 'y' });
    sut.control({ unavailable: {} });

    expect(sut.received()).toEqual([
      {
        method: 'chat.postMessage',
        args: { channel: 'C0ALERTS00', text: 'x' },
        status: 200,
      },
      {
        method: 'chat.postMessage',
        args: { channel: 'C0ALERTS00', text: 'y' },
        status: 200,
      },
    ]);
    sut.reset();
    expect(sut.received()).toEqual([]);
    expect(sut.inbox()).toEqual([]);
    expect((await call(sut, 'chat.postMessage', { channel: 'C0ALERTS00', text: 'z' })).status).toBe(
      200,
    );
  });

  it('takes its controls over HTTP (POST /_control, POST /_reset) and serves GET /_received', async () => {
    const sut = await setUp();
    const control = await fetch(`${sut.url}/_control`, {
      method: 'POST',
      body: JSON.stringify({ rateLimit: { times: 1, retryAfterSeconds: 9 } }),
    });
    const limited = await call(sut, 'auth.test', {});
    const received = (await (await fetch(`${sut.url}/_received`)).json()) as unknown[];
    await fetch(`${sut.url}/_reset`, { method: 'POST' });

    expect(control.status).toBe(200);
    expect([limited.status, limited.retryAfter]).toEqual([429, '9']);
    expect(received).toEqual([{ method: 'auth.test', args: {}, status: 429 }]);
    expect(sut.received()).toEqual([]);
  });

  it('shows what it posted in the inbox as text, newest first, replies marked as in a thread', async () => {
    const sut = await setUp();
    const first = await call(sut, 'chat.postMessage', {
      channel: 'C0CRITICAL',
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: ':rotating_light: db-timeout' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*What*\na &amp; b' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '<https://x.test/q|Logs>' }] },
      ],
    });
    await call(sut, 'chat.postMessage', {
      channel: 'C0CRITICAL',
      text: '×2 more',
      thread_ts: first.body.ts,
    });

    expect(sut.inbox()).toEqual([
      expect.objectContaining({
        channel: 'SLACK',
        receiver: '#workmatch-critical',
        text: '×2 more',
        thread: first.body.ts,
      }),
      expect.objectContaining({
        channel: 'SLACK',
        receiver: '#workmatch-critical',
        text: ':rotating_light: db-timeout\nWhat\na & b\nLogs (https://x.test/q)',
        thread: undefined,
        receiptNum: first.body.ts,
      }),
    ]);
  });
});

/** Bytes that are not valid UTF-8, so a body read as text would not survive. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x80]);

/** files.getUploadURLExternal for `bytes`, then a raw POST of them to the upload URL. */
async function upload(target: SlackStub, bytes: Buffer, length = bytes.length) {
  const reserved = await call(target, 'files.getUploadURLExternal', {
    filename: 'chart.png',
    length,
  });
  const response = await fetch(String(reserved.body.upload_url), {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  return {
    fileId: String(reserved.body.file_id),
    status: response.status,
    text: await response.text(),
  };
}

describe('Slack stub file uploads', () => {
  it('answers files.getUploadURLExternal with a file id and an upload URL on the stub itself', async () => {
    const sut = await setUp();
    const client = new WebClient(STUB_BOT_TOKEN, { slackApiUrl: sut.apiUrl });

    const answer = await client.files.getUploadURLExternal({ filename: 'chart.png', length: 12 });

    expect(answer).toMatchObject({ ok: true, file_id: expect.stringMatching(/^F[A-Z0-9]+$/) });
    expect(answer.upload_url?.startsWith(`${sut.url}/upload/v1/`)).toBe(true);
    expect(sut.received()[0]).toEqual({
      method: 'files.getUploadURLExternal',
      args: { filename: 'chart.png', length: '12' },
      status: 200,
    });
  });

  it('refuses files.getUploadURLExternal without a filename or a length (invalid_arguments), and a length of 0', async () => {
    const sut = await setUp();
    const noName = await call(sut, 'files.getUploadURLExternal', { length: 12 });
    const noLength = await call(sut, 'files.getUploadURLExternal', { filename: 'chart.png' });
    const notANumber = await call(sut, 'files.getUploadURLExternal', {
      filename: 'chart.png',
      length: 'twelve',
    });
    const zero = await call(sut, 'files.getUploadURLExternal', {
      filename: 'chart.png',
      length: 0,
    });

    expect(noName.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(noName.body.response_metadata).toEqual({
      messages: ['[ERROR] missing required field: filename'],
    });
    expect(noLength.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(notANumber.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(zero.body).toEqual({ ok: false, error: 'missing_argument' });
  });

  it('keeps the bytes POSTed to the upload URL, and refuses a body of another length than reserved', async () => {
    const sut = await setUp();

    const wrong = await upload(sut, PNG, PNG.length + 1);
    const right = await upload(sut, PNG);

    expect(wrong.status).toBe(400);
    expect(right).toMatchObject({ status: 200, text: `OK - ${PNG.length}` });
    expect(sut.uploadedFiles()).toEqual([
      expect.objectContaining({ id: right.fileId, filename: 'chart.png', bytes: PNG }),
    ]);
  });

  it('answers 404 at an upload URL it never gave', async () => {
    const sut = await setUp();
    const response = await fetch(`${sut.url}/upload/v1/made-up`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
  });

  it('completes an upload into a channel: answers the files and posts them to the inbox', async () => {
    const sut = await setUp();
    const { fileId } = await upload(sut, PNG);

    const answer = await call(sut, 'files.completeUploadExternal', {
      files: [{ id: fileId, title: 'November' }],
      channel_id: 'C0STATS000',
      initial_comment: '*Monthly* chart',
    });

    expect(answer.body).toEqual({ ok: true, files: [{ id: fileId, title: 'November' }] });
    expect(sut.uploadedFiles()[0]).toMatchObject({
      id: fileId,
      title: 'November',
      completed: true,
      channel: 'C0STATS000',
      initialComment: '*Monthly* chart',
    });
    expect(sut.inbox()[0]).toMatchObject({
      channel: 'SLACK',
      receiver: '#workmatch-stats',
      text: 'Monthly chart\n[file] November',
      receiptNum: expect.stringMatching(/^\d+\.\d{6}$/),
    });
  });

  it('refuses to complete an unknown file id, one whose bytes never arrived, and one completed before', async () => {
    const sut = await setUp();
    const reserved = await call(sut, 'files.getUploadURLExternal', {
      filename: 'chart.png',
      length: PNG.length,
    });
    const { fileId } = await upload(sut, PNG);
    const complete = (id: unknown) =>
      call(sut, 'files.completeUploadExternal', { files: [{ id }], channel_id: 'C0STATS000' });

    const unknown = await complete('F0NOSUCHFILE');
    const notUploaded = await complete(reserved.body.file_id);
    const first = await complete(fileId);
    const again = await complete(fileId);

    expect(unknown.body).toEqual({ ok: false, error: 'file_not_found' });
    expect(notUploaded.body).toEqual({ ok: false, error: 'file_not_found' });
    expect(first.body.ok).toBe(true);
    expect(again.body).toEqual({ ok: false, error: 'file_not_found' });
    expect(sut.inbox()).toHaveLength(1);
  });

  it('refuses files.completeUploadExternal without files, or to a channel it has not or the bot is not in', async () => {
    const sut = await setUp();
    const { fileId } = await upload(sut, PNG);
    const files = [{ id: fileId }];

    const noFiles = await call(sut, 'files.completeUploadExternal', { channel_id: 'C0STATS000' });
    const notArray = await call(sut, 'files.completeUploadExternal', { files: '{"id":1}' });
    const byName = await call(sut, 'files.completeUploadExternal', {
      files,
      channel_id: 'workmatch-stats',
    });
    const notMember = await call(sut, 'files.completeUploadExternal', {
      files,
      channel_id: 'C0GENERAL0',
    });

    expect(noFiles.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(notArray.body).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(byName.body).toEqual({ ok: false, error: 'channel_not_found' });
    expect(notMember.body).toEqual({ ok: false, error: 'not_in_channel' });
    expect(sut.uploadedFiles()[0]?.completed).toBe(false);
  });

  it("takes the SDK's files.uploadV2 (a multipart POST to the upload URL) end to end", async () => {
    const sut = await setUp();
    const client = new WebClient(STUB_BOT_TOKEN, { slackApiUrl: sut.apiUrl });

    const answer = await client.files.uploadV2({
      channel_id: 'C0STATS000',
      file: PNG,
      filename: 'chart.png',
      title: 'Chart',
      initial_comment: 'Here',
    });

    expect(answer.ok).toBe(true);
    expect(sut.uploadedFiles()).toEqual([
      expect.objectContaining({ bytes: PNG, title: 'Chart', channel: 'C0STATS000' }),
    ]);
    expect(sut.received().map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    expect(sut.received()[1]?.args.files).toEqual([
      { id: sut.uploadedFiles()[0]?.id, title: 'Chart' },
    ]);
  });

  it('forgets its files on reset', async () => {
    const sut = await setUp();
    const { fileId } = await upload(sut, PNG);
    sut.reset();
    const complete = await call(sut, 'files.completeUploadExternal', { files: [{ id: fileId }] });
    expect(sut.uploadedFiles()).toEqual([]);
    expect(complete.body).toEqual({ ok: false, error: 'file_not_found' });
  });
});
