import { randomUUID } from 'node:crypto';
import type { AlertEvent } from './alert.js';

/**
 * Error-level log lines become alert events: the logger hands every line it writes here
 * (`hooks.streamWrite`, after redaction: what an alert carries is what the log already shows,
 * never more), and a line at `error` or `fatal` goes to the process's sink (the alerts queue's
 * publisher) when one is installed. Other lines cost one substring test.
 */
export type AlertSink = (event: AlertEvent) => void;

let sink: AlertSink | undefined;
let origin = { process: 'app', environment: 'local' };

/** Installs (or, with undefined, removes) where this process's alert events go. */
export function setAlertSink(
  next: AlertSink | undefined,
  where: { process: string; environment: string } = origin,
): void {
  sink = next;
  origin = where;
}

// pino writes the level as its label in aws mode and as a number with multi-target transports.
const ERROR_LEVEL = /"level":(?:"(?:error|fatal)"|5\d|6\d)[,}]/;

/** The logger's stream hook: passes the line through unchanged. */
export function alertTap(line: string): string {
  if (sink && ERROR_LEVEL.test(line)) {
    try {
      const event = alertEventOf(JSON.parse(line) as LogLine);
      if (event) sink(event);
    } catch {
      // A line that does not parse is the logger's problem, not a reason to lose the log line.
    }
  }
  return line;
}

interface LogLine {
  level?: string | number;
  msg?: string;
  time?: number;
  code?: unknown;
  route?: unknown;
  job?: unknown;
  provider?: unknown;
  component?: unknown;
  reqId?: unknown;
  requestId?: unknown;
  err?: { type?: unknown; message?: unknown; code?: unknown; stack?: unknown };
  /** Set on the lines this pipeline writes about itself: never alerted on (no loops). */
  alerting?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** The first frame in our own code (`src/…` or `dist/…`), as `path:line`. */
function topFrameOf(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const match = /((?:src|dist)\/[^\s():]+):(\d+)/.exec(line);
    if (match && !line.includes('node_modules')) return `${match[1]}:${match[2]}`;
  }
  return undefined;
}

/** The alert event a redacted error-level log line makes, or undefined for the pipeline's own. */
export function alertEventOf(line: LogLine): AlertEvent | undefined {
  if (line.alerting) return undefined;
  const fatal = line.level === 'fatal' || (typeof line.level === 'number' && line.level >= 60);
  const message = text(line.msg) ?? 'error';
  const errorText = text(line.err?.message);
  const code =
    text(line.code) ??
    text(line.err?.code) ??
    text(line.err?.type) ??
    message
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 60);
  const where =
    text(line.route) ??
    (text(line.job) && `job ${text(line.job)}`) ??
    (text(line.provider) && `provider ${text(line.provider)}`) ??
    text(line.component) ??
    origin.process;
  const topFrame = topFrameOf(line.err?.stack);
  const requestId = text(line.reqId) ?? text(line.requestId);
  return {
    id: randomUUID(),
    at: new Date(typeof line.time === 'number' ? line.time : Date.now()).toISOString(),
    source: line.job
      ? 'job'
      : line.provider
        ? 'provider'
        : code.startsWith('security_')
          ? 'security'
          : 'error',
    severity: fatal ? 'critical' : 'error',
    code: code.slice(0, 100) || 'error',
    where: where.slice(0, 200),
    ...(topFrame ? { topFrame: topFrame.slice(0, 300) } : {}),
    summary: (errorText ? `${message}: ${errorText}` : message).slice(0, 500),
    ...(requestId ? { requestId: requestId.slice(0, 100) } : {}),
    process: origin.process,
    environment: origin.environment,
  };
}
