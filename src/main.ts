import 'reflect-metadata';
import { createApiApp } from './create-api-app.js';
import { installAlertSink } from './platform/alerts/alert-sink.js';
import { startMetricsFlush } from './platform/metrics/metrics-flush.js';
import { createLogger, flushLogger } from './platform/logging/logger.js';
import { describeListenError, loadConfigOrExit } from './platform/process/bootstrap.js';
import { exitOnSignals } from './platform/process/shutdown.js';

const config = loadConfigOrExit();
const logger = createLogger(config, { name: 'api' });
const alerts = installAlertSink(config, logger, 'api');
const stopMetrics = startMetricsFlush(logger);

try {
  const app = await createApiApp({ config, logger });
  exitOnSignals(
    async () => {
      await app.close();
      stopMetrics();
      await alerts?.drain();
    },
    logger,
    config.http.shutdownGraceMs,
  );
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info(
    {
      url: `http://${config.http.host}:${config.http.port}`,
      mode: config.mode,
      database: config.database.kind,
    },
    'api listening',
  );
} catch (error) {
  const hint = describeListenError(error, config.http.port, 'PORT');
  logger.fatal(hint ? { hint } : { err: error }, hint ?? 'api failed to start');
  await flushLogger(logger);
  process.exit(1);
}
