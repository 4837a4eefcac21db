import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StubRefusal } from '../../stub-http.js';
import type { SlackStubChannel } from './slack-stub-fixtures.js';

/**
 * The Slack stub's file uploads, as the Web API's external upload runs (the flow the SDK's
 * `files.uploadV2` drives): `files.getUploadURLExternal` reserves a file id and an upload URL,
 * the bytes are POSTed to that URL (raw, or as one file of a multipart form), and
 * `files.completeUploadExternal` finishes the upload and shares the file in a channel. Apart from
 * the stub's main file because it is a second service: the upload URL is not a Web API method
 * (no token check, no `ok` envelope), and its body is binary.
 *
 * **[U]** not verified against Slack, so chosen here: the upload URL's answers (200 `OK - <bytes>`
 * as text; 400 for a length other than the reserved one or a form without a file; 404 for an
 * unknown or spent URL; 413 past the stub's own size cap), the error codes of a file id
 * files.completeUploadExternal does not know or whose bytes never arrived (`file_not_found`, also
 * for a second completion: Slack says the method "can only be called once"), of a `channel_id`
 * that is no channel id (`channel_not_found`, also for a channel's name), of a channel the bot is
 * not in (`not_in_channel`), and the wording of `invalid_arguments`' `response_metadata`. Slack
 * documents `missing_argument` for a `length` of 0; a report of live Slack says it answers a JSON
 * body to files.getUploadURLExternal with `invalid_arguments` although its reference lists JSON:
 * the stub takes JSON (the SDK sends forms either way). `channels` (the comma-separated form of
 * `channel_id`) and `blocks` are not modelled: a file completed without `channel_id` stays private.
 */

/** A file files.getUploadURLExternal reserved, and what became of it. */
export interface SlackStubFile {
  /** `F…`, as Slack's file ids. */
  id: string;
  filename: string;
  /** The size announced to files.getUploadURLExternal, in bytes. */
  length: number;
  /** What was POSTed to the upload URL; undefined until then. */
  bytes: Buffer | undefined;
  /** From files.completeUploadExternal (the filename when it gives none). */
  title: string | undefined;
  completed: boolean;
  /** The channel id it was shared to; undefined while private. */
  channel: string | undefined;
  initialComment: string | undefined;
  threadTs: string | undefined;
}

/** A completed upload shared in a channel: one message, as Slack shows it. */
export interface SlackStubFileShare {
  channel: SlackStubChannel;
  initialComment: string | undefined;
  titles: string[];
  threadTs: string | undefined;
}

interface StubFilesOptions {
  channels: readonly SlackStubChannel[];
  /** The stub's own `http://127.0.0.1:<port>`, where the upload URLs point. */
  baseUrl: () => string;
  /** Posts a completed upload to its channel (the stub's inbox). */
  share: (share: SlackStubFileShare) => void;
}

type Args = Record<string, unknown>;

const UPLOAD_PATH = '/upload/v1/';
/** The stub reads a whole body into memory; charts and reports are far below this. */
const MAX_UPLOAD_BYTES = 16 * 1_048_576;

const slackError = (error: string, extra: Args = {}) =>
  new StubRefusal(200, { ok: false, error, ...extra });

/** Slack names the missing field of an `invalid_arguments` in `response_metadata` (**[U]** words). */
const invalidArguments = (problem: string) =>
  slackError('invalid_arguments', { response_metadata: { messages: [`[ERROR] ${problem}`] } });

export function createStubFiles(options: StubFilesOptions) {
  let files: SlackStubFile[] = [];
  /** Upload URL key → file id; a key is opaque, as Slack's signed URLs are. */
  let uploads = new Map<string, string>();

  function getUploadURLExternal(args: Args) {
    const filename = typeof args.filename === 'string' ? args.filename : '';
    if (filename === '') throw invalidArguments('missing required field: filename');
    // A form sends the number as text; JSON as a number.
    const raw = typeof args.length === 'number' ? String(args.length) : args.length;
    if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
      throw invalidArguments('missing required field: length');
    }
    const length = Number(raw);
    if (length === 0) throw slackError('missing_argument');
    const id = `F${String(files.length + 1).padStart(10, '0')}`;
    const key = randomBytes(18).toString('base64url');
    uploads.set(key, id);
    files.push({
      id,
      filename,
      length,
      bytes: undefined,
      title: undefined,
      completed: false,
      channel: undefined,
      initialComment: undefined,
      threadTs: undefined,
    });
    return { ok: true, upload_url: `${options.baseUrl()}${UPLOAD_PATH}${key}`, file_id: id };
  }

  function completeUploadExternal(args: Args) {
    const entries = parseFiles(args);
    // Stored parsed, as `blocks` is, so a test reads what was asked.
    args.files = entries;
    const completing = entries.map((entry) => {
      const file = files.find((f) => f.id === entry.id);
      if (!file || file.bytes === undefined || file.completed) throw slackError('file_not_found');
      return { file, title: entry.title ?? file.filename };
    });
    let channel: SlackStubChannel | undefined;
    if (args.channel_id !== undefined) {
      // An id, as the argument's name says: a name is not looked up.
      channel = options.channels.find((c) => c.id === args.channel_id);
      if (!channel) throw slackError('channel_not_found');
      if (!channel.member) throw slackError('not_in_channel');
    }
    const initialComment =
      typeof args.initial_comment === 'string' ? args.initial_comment : undefined;
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
    for (const { file, title } of completing) {
      Object.assign(file, {
        title,
        completed: true,
        channel: channel?.id,
        initialComment,
        threadTs,
      });
    }
    if (channel) {
      options.share({
        channel,
        initialComment,
        titles: completing.map((c) => c.title),
        threadTs,
      });
    }
    return { ok: true, files: completing.map(({ file, title }) => ({ id: file.id, title })) };
  }

  /** POST to an upload URL: the bytes, raw or as the one file of a multipart form. */
  async function receive(request: IncomingMessage, response: ServerResponse, path: string) {
    // The body first, whatever the answer: one left unread would cut the connection.
    const body = await readBytes(request);
    const file = files.find((f) => f.id === uploads.get(path.slice(UPLOAD_PATH.length)));
    if (request.method !== 'POST') return sendText(response, 405, 'method not allowed');
    if (!file || file.completed) return sendText(response, 404, 'not found');
    if (body === undefined) return sendText(response, 413, 'too large');
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const bytes = type === 'multipart/form-data' ? await formFile(request, body) : body;
    if (bytes === undefined) return sendText(response, 400, 'no file in the form');
    if (bytes.length !== file.length) {
      return sendText(response, 400, `length ${bytes.length} is not the ${file.length} reserved`);
    }
    file.bytes = bytes;
    sendText(response, 200, `OK - ${bytes.length}`);
  }

  return {
    methods: {
      'files.getUploadURLExternal': getUploadURLExternal,
      'files.completeUploadExternal': completeUploadExternal,
    } as Record<string, (args: Args) => unknown>,
    isUploadPath: (path: string) => path.startsWith(UPLOAD_PATH),
    receive,
    /** The files whose bytes arrived, oldest first, copied. */
    uploaded: (): SlackStubFile[] =>
      files
        .filter((f) => f.bytes !== undefined)
        .map((f) => ({ ...f, bytes: Buffer.from(f.bytes ?? []) })),
    reset: () => {
      files = [];
      uploads = new Map();
    },
  };
}

/** `files`: a JSON array (a string in a form) of `{ id, title? }`. */
function parseFiles(args: Args): Array<{ id: string; title: string | undefined }> {
  if (args.files === undefined) throw invalidArguments('missing required field: files');
  let value: unknown = args.files;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw invalidArguments('files is not a JSON array');
    }
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidArguments('files is not a JSON array');
  }
  return value.map((raw) => {
    const entry = raw as { id?: unknown; title?: unknown } | null;
    if (typeof entry?.id !== 'string' || entry.id === '') {
      throw invalidArguments('every file needs an id');
    }
    return { id: entry.id, title: typeof entry.title === 'string' ? entry.title : undefined };
  });
}

/**
 * The raw body: stub-http's `readBody` decodes text (and stops at 1 MiB), which would mangle a
 * PNG. Undefined past {@link MAX_UPLOAD_BYTES}, read to its end all the same so the answer
 * reaches the client.
 */
async function readBytes(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_UPLOAD_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_UPLOAD_BYTES ? undefined : Buffer.concat(chunks);
}

/** The first file of a multipart form, parsed by the platform's fetch `Response`. */
async function formFile(request: IncomingMessage, body: Buffer): Promise<Buffer | undefined> {
  const type = request.headers['content-type'] ?? '';
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': type },
    }).formData();
  } catch {
    return undefined;
  }
  for (const [, value] of form) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return undefined;
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
