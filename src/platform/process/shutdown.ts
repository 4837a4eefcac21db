import type { Logger } from 'pino';
import { flushLogger } from '../logging/logger.js';

/**
 * SIGTERM (how ECS stops a task) and SIGINT start one orderly shutdown: `close` drains what is
 * in flight; if it has not finished within the grace period, the process exits non-zero anyway
 * so the orchestrator is not kept waiting past its own stop timeout.
 */
export function exitOnSignals(close: () => Promise<void>, logger: Logger, graceMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, graceMs }, 'shutting down: draining in-flight work');
    const deadline = setTimeout(() => {
      logger.error({ graceMs }, 'grace period over; exiting with work still in flight');
      void flushLogger(logger).finally(() => process.exit(1));
    }, graceMs);
    deadline.unref();
    close().then(
      async () => {
        logger.info('shutdown complete');
        await flushLogger(logger);
        process.exit(0);
      },
      async (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        await flushLogger(logger);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
