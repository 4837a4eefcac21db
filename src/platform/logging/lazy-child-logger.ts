import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString, Logger } from 'pino';

/**
 * A request's logger, whose pino child (the parent's bindings plus `reqId`) is made on its first
 * line. Fastify makes a child logger for every request; pino's `child()` serializes the bindings
 * and builds a logger, about a twentieth of a trivial request's throughput (the `http` bench),
 * and most requests write nothing (the access line is off in AWS, where API Gateway logs).
 *
 * A class with the logger's methods, not a Proxy: Fastify checks a factory's child for its
 * methods on every request, and a Proxy would have to make the child to answer.
 */
export class LazyChildLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly ownBindings: Bindings,
    private readonly options: ChildLoggerOptions | undefined,
  ) {}

  /** The pino child, made now if it was not yet. */
  get logger(): Logger {
    return (this.#child ??= this.parent.child(this.ownBindings, this.options));
  }

  get level(): string {
    return this.#child?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.logger.level = level;
  }

  /** Asks the parent while there is no child and no level of this request's own. */
  isLevelEnabled(level: LevelWithSilentOrString): boolean {
    return this.#child || this.options?.level !== undefined
      ? this.logger.isLevelEnabled(level)
      : this.parent.isLevelEnabled(level);
  }

  bindings(): Bindings {
    return this.logger.bindings();
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.logger.child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  private write(method: Level, args: unknown[]): void {
    // A line the level drops makes no child.
    if (!this.isLevelEnabled(method)) return;
    const logger = this.logger;
    (logger[method] as (...a: unknown[]) => void).apply(logger, args);
  }
}
