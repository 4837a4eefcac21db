import path from 'node:path';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '../../config/config.js';
import { redact } from './redaction.js';

export type { Logger } from 'pino';

export interface LoggerTarget {
  /** Process name: `api`, `worker`, `cli`; it names the local log file. */
  name: string;
  /** Overrides where lines go (tests capture them this way). */
  destination?: DestinationStream;
}

/** Options every logger of ours shares, redaction included (tests build theirs from these). */
export function baseOptions(config: Pick<AppConfig, 'log'>, name: string): LoggerOptions {
  return {
    name,
    level: config.log.level,
    base: { service: 'workmatch', process: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => redact(object) as Record<string, unknown>,
    },
  };
}

/**
 * `aws` mode: JSON lines on stdout for CloudWatch Logs, written asynchronously so a slow pipe
 * never blocks a request. `local` mode: a readable console plus daily rotating JSON files under
 * the log directory.
 */
export function createLogger(config: AppConfig, target: LoggerTarget): Logger {
  const options = baseOptions(config, target.name);
  if (target.destination) return pino(options, target.destination);
  if (config.mode === 'aws' || !config.log.dir || config.log.level === 'silent') {
    return pino(options, pino.destination({ fd: 1, sync: false, minLength: 4096 }));
  }
  // pino refuses a level formatter with multi-target transports: the files keep numeric levels.
  delete options.formatters?.level;
  const transport = pino.transport({
    targets: [
      {
        target: 'pino-pretty',
        level: config.log.level,
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
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
