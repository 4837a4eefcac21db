import { pino } from 'pino';
import type { AlertEvent } from '../../src/platform/alerts/alert.js';
import { AlertPipeline } from '../../src/platform/alerts/alert-pipeline.js';
import { AlertStore } from '../../src/platform/alerts/alert-store.js';
import type { Database } from '../../src/platform/storage/database.js';

/**
 * Counts alert events into `db` as the worker's alert pipeline does (its own code, with no
 * channel to deliver to), each at its own time: what the recent alerts then read back.
 */
export async function countAlertEvents(db: Database, events: readonly AlertEvent[]): Promise<void> {
  const pipeline = new AlertPipeline({
    store: new AlertStore(db),
    channels: [],
    logger: pino({ level: 'silent' }),
    options: { groupWindowMs: 300_000, maxNoticesPerMinute: 20 },
  });
  for (const event of events) await pipeline.handle(event, new Date(event.at));
}
