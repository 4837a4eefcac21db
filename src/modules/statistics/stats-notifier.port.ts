import type { MonthlyReport } from './monthly-report.js';

/** A chart sent with the notice (the daily activity chart). */
export interface NoticeChart {
  name: string;
  png: Buffer;
}

/**
 * Where a finished month is announced (Slack in practice: integrations/slack): its headline
 * figures with their month-over-month change, and one chart. Counts only, never personal data.
 */
export interface StatsNotifier {
  announce(report: MonthlyReport, chart: NoticeChart | undefined): Promise<void>;
}

export const STATS_NOTIFIER = Symbol('STATS_NOTIFIER');
