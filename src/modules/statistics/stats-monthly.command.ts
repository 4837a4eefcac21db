import { defineCommand, readCommandArgs, usageError } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import {
  formatKstMonth,
  kstMonthOf,
  parseKstMonth,
  previousKstMonth,
} from '../../platform/time/kst.js';
import type { MonthlyStatisticsService } from './monthly-statistics.service.js';

export const STATS_MONTHLY_COMMAND = defineCommand({
  name: 'stats monthly',
  summary: "produce a month's statistics: XLSX, CSV and charts on S3, and the Slack notice",
  description: `
Computes the figures of one KST calendar month (default: last month), writes the workbook, the
CSV files and the charts under stats/YYYY-MM/ in the files bucket with a manifest, and announces
the month on Slack when Slack is configured. Running a month again replaces its files at once.
This is what EventBridge Scheduler runs on the 1st at 06:00 KST in AWS; locally the worker's
stats-monthly job does it. Exit 0 when published; 2 for a bad month.`,
  arguments: [],
  options: {
    month: { type: 'string', value: 'YYYY-MM', description: 'the month; default: last month' },
    json: { type: 'boolean', description: 'print the manifest as JSON' },
  },
  examples: ['npm run cli -- stats monthly', 'npm run cli -- stats monthly --month 2026-11'],
});

export interface StatsMonthlyCommandContext extends DatabaseCommandContext {
  /** The statistics service in an application context (the composition root builds it). */
  openStatistics(): Promise<{ statistics: MonthlyStatisticsService; close(): Promise<void> }>;
  now?: () => Date;
}

/** `cli stats monthly [--month YYYY-MM]`. */
export async function statsMonthlyCommand(context: StatsMonthlyCommandContext): Promise<number> {
  const args = readCommandArgs(STATS_MONTHLY_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const now = context.now?.() ?? new Date();
  const current = kstMonthOf(now);
  const month =
    args.values.month === undefined ? previousKstMonth(current) : parseKstMonth(args.values.month);
  if (!month) {
    return usageError(STATS_MONTHLY_COMMAND, context.err, '--month is a month as YYYY-MM');
  }
  if (formatKstMonth(month) > formatKstMonth(current)) {
    return usageError(
      STATS_MONTHLY_COMMAND,
      context.err,
      `--month ${formatKstMonth(month)} has not started yet (KST)`,
    );
  }
  const { statistics, close } = await context.openStatistics();
  try {
    const { report, manifest, announced } = await statistics.produce(month, now);
    if (args.values.json) {
      context.out.write(`${JSON.stringify(manifest, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `${report.month}: ${report.empty ? 'no activity; the report says so' : 'published'} ` +
        `(run ${manifest.runId}${announced ? ', announced' : ''})` +
        (formatKstMonth(month) === formatKstMonth(current) ? ' (this month is not over yet)' : ''),
      ...report.headline.map((f) => `  ${f.key.padEnd(22)} ${f.value}`),
      ...manifest.files.map((f) => `  file ${f.key} (${f.bytes} bytes)`),
    ];
    context.out.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await close();
  }
}
