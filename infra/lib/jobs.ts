/**
 * The scheduled work EventBridge Scheduler starts as one-off ECS tasks of the CLI
 * (infra/REQUIREMENTS.md, "Scheduled tasks"). Times are Korean (Asia/Seoul); a job here is left
 * out of the worker's WORKER_JOBS so that it never runs twice.
 */
export interface ScheduledJob {
  /** A construct id and the task definition's family suffix. */
  id: string;
  description: string;
  command: string[];
  /** EventBridge Scheduler cron fields: minute hour day-of-month month day-of-week year. */
  cron: { minute: string; hour: string; day?: string; month?: string; weekDay?: string };
}

export const SCHEDULE_TIME_ZONE = 'Asia/Seoul';

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    id: 'FirestoreMigrationDaily',
    description:
      "today's quota of the Firestore migration, then the verification of finished stages",
    command: ['node', 'dist/cli.js', 'jobs', 'run', 'firestore-migration-daily'],
    cron: { minute: '0', hour: '3' },
  },
  {
    id: 'NtsRecheck',
    description: 'the daily NTS re-check of verified businesses',
    command: ['node', 'dist/cli.js', 'jobs', 'run', 'businesses-nts-recheck'],
    cron: { minute: '30', hour: '3' },
  },
  {
    id: 'RetentionPurge',
    description: "withdrawn members' personal data and access records past their retention",
    command: ['node', 'dist/cli.js', 'retention', 'purge'],
    cron: { minute: '0', hour: '4' },
  },
  {
    id: 'StatsMonthly',
    description: "last month's statistics (XLSX, CSV, charts) and the Slack notice",
    command: ['node', 'dist/cli.js', 'jobs', 'run', 'stats-monthly'],
    cron: { minute: '0', hour: '6', day: '1' },
  },
  {
    id: 'AccessLogVerify',
    description: 'the monthly verification of the access-record hash chain',
    command: ['node', 'dist/cli.js', 'privacy', 'verify-access-log'],
    cron: { minute: '0', hour: '7', day: '1' },
  },
  {
    id: 'AccessReview',
    description:
      "last month's review of personal-data access (its JSON lands in the CLI log group, for the security officer)",
    command: ['node', 'dist/cli.js', 'privacy', 'access-review', '--json'],
    cron: { minute: '30', hour: '7', day: '1' },
  },
];

/** The jobs the worker keeps running itself (a task a minute would cost more than the job). */
export const WORKER_JOBS = ['holds-repair', 'files-cleanup', 'alerts-flush', 'queues-dead-letters'];
