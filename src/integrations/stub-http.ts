/** HTTP helpers shared by the provider stub servers (loopback only, for the local stack and tests). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A refusal in the provider's shape; the stub's handlers throw it. */
export class StubRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super('stub refusal');
  }
}

const MAX_BODY_BYTES = 1_048_576;

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StubRefusal(413, { code: -1, message: 'too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** A failure switch: matches calls whose path starts with `path` (all when absent). */
interface StubSwitch {
  path?: string | undefined;
  /** How many calls it applies to; every call until cleared when absent. */
  times?: number | undefined;
}

/** The switches tests flip (options, or `POST /_control` with the same JSON). */
export interface StubFailureSwitches {
  /** Answer with the provider's error shape instead (and headers, such as a `retry-after`). */
  fail?:
    | (StubSwitch & {
        status?: number;
        headers?: Record<string, string> | undefined;
        body: Record<string, unknown>;
      })
    | null
    | undefined;
  /** Accept the request and never answer. */
  hang?: StubSwitch | null | undefined;
  /** Answer 200 with a body that is not JSON. */
  malformed?: StubSwitch | null | undefined;
}

/**
 * Applies the switches to one call: true when it handled (or is holding) the response. Each
 * switch counts down its `times`; a spent switch is cleared.
 */
export function applySwitches(
  switches: StubFailureSwitches,
  path: string,
  response: ServerResponse,
): boolean {
  const take = (name: keyof StubFailureSwitches): boolean => {
    const s = switches[name];
    if (!s || (s.path !== undefined && !path.startsWith(s.path))) return false;
    if (s.times !== undefined) {
      s.times -= 1;
      if (s.times <= 0) switches[name] = null;
    }
    return true;
  };
  const fail = switches.fail;
  if (take('fail') && fail) {
    sendJson(response, fail.status ?? 500, fail.body, fail.headers);
    return true;
  }
  if (take('hang')) return true;
  if (take('malformed')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"receiptNum": ');
    return true;
  }
  return false;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
