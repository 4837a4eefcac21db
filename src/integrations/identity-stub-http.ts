import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The loopback HTTP server under the NICE and Danal stubs. */
export interface StubServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type StubHandler = (
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
) => void | Promise<void>;

const MAX_BODY = 64 * 1024;

/**
 * node:http rather than fastify: a stub must answer byte for byte what the provider sends
 * (EUC-KR bodies, 302s to the caller's URL, no answer at all when told to hang), which is
 * simpler without a framework's serializers. Requests left hanging are cut at close.
 */
export async function startStubServer(port: number, handler: StubHandler): Promise<StubServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      Promise.resolve(handler(req, Buffer.concat(chunks), res)).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page with one auto-less form per choice, posted by a person or a test. */
export function choicePage(
  title: string,
  action: string,
  hidden: Record<string, string>,
  choices: readonly { value: string; label: string }[],
): string {
  const fields = Object.entries(hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const buttons = choices
    .map(
      (c) =>
        `<li><form method="POST" action="${escapeHtml(action)}">${fields}` +
        `<button name="choice" value="${escapeHtml(c.value)}">${escapeHtml(c.label)}</button></form></li>`,
    )
    .join('');
  return (
    `<!doctype html><html lang="ko"><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<body><h1>${escapeHtml(title)}</h1><p>Local stub: pick a test person or a failure.</p>` +
    `<ul>${buttons}</ul></body></html>`
  );
}
