import type { Logger } from 'pino';
import { metrics } from './metrics.js';

/**
 * Writes this process's metrics as EMF lines through its logger once a minute (CloudWatch Logs
 * reads them from the log group; locally they land in the log files, where `cli dev metrics`
 * reads them). Answers the stop, which writes what the last minute counted.
 */
export function startMetricsFlush(logger: Logger, everyMs = 60_000): () => void {
  const log = logger.child({ component: 'metrics', category: 'metrics' });
  const flush = () => {
    for (const document of metrics().flush()) log.info(document, 'metrics');
  };
  const timer = setInterval(flush, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    flush();
  };
}
