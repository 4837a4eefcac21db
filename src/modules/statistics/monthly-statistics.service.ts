import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import {
  formatKstMonth,
  kstMonthOf,
  previousKstMonth,
  type KstMonth,
} from '../../platform/time/kst.js';
import { AssignmentStatistics } from '../assignments/assignment-statistics.js';
import { BusinessStatistics } from '../businesses/business-statistics.js';
import { MemberStatistics } from '../members/member-statistics.js';
import { ShiftStatistics } from '../shifts/shift-statistics.js';
import { WorkerStatistics } from '../workers/worker-statistics.js';
import {
  headlineValues,
  monthlyFigures,
  type HeadlineValues,
  type StatisticsSources,
} from './monthly-figures.js';
import type { MonthlyReport } from './monthly-report.js';
import { renderCharts } from './report-files/charts.js';
import { writeCsvFiles } from './report-files/csv.js';
import { writeWorkbook } from './report-files/xlsx.js';
import { STATS_NOTIFIER, type StatsNotifier } from './stats-notifier.port.js';
import { StatsStore, type StatsFile, type StatsManifest } from './stats-store.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The monthly statistics: a month's figures (monthly-figures.ts), rendered as an XLSX workbook,
 * CSV files and chart PNGs, published on S3 with a manifest (stats-store.ts), then announced.
 * The month before is compared from its manifest's headline when it has one, else computed.
 */
@Injectable()
export class MonthlyStatisticsService {
  private readonly sources: StatisticsSources;
  private readonly log: Logger;

  constructor(
    members: MemberStatistics,
    workers: WorkerStatistics,
    businesses: BusinessStatistics,
    shifts: ShiftStatistics,
    assignments: AssignmentStatistics,
    private readonly store: StatsStore,
    @InjectLogger() logger: Logger,
    @Optional() @Inject(STATS_NOTIFIER) private readonly notifier?: StatsNotifier,
  ) {
    this.sources = { members, workers, businesses, shifts, assignments };
    this.log = logger.child({ component: 'statistics' });
  }

  /** Computes, renders, publishes (replacing a earlier run of the month) and announces. */
  async produce(
    month: KstMonth,
    now = new Date(),
  ): Promise<{ report: MonthlyReport; manifest: StatsManifest; announced: boolean }> {
    const previous = await this.previousHeadline(month);
    const report = await monthlyFigures(this.sources, month, { previous, now });
    const [workbook, csvFiles, charts] = await Promise.all([
      writeWorkbook(report),
      writeCsvFiles(report),
      renderCharts(report),
    ]);
    const files: StatsFile[] = [
      { name: 'report.xlsx', contentType: XLSX, body: workbook },
      ...csvFiles.map((file) => ({
        name: file.name,
        contentType: 'text/csv; charset=utf-8',
        body: file.bytes,
      })),
      ...charts.map((chart) => ({ name: chart.name, contentType: 'image/png', body: chart.png })),
    ];
    const manifest = await this.store.publish(
      {
        month: report.month,
        generatedAt: report.generatedAt,
        empty: report.empty,
        headline: headlineValues(report),
      },
      files,
    );
    let announced = false;
    if (this.notifier) {
      const chart = charts.find((c) => c.name === 'daily.png') ?? charts[0];
      try {
        await this.notifier.announce(report, chart && { name: chart.name, png: chart.png });
        announced = true;
      } catch (error) {
        // The report stands; an error line is an alert that the notice is missing.
        this.log.error(
          { err: error, code: 'stats_notice_failed', month: report.month },
          'the monthly statistics are published but their notice could not be sent',
        );
      }
    }
    this.log.info(
      { month: report.month, empty: report.empty, files: files.length, runId: manifest.runId },
      'monthly statistics published',
    );
    return { report, manifest, announced };
  }

  /**
   * The scheduled run: last month's report when it has none yet (so a run missed on the 1st is
   * made up on the next day), nothing otherwise.
   */
  async produceLastMonthIfMissing(now = new Date()): Promise<Record<string, string | boolean>> {
    const month = previousKstMonth(kstMonthOf(now));
    const label = formatKstMonth(month);
    if (await this.store.manifest(label)) return { month: label, produced: false };
    const { manifest, announced } = await this.produce(month, now);
    return { month: label, produced: true, runId: manifest.runId, announced };
  }

  /** Every month's manifest, newest first (read together: one round trip, not one per month). */
  async reports(): Promise<StatsManifest[]> {
    const manifests = await Promise.all(
      (await this.store.months()).map((month) => this.store.manifest(month)),
    );
    return manifests.filter((manifest) => manifest !== undefined);
  }

  manifest(month: string): Promise<StatsManifest | undefined> {
    return this.store.manifest(month);
  }

  downloadUrl(file: { key: string }, expiresInSeconds: number): Promise<string> {
    return this.store.downloadUrl(file, expiresInSeconds);
  }

  private async previousHeadline(month: KstMonth): Promise<HeadlineValues | null> {
    const before = previousKstMonth(month);
    const stored = await this.store.manifest(formatKstMonth(before));
    if (stored) return stored.headline;
    const computed = await monthlyFigures(this.sources, before);
    return computed.empty ? null : headlineValues(computed);
  }
}
