import path from 'node:path';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../../config/config.js';
import { alertTap } from '../alerts/alert-tap.js';
import { LineBatcher } from './line-batcher.js';
import { redact, scrubLogArguments, serializeError } from './redaction.js';

export type { Logger } from 'pino';

export interface LoggerTarget {
  /** Process name: `api`, `worker`, `cli`; it names the local log file. */
  name: string;
  /** Overrides where lines go (tests capture them this way). */
  destination?: DestinationStream;
}

/** Options every logger of ours shares, redaction included (tests build theirs from these). */
export function baseOptions(level: AppConfig['log']['level'], name: string): LoggerOptions {
  return {
    name,
    level,
    base: { service: 'workmatch', process: name },
    // Epoch milliseconds: the cheapest stamp (ISO formatting cost ~15% of a request line).
    timestamp: pino.stdTimeFunctions.epochTime,
    formatters: {
      level: (label) => ({ level: label }),
      // Sensitive keys replaced, personal data in strings (error messages and stacks too) masked.
      log: (object) => redact(object) as Record<string, unknown>,
    },
    // The message is not part of the merge object `formatters.log` sees: it is scrubbed here.
    hooks: {
      logMethod(args, method) {
        method.apply(this, scrubLogArguments(args) as Parameters<typeof method>);
      },
      // Error-level lines, as written (redacted), also become alert events (platform/alerts).
      streamWrite: alertTap,
    },
    // `formatters.log` has already turned errors into plain objects; an error in a child's
    // bindings (which skip that formatter) is serialized and scrubbed the same way.
    serializers: {
      err: (value: unknown) => (value instanceof Error ? serializeError(value) : value),
    },
  };
}

/**
 * `aws` mode: JSON lines on stdout for CloudWatch Logs, buffered and written in 8 KiB chunks (and
 * at least every second, and on exit). Synchronous writes measured faster here than handing each
 * chunk to the thread pool (the request line is most of a cheap request's cost), and a full pipe
 * slows the process instead of growing an unbounded buffer; the ECS log driver runs in
 * non-blocking mode so a stalled log service cannot stall the API. `local` mode: a readable
 * console plus daily rotating JSON files under the log directory.
 */
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
const lower = (a: AppConfig['log']['level'], b: AppConfig['log']['level']) =>
  LEVELS.indexOf(a) <= LEVELS.indexOf(b) ? a : b;

export function createLogger(config: AppConfig, target: LoggerTarget): Logger {
  const options = baseOptions(config.log.level, target.name);
  if (target.destination) return pino(options, target.destination);
  if (config.mode === 'aws' || !config.log.dir || config.log.level === 'silent') {
    // Lines batched here, written by pino's destination one chunk at a time (line-batcher.ts).
    const stdout = new LineBatcher(pino.destination({ fd: 1, sync: true }), 8192, 1000);
    // Whatever ends the process (process.exit, an uncaught error), the buffered lines go out.
    process.once('exit', () => stdout.flushSync());
    return pino(options, stdout);
  }
  // pino refuses a level formatter with multi-target transports: the files keep numeric levels.
  delete options.formatters?.level;
  // The logger lets through what either target wants; each target filters its own.
  options.level = lower(config.log.level, config.log.consoleLevel);
  const transport = pino.transport({
    targets: [
      {
        target: 'pino-pretty',
        level: config.log.consoleLevel,
        options: {
          destination: 1,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
        },
      },
      {
        target: 'pino-roll',
        level: config.log.level,
        options: {
          file: path.join(config.log.dir, target.name),
          extension: '.log',
          frequency: 'daily',
          dateFormat: 'yyyy-MM-dd',
          size: '50m',
          mkdir: true,
          limit: { count: 14 },
        },
      },
    ],
  });
  return pino(options, transport);
}

/** Flushes buffered lines; call before the process exits. */
export function flushLogger(logger: Logger, timeoutMs = 1_000): Promise<void> {
  // Bounded: a stdout nobody reads any more (the local stack's launcher killed) never drains,
  // and must not hold the process's exit.
  return new Promise((resolve) => {
    setTimeout(resolve, timeoutMs).unref();
    logger.flush(() => resolve());
  });
}
