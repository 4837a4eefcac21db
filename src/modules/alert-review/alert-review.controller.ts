import { Controller, Get, Inject, Module, Query } from '@nestjs/common';
import { z } from 'zod';
import { AlertStore, type RecentFault } from '../../platform/alerts/alert-store.js';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import type { Database } from '../../platform/storage/database.js';
import { DATABASE } from '../../platform/storage/storage.module.js';
import { HOUR_MS, toKstIso } from '../../platform/time/kst.js';

/** The most faults one answer lists: far more than a bad day has; the answer says when it cut. */
const FAULT_LIMIT = 100;

const RecentAlertsQuery = z
  .object({
    hours: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24)
      .default(24)
      .meta({ description: 'How many hours back from now (at most a week); 24 by default' }),
  })
  .strict();
class RecentAlertsQueryDto extends zodDto(RecentAlertsQuery) {}

const Instant = z.iso.datetime({ offset: true });

const RecentAlerts = z
  .object({
    since: Instant,
    until: Instant,
    total: z.number().int().meta({ description: 'Every event in the window, of every fault' }),
    faults: z.array(
      z.object({
        fingerprint: z.string(),
        severity: z.enum(['critical', 'error', 'warning']).meta({
          description: 'The highest severity among its events in the window',
        }),
        source: z.enum(['error', 'security', 'job', 'provider', 'alarm', 'dlq']),
        code: z.string(),
        where: z.string().meta({ description: 'A route template, a job, a provider operation' }),
        summary: z.string().meta({ description: 'The latest event’s one line, no personal data' }),
        count: z.number().int().meta({ description: 'Its events in the window' }),
        firstAt: Instant,
        lastAt: Instant,
        noticeAt: Instant.nullable().meta({
          description: 'When its last notice went to Slack (and, if critical, KakaoTalk)',
        }),
        notices: z.number().int(),
        pending: z.number().int().meta({
          description: 'Events waiting for the next notice (grouped within the window)',
        }),
      }),
    ),
    truncated: z.boolean().meta({ description: `More than ${FAULT_LIMIT} faults: the latest` }),
  })
  .meta({ id: 'RecentAlerts' });
type RecentAlerts = z.infer<typeof RecentAlerts>;

const view = (fault: RecentFault): RecentAlerts['faults'][number] => ({
  ...fault,
  firstAt: toKstIso(fault.firstAt),
  lastAt: toKstIso(fault.lastAt),
  noticeAt: fault.noticeAt ? toKstIso(fault.noticeAt) : null,
});

/**
 * What the alert pipeline was told in the last hours (the console's Today): each fault once,
 * latest first, with its count, severity and notices, from the pipeline's own store. Codes,
 * routes and scrubbed summaries only: an alert never carries personal data.
 */
@Controller('operator/alerts')
@Operator()
class AlertReviewController {
  constructor(@Inject(AlertStore) private readonly alerts: AlertStore) {}

  @Get()
  @ApiDoc({
    summary: 'The alerts of the last hours, one line per fault, latest first',
    description:
      'Every event the alert pipeline counted (errors, security bursts, failed jobs, provider ' +
      'circuits, CloudWatch alarms, dead letters), grouped by fault as its notices were.',
    tags: ['operator'],
    responses: { 200: { description: 'The faults of the window', schema: RecentAlerts } },
    problems: [400, 401, 403, 503],
  })
  async recent(@Query() query: RecentAlertsQueryDto): Promise<RecentAlerts> {
    const until = new Date();
    const since = new Date(until.getTime() - query.hours * HOUR_MS);
    const recent = await this.alerts.recent({ since, until, limit: FAULT_LIMIT });
    return {
      since: toKstIso(since),
      until: toKstIso(until),
      total: recent.total,
      faults: recent.faults.map(view),
      truncated: recent.truncated,
    };
  }
}

/** The recent alerts' route, read from the store the worker's alert pipeline writes. */
@Module({
  controllers: [AlertReviewController],
  providers: [
    { provide: AlertStore, inject: [DATABASE], useFactory: (db: Database) => new AlertStore(db) },
  ],
})
export class AlertReviewModule {}
