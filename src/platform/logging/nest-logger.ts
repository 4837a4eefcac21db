import type { LoggerService, LogLevel } from '@nestjs/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { requestContext } from './request-context.js';

/** Nest's start-up chatter (one line per module and route): useful when debugging, noise otherwise. */
const NEST_INTERNALS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestApplicationContext',
]);

/**
 * Routes Nest's own logging (and `new Logger(Context)` in our code) into pino, attaching the
 * current request's id when there is one.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  private target(): FastifyBaseLogger | Logger {
    return requestContext.current()?.log ?? this.root;
  }

  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    params: unknown[],
  ) {
    // The root's level is every request logger's (no route sets a level of its own).
    if (!this.root.isLevelEnabled(level)) return;
    const logger = this.target();
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    if (message instanceof Error) {
      logger[level]({ err: message, context }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      logger[level]({ ...(message as object), context });
    } else {
      const stack =
        level === 'error' && typeof params[0] === 'string' && params.length > 1
          ? params[0]
          : undefined;
      logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]) {
    const context = params.at(-1);
    this.write(
      typeof context === 'string' && NEST_INTERNALS.has(context) ? 'debug' : 'info',
      message,
      params,
    );
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }
  setLogLevels(_levels: LogLevel[]) {
    // pino's level comes from configuration (LOG_LEVEL), read once.
  }
}
