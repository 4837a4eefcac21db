import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  applySwitches,
  readBody,
  sendJson,
  type StubFailureSwitches,
  StubRefusal,
} from '../../stub-http.js';
import type { InboxEntry } from '../../stub-inbox.js';
import { type SlackStubChannel, STUB_BOT_TOKEN, STUB_CHANNELS } from './slack-stub-fixtures.js';
import {
  createStubFiles,
  type SlackStubFile,
  type SlackStubFileShare,
} from './slack-stub-files.js';

export interface SlackStubOptions {
  port?: number;
  /** The bot token it accepts (default: the local stack's). */
  token?: string;
  channels?: readonly SlackStubChannel[];
  /** The stub's clock, for the messages' ts. */
  now?: () => number;
}

/**
 * What `control()` and `POST /_control` take: Slack's two ways of failing, and the generic
 * switches of stub-http (`fail`, `hang`, `malformed`) underneath them. `method` narrows a
 * switch to one Web API method (`chat.postMessage`); absent, it applies to every method.
 */
interface SlackStubControl extends StubFailureSwitches {
  /** The next `times` calls answer 429 `ratelimited` with `Retry-After: retryAfterSeconds`. */
  rateLimit?: { times: number; retryAfterSeconds: number; method?: string } | null;
  /** The next `times` calls (every call until cleared, when absent) answer 503. */
  unavailable?: { times?: number; method?: string } | null;
}

/** One Web API call the stub received, parsed as Slack reads it. */
interface SlackStubCall {
  /** The Web API method (`chat.postMessage`). */
  method: string;
  /** The arguments, form-encoded or JSON, with `blocks` parsed; a `token` argument is left out. */
  args: Record<string, unknown>;
  /** What it answered: the HTTP status (0 while held by `hang`) and Slack's `error`, if one. */
  status: number;
  error?: string | undefined;
}

export interface SlackStub {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The Web API base URL a WebClient takes as `slackApiUrl`: `<url>/api/`. */
  apiUrl: string;
  control(control: SlackStubControl): void;
  /** Every Web API call received, oldest first (test reads; also `GET /_received`). */
  received(): SlackStubCall[];
  /** The messages it posted, as the local inbox shows them, newest first. */
  inbox(): InboxEntry[];
  /**
   * The files whose bytes reached their upload URL, oldest first, with those bytes and, once
   * files.completeUploadExternal finished them, their title and channel.
   */
  uploadedFiles(): SlackStubFile[];
  /** Forgets the calls, the messages, the files and every switch (also `POST /_reset`). */
  reset(): void;
  close(): Promise<void>;
}

/** The stub workspace's bot, as auth.test and the posted messages name it. */
const BOT = {
  teamId: 'T0WORKMATCH',
  team: 'workmatch (local)',
  url: 'https://workmatch-local.slack.com/',
  userId: 'U0ALERTBOT',
  userName: 'workmatch-alerts',
  botId: 'B0ALERTBOT',
  appId: 'A0ALERTAPP',
} as const;

/** Slack's limits that a real post would be refused for (Block Kit reference). */
const LIMITS = {
  text: 40_000,
  blocks: 50,
  header: 150,
  sectionText: 3_000,
  fields: 10,
  fieldText: 2_000,
  contextElements: 10,
  actionElements: 25,
  url: 3_000,
} as const;

/** Slack answers its errors with HTTP 200 and `ok: false`. */
const slackError = (error: string, status = 200) => new StubRefusal(status, { ok: false, error });

type Args = Record<string, unknown>;

/**
 * A protocol-faithful Slack Web API on loopback for the alerts and the monthly statistics notice:
 * `chat.postMessage` and `auth.test`, form-encoded (as @slack/web-api sends) or JSON, behind the
 * bot token (`not_authed`, `invalid_auth`), with channels by id or name (`channel_not_found`,
 * `not_in_channel`), Block Kit limits (`invalid_blocks`, `invalid_blocks_format`, `msg_too_long`,
 * `no_text`) and increasing message ts; and the external file upload (`files.getUploadURLExternal`,
 * the upload URL on the stub itself, `files.completeUploadExternal`: slack-stub-files.ts). Tests
 * make it rate limit (429 + Retry-After), fail with 503, or hang, read what it received (the Web
 * API calls; the uploaded bytes apart), and reset it. What it posts lands in the local inbox (the
 * Popbill stub shows it), a shared file as `[file] <title>` under its initial comment.
 * **[U]** Slack's answer to a `thread_ts` naming no message was not verified; the stub posts the
 * reply regardless, as it does to a thread's parent.
 */
export async function startSlackStub(options: SlackStubOptions = {}): Promise<SlackStub> {
  const now = options.now ?? Date.now;
  const token = options.token ?? STUB_BOT_TOKEN;
  const channels = options.channels ?? STUB_CHANNELS;
  const switches: StubFailureSwitches = {};
  let calls: SlackStubCall[] = [];
  let posted: InboxEntry[] = [];
  let lastMicros = 0;
  let url = '';
  const files = createStubFiles({ channels, baseUrl: () => url, share: shareFile });

  /** `1767225600.000100`: seconds and microseconds, strictly increasing as Slack's are. */
  function nextTs(): string {
    lastMicros = Math.max(now() * 1_000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  }

  function authorize(request: IncomingMessage, args: Args) {
    const header = request.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : args.token;
    delete args.token;
    if (given === undefined || given === '') throw slackError('not_authed');
    if (given !== token) throw slackError('invalid_auth');
  }

  function channelOf(args: Args): SlackStubChannel {
    const wanted = typeof args.channel === 'string' ? args.channel.replace(/^#/, '') : '';
    const channel = channels.find((c) => c.id === wanted || c.name === wanted);
    if (!channel) throw slackError('channel_not_found');
    if (!channel.member) throw slackError('not_in_channel');
    return channel;
  }

  function postMessage(args: Args) {
    const channel = channelOf(args);
    const text = typeof args.text === 'string' ? args.text : '';
    const blocks = args.blocks as unknown[] | undefined;
    if (text === '' && !blocks?.length) throw slackError('no_text');
    if (text.length > LIMITS.text) throw slackError('msg_too_long');
    if (blocks && !blocksAreValid(blocks)) throw slackError('invalid_blocks');
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    const ts = nextTs();
    toInbox(channel, blocks?.length ? blocksAsText(blocks) : mrkdwnAsText(text), threadTs, ts);
    const message = {
      type: 'message',
      user: BOT.userId,
      bot_id: BOT.botId,
      app_id: BOT.appId,
      team: BOT.teamId,
      text,
      ts,
      ...(blocks ? { blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs, parent_user_id: BOT.userId } : {}),
    };
    return { ok: true, channel: channel.id, ts, message };
  }

  function shareFile({ channel, initialComment, titles, threadTs }: SlackStubFileShare) {
    const lines = titles.map((title) => `[file] ${title}`);
    if (initialComment) lines.unshift(mrkdwnAsText(initialComment));
    toInbox(channel, lines.join('\n'), threadTs, nextTs());
  }

  /** What the stub posted, as the local inbox shows it. */
  function toInbox(
    channel: SlackStubChannel,
    text: string,
    thread: string | undefined,
    ts: string,
  ) {
    posted.push({
      id: `slack-${posted.length + 1}`,
      at: new Date(now()).toISOString(),
      channel: 'SLACK',
      receiver: `#${channel.name}`,
      sender: BOT.userName,
      text,
      thread,
      requestNum: undefined,
      receiptNum: ts,
    });
  }

  const methods: Record<string, (args: Args) => unknown> = {
    ...files.methods,
    'chat.postMessage': postMessage,
    'auth.test': () => ({
      ok: true,
      url: BOT.url,
      team: BOT.team,
      user: BOT.userName,
      team_id: BOT.teamId,
      user_id: BOT.userId,
      bot_id: BOT.botId,
      is_enterprise_install: false,
    }),
  };

  async function route(request: IncomingMessage, response: ServerResponse) {
    const requestUrl = new URL(request.url ?? '/', 'http://stub');
    const path = requestUrl.pathname;
    const httpMethod = request.method ?? 'GET';
    // Binary, and no Web API call: read apart, before the body is taken as text.
    if (files.isUploadPath(path)) {
      if (applySwitches(switches, path, response)) return;
      return files.receive(request, response, path);
    }
    const body = httpMethod === 'POST' ? await readBody(request) : '';
    if (path === '/_control' && httpMethod === 'POST') {
      applyControl(parseControl(body));
      return sendJson(response, 200, { ok: true });
    }
    if (path === '/_reset' && httpMethod === 'POST') {
      reset();
      return sendJson(response, 200, { ok: true });
    }
    if (path === '/_received' && httpMethod === 'GET') return sendJson(response, 200, calls);
    if (path === '/_inbox' && httpMethod === 'GET') {
      return sendJson(response, 200, posted.toReversed());
    }
    if (path === '/health' && httpMethod === 'GET') return sendJson(response, 200, { ok: true });
    if (!path.startsWith('/api/')) throw slackError('unknown_method', 404);

    const call: SlackStubCall = { method: path.slice(5), args: {}, status: 0 };
    calls.push(call);
    const answer = (status: number, value: Record<string, unknown>) => {
      call.status = status;
      if (value.ok === false) call.error = String(value.error);
      sendJson(response, status, value);
    };
    try {
      call.args = httpMethod === 'POST' ? parseArgs(request, body) : searchArgs(requestUrl);
      if (applySwitches(switches, path, response)) {
        call.status = response.headersSent ? response.statusCode : 0;
        return;
      }
      const handler = methods[call.method];
      if (!handler) throw slackError('unknown_method', 404);
      authorize(request, call.args);
      answer(200, handler(call.args) as Record<string, unknown>);
    } catch (error) {
      delete call.args.token;
      if (error instanceof StubRefusal) answer(error.status, error.body);
      else throw error;
    }
  }

  function applyControl(control: SlackStubControl) {
    for (const name of ['fail', 'hang', 'malformed'] as const) {
      if (name in control) Object.assign(switches, { [name]: control[name] ?? null });
    }
    const scope = (method: string | undefined) => (method ? `/api/${method}` : '/api/');
    if (control.rateLimit) {
      const { times, retryAfterSeconds, method } = control.rateLimit;
      switches.fail = {
        path: scope(method),
        times,
        status: 429,
        headers: { 'retry-after': String(retryAfterSeconds) },
        body: { ok: false, error: 'ratelimited' },
      };
    } else if (control.unavailable) {
      const { times, method } = control.unavailable;
      switches.fail = {
        path: scope(method),
        times,
        status: 503,
        body: { ok: false, error: 'service_unavailable' },
      };
    } else if (control.rateLimit === null || control.unavailable === null) {
      switches.fail = null;
    }
  }

  function reset() {
    calls = [];
    posted = [];
    files.reset();
    switches.fail = switches.hang = switches.malformed = null;
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof StubRefusal) sendJson(response, error.status, error.body);
      else sendJson(response, 500, { ok: false, error: 'internal_error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    control: applyControl,
    received: () => calls.map((c) => ({ ...c })),
    inbox: () => posted.toReversed(),
    uploadedFiles: files.uploaded,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Web API call's arguments: form-encoded or JSON, `blocks` parsed from its JSON string. */
function parseArgs(request: IncomingMessage, body: string): Args {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  let args: Args;
  if (body === '') args = {};
  else if (type === 'application/x-www-form-urlencoded') {
    args = Object.fromEntries(new URLSearchParams(body));
  } else if (type === 'application/json') {
    try {
      args = JSON.parse(body) as Args;
    } catch {
      throw slackError('invalid_json');
    }
    if (!args || typeof args !== 'object' || Array.isArray(args)) throw slackError('invalid_json');
  } else if (!type) throw slackError('missing_post_type');
  else throw slackError('invalid_post_type');
  if (typeof args.blocks === 'string') {
    try {
      args.blocks = JSON.parse(args.blocks) as unknown;
    } catch {
      throw slackError('invalid_blocks_format');
    }
  }
  if (args.blocks !== undefined && !Array.isArray(args.blocks)) {
    throw slackError('invalid_blocks_format');
  }
  return args;
}

function searchArgs(url: URL): Args {
  return Object.fromEntries(url.searchParams);
}

function parseControl(body: string): SlackStubControl {
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object') return value as SlackStubControl;
  } catch {
    // answered below
  }
  throw slackError('invalid_json', 400);
}

type TextObject = { type?: unknown; text?: unknown };

function textObjectIsValid(value: unknown, max: number, types = ['plain_text', 'mrkdwn']) {
  const t = value as TextObject | undefined;
  return (
    typeof t?.type === 'string' &&
    types.includes(t.type) &&
    typeof t.text === 'string' &&
    t.text.length > 0 &&
    t.text.length <= max
  );
}

/** The Block Kit rules of the blocks the alerts use; another block type is taken as it is. */
function blocksAreValid(blocks: unknown[]): boolean {
  if (blocks.length > LIMITS.blocks) return false;
  return blocks.every((raw) => {
    const block = raw as Record<string, unknown> | null;
    if (!block || typeof block.type !== 'string') return false;
    switch (block.type) {
      case 'header':
        return textObjectIsValid(block.text, LIMITS.header, ['plain_text']);
      case 'section': {
        const fields = block.fields as unknown[] | undefined;
        if (block.text === undefined && fields === undefined) return false;
        if (block.text !== undefined && !textObjectIsValid(block.text, LIMITS.sectionText)) {
          return false;
        }
        return (
          fields === undefined ||
          (Array.isArray(fields) &&
            fields.length > 0 &&
            fields.length <= LIMITS.fields &&
            fields.every((f) => textObjectIsValid(f, LIMITS.fieldText)))
        );
      }
      case 'context': {
        const elements = block.elements as unknown[] | undefined;
        return (
          Array.isArray(elements) &&
          elements.length > 0 &&
          elements.length <= LIMITS.contextElements &&
          elements.every((e) => textObjectIsValid(e, LIMITS.sectionText))
        );
      }
      case 'actions': {
        const elements = block.elements as Array<Record<string, unknown>> | undefined;
        return (
          Array.isArray(elements) &&
          elements.length > 0 &&
          elements.length <= LIMITS.actionElements &&
          elements.every(
            (e) =>
              e?.type !== 'button' ||
              (textObjectIsValid(e.text, 75, ['plain_text']) &&
                (e.url === undefined || (typeof e.url === 'string' && e.url.length <= LIMITS.url))),
          )
        );
      }
      default:
        return true;
    }
  });
}

/** mrkdwn as a person reads it: links as `label (url)`, bold marks and escapes undone. */
function mrkdwnAsText(text: string): string {
  return text
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The blocks' text, one line per header, section text, field and context, for the inbox. */
function blocksAsText(blocks: unknown[]): string {
  const lines: string[] = [];
  const textOf = (value: unknown) => {
    const t = value as TextObject | undefined;
    if (typeof t?.text === 'string') {
      lines.push(t.type === 'mrkdwn' ? mrkdwnAsText(t.text) : t.text);
    }
  };
  for (const raw of blocks) {
    const block = raw as Record<string, unknown>;
    textOf(block.text);
    for (const field of (block.fields as unknown[] | undefined) ?? []) textOf(field);
    if (block.type === 'context') {
      lines.push(
        ((block.elements as unknown[] | undefined) ?? [])
          .map((e) => mrkdwnAsText(String((e as TextObject).text ?? '')))
          .join(' · '),
      );
    }
  }
  return lines.join('\n');
}
