import { defineCommand, readCommandArgs, usageError } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import { kstMonthOf, kstTime, parseDateNumber, previousKstMonth } from '../../platform/time/kst.js';
import { ACCESS_ACTIONS } from './access-record.js';
import { AccessRecords, type VerifyResult } from './access-records.js';
import {
  DEFAULT_REVIEW_THRESHOLDS,
  parseReviewMonth,
  type AccessReview,
  type ReviewThresholds,
} from './access-review.js';

/** A CLI command module of the access records: the database context plus the chain key. */
export interface AccessCommandContext extends DatabaseCommandContext {
  /** `accessChainKey(keyRing.blindIndexKey)` */
  chainKey: Buffer;
  now?: () => Date;
}

export const VERIFY_ACCESS_LOG_COMMAND = defineCommand({
  name: 'privacy verify-access-log',
  summary: 'prove the hash chain of the access records (exit 1 naming each break)',
  description: `
Walks the whole chain of access records (접속기록) and checks every MAC and link. Exit 0 when it
verifies, 1 with each problem listed. Prints the head (seq and MAC), to keep outside the database.`,
  options: {},
  examples: ['npm run cli -- privacy verify-access-log'],
});

const defaults = DEFAULT_REVIEW_THRESHOLDS;

export const ACCESS_REVIEW_COMMAND = defineCommand({
  name: 'privacy access-review',
  summary: "list a month's unusual accesses, for the monthly review",
  description: `
The monthly review of one KST month's access records: reveals past the thresholds, accesses
outside working hours (KST; weekends and --holidays are outside them), bulk exports and reads.
A text table, or JSON with --json.`,
  options: {
    month: {
      type: 'string',
      value: 'YYYY-MM',
      description: 'the KST month (default: last month, as the monthly scheduled job runs it)',
    },
    json: { type: 'boolean', description: 'print the review as JSON' },
    'max-reveals-per-day': {
      type: 'string',
      value: '<n>',
      description: `reveals by one person in a day before it is unusual (${defaults.maxRevealsPerDay})`,
    },
    'max-reveals-per-month': {
      type: 'string',
      value: '<n>',
      description: `the same in the month (${defaults.maxRevealsPerMonth})`,
    },
    'bulk-export-subjects': {
      type: 'string',
      value: '<n>',
      description: `subjects in one export or read that make it bulk (${defaults.bulkExportSubjects})`,
    },
    'work-hours': {
      type: 'string',
      value: 'HH-HH',
      description: `working hours, KST (${defaults.workHours.start}-${defaults.workHours.end})`,
    },
    holidays: {
      type: 'string',
      value: 'YYYY-MM-DD,…',
      description: 'days off besides weekends',
    },
  },
  examples: [
    'npm run cli -- privacy access-review --month 2026-11',
    'npm run cli -- privacy access-review --month 2026-12 --holidays 2026-12-25 --json',
  ],
});

const accessRecords = (context: AccessCommandContext) =>
  new AccessRecords(context.db, context.chainKey, context.now ? { now: context.now } : {});

/**
 * `cli privacy verify-access-log`: walks the whole chain. Exit 0 when it verifies, 1 with the problems
 * listed otherwise. Prints the head (seq and MAC) so it can be kept outside the database.
 */
export async function verifyAccessLogCommand(context: AccessCommandContext): Promise<number> {
  const args = readCommandArgs(VERIFY_ACCESS_LOG_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const result = await accessRecords(context).verify();
  context.logger.info(
    {
      ok: result.ok,
      checked: result.checked,
      firstSeq: result.firstSeq,
      lastSeq: result.lastSeq,
      problems: result.problems.length + result.unlistedProblems,
    },
    'access records verified',
  );
  context.out.write(formatVerifyResult(result));
  return result.ok ? 0 : 1;
}

function formatVerifyResult(result: VerifyResult): string {
  const span =
    result.firstSeq === null ? 'no records' : `records ${result.firstSeq}–${result.lastSeq}`;
  const lines = [
    `access records: checked ${result.checked} (${span}), head ${result.headSeq ?? 'none'}, ` +
      `purged before ${result.anchorSeq ?? 'none'}`,
  ];
  if (result.ok) {
    lines.push('ok: every MAC and link verifies');
  } else {
    const total = result.problems.length + result.unlistedProblems;
    lines.push(`NOT OK: ${total} problem(s)`);
    for (const p of result.problems) {
      lines.push(`  seq ${p.seq ?? '-'}  ${p.problem}  ${p.detail}`);
    }
    if (result.unlistedProblems > 0) lines.push(`  … and ${result.unlistedProblems} more`);
  }
  return `${lines.join('\n')}\n`;
}

class UsageError extends Error {}

const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--${name} expects a positive whole number`);
  }
  return Number(value);
};

function parseWorkHours(value: string | undefined): ReviewThresholds['workHours'] {
  if (value === undefined) return DEFAULT_REVIEW_THRESHOLDS.workHours;
  const match = /^(\d{1,2})-(\d{1,2})$/.exec(value);
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || start >= end || end > 24) {
    throw new UsageError('--work-hours expects START-END in whole KST hours, like 09-19');
  }
  return { start, end };
}

function parseHolidays(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  const days = value.split(',').map((d) => d.trim());
  for (const day of days) {
    // Not `Date.parse`: it rolls 2026-02-30 over into March instead of refusing it.
    if (Number.isNaN(parseDateNumber(day))) {
      throw new UsageError(`--holidays expects YYYY-MM-DD dates separated by commas, not ${day}`);
    }
  }
  return days;
}

/**
 * `cli privacy access-review [--month YYYY-MM]`: the monthly review of one KST month (default:
 * last month), as a text table (or JSON with `--json`). Exit 0 with the review printed, 2 on
 * usage errors.
 */
export async function accessReviewCommand(context: AccessCommandContext): Promise<number> {
  const args = readCommandArgs(ACCESS_REVIEW_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const { values } = args;
  let month;
  let thresholds: ReviewThresholds;
  try {
    if (values.month === undefined) {
      month = previousKstMonth(kstMonthOf(context.now?.() ?? new Date()));
    } else {
      try {
        month = parseReviewMonth(values.month);
      } catch {
        throw new UsageError(`--month expects YYYY-MM, not ${values.month}`);
      }
    }
    const bulk = positiveInt(
      'bulk-export-subjects',
      values['bulk-export-subjects'],
      defaults.bulkExportSubjects,
    );
    thresholds = {
      maxRevealsPerDay: positiveInt(
        'max-reveals-per-day',
        values['max-reveals-per-day'],
        defaults.maxRevealsPerDay,
      ),
      maxRevealsPerMonth: positiveInt(
        'max-reveals-per-month',
        values['max-reveals-per-month'],
        defaults.maxRevealsPerMonth,
      ),
      bulkExportSubjects: bulk,
      bulkAccessSubjects: bulk,
      workHours: parseWorkHours(values['work-hours']),
      holidays: parseHolidays(values.holidays),
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(ACCESS_REVIEW_COMMAND, context.err, error.message);
  }
  const json = values.json === true;

  const label = `${month.year}-${String(month.month).padStart(2, '0')}`;
  const review = await accessRecords(context).review(label, thresholds);
  context.logger.info(
    { month: review.month, records: review.records, findings: review.findings.length },
    'access records reviewed',
  );
  context.out.write(json ? `${JSON.stringify(review, null, 2)}\n` : formatReview(review));
  return 0;
}

const table = (header: string[], rows: string[][]): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
};

const MAX_SEQS_SHOWN = 5;

const formatSeqs = (seqs: number[]): string =>
  seqs.length > MAX_SEQS_SHOWN
    ? `${seqs.slice(0, MAX_SEQS_SHOWN).join(',')},… (${seqs.length})`
    : seqs.join(',');

function formatReview(review: AccessReview): string {
  const t = review.thresholds;
  const kst = (d: Date) => {
    const k = kstTime(d);
    return `${k.day} ${k.time}`;
  };
  const hours = (h: number) => String(h).padStart(2, '0');
  const lines = [
    `접속기록 review ${review.month}: ${review.records} record(s) from ${kst(review.from)} ` +
      `to ${kst(review.to)} KST`,
    `thresholds: reveals per day > ${t.maxRevealsPerDay}, per month > ${t.maxRevealsPerMonth}, ` +
      `bulk >= ${t.bulkExportSubjects} subjects, working hours ${hours(t.workHours.start)}-` +
      `${hours(t.workHours.end)} KST on weekdays` +
      (t.holidays.length ? ` except ${t.holidays.join(', ')}` : ''),
    '',
  ];
  if (review.findings.length === 0) {
    lines.push('findings: none');
  } else {
    lines.push(`findings (${review.findings.length}):`);
    lines.push(
      ...table(
        ['KIND', 'ACTOR', 'DAY', 'COUNT', 'SEQ', 'DETAIL'],
        review.findings.map((f) => [
          f.kind,
          f.actorId,
          f.day,
          String(f.count),
          formatSeqs(f.seqs),
          f.detail,
        ]),
      ),
    );
  }
  lines.push('');
  if (review.actors.length === 0) {
    lines.push('actors: none');
  } else {
    lines.push(`actors (${review.actors.length}):`);
    lines.push(
      ...table(
        ['ACTOR', 'ROLES', ...ACCESS_ACTIONS.map((a) => a.toUpperCase()), 'TOTAL', 'SUBJECTS'],
        review.actors.map((a) => [
          a.actorId,
          a.roles.join(','),
          ...ACCESS_ACTIONS.map((action) => String(a.counts[action])),
          String(a.total),
          String(a.distinctSubjects),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
