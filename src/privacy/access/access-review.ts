import { ValidationError } from '../../platform/errors/domain.error.js';
import {
  formatKstMonth,
  kstMonthRange,
  kstTime,
  parseKstMonth,
  type KstMonth,
} from '../../platform/time/kst.js';
import { ACCESS_ACTIONS, type AccessAction, type AccessRecord } from './access-record.js';

export interface ReviewThresholds {
  /** Flag an actor with more reveals than this in one KST day. */
  maxRevealsPerDay: number;
  /** Flag an actor with more reveals than this in the month. */
  maxRevealsPerMonth: number;
  /** Flag an export of at least this many subjects (a bulk download). */
  bulkExportSubjects: number;
  /** Flag any other action that touched at least this many subjects at once. */
  bulkAccessSubjects: number;
  /** Working hours in KST on weekdays, `[start, end)` in whole hours; reveals and exports outside are flagged. */
  workHours: { start: number; end: number };
  /** KST dates (`YYYY-MM-DD`) counted as days off, like weekends (공휴일 are not computed). */
  holidays: string[];
}

export const DEFAULT_REVIEW_THRESHOLDS: ReviewThresholds = {
  maxRevealsPerDay: 20,
  maxRevealsPerMonth: 100,
  bulkExportSubjects: 100,
  bulkAccessSubjects: 100,
  workHours: { start: 9, end: 19 },
  holidays: [],
};

export type ReviewFindingKind =
  'reveals_per_day' | 'reveals_per_month' | 'outside_hours' | 'bulk_export' | 'bulk_access';

const FINDING_ORDER: readonly ReviewFindingKind[] = [
  'reveals_per_day',
  'reveals_per_month',
  'bulk_export',
  'outside_hours',
  'bulk_access',
];

interface ReviewFinding {
  kind: ReviewFindingKind;
  actorId: string;
  /** The KST day (`YYYY-MM-DD`) of the record, or of the count for `reveals_per_day`. */
  day: string;
  /** The records concerned, in sequence order. */
  seqs: number[];
  /** How many records (or subjects, for bulk findings) the finding counts. */
  count: number;
  detail: string;
}

interface ActorSummary {
  actorId: string;
  roles: string[];
  counts: Record<AccessAction, number>;
  total: number;
  distinctSubjects: number;
}

export interface AccessReview {
  /** `YYYY-MM`, in KST. */
  month: string;
  /** The month's bounds as instants: its first KST midnight, and the next month's. */
  from: Date;
  to: Date;
  thresholds: ReviewThresholds;
  records: number;
  findings: ReviewFinding[];
  actors: ActorSummary[];
}

export type ReviewMonth = KstMonth;

export function parseReviewMonth(value: string): ReviewMonth {
  const month = parseKstMonth(value);
  if (!month) {
    throw new ValidationError([
      { in: 'review', field: 'month', message: 'expected YYYY-MM', code: 'invalid_month' },
    ]);
  }
  return month;
}

const emptyCounts = (): Record<AccessAction, number> =>
  Object.fromEntries(ACCESS_ACTIONS.map((action) => [action, 0])) as Record<AccessAction, number>;

interface ActorState {
  roles: Set<string>;
  counts: Record<AccessAction, number>;
  subjects: Set<string>;
  /** KST day → reveal seqs */
  revealsByDay: Map<string, number[]>;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Reads one month of records once and lists what a reviewer should look at: many reveals by one
 * actor in a day or the month, reveals and exports outside working hours (weekends and the given
 * holidays are outside all day), bulk exports, and other actions that touched many subjects at
 * once. Output order is fixed: by finding kind, actor, day, then sequence.
 */
export async function reviewAccessRecords(
  records: AsyncIterable<AccessRecord>,
  month: ReviewMonth,
  overrides: Partial<ReviewThresholds> = {},
): Promise<AccessReview> {
  const thresholds: ReviewThresholds = { ...DEFAULT_REVIEW_THRESHOLDS, ...overrides };
  const { from, to } = kstMonthRange(month);
  const holidays = new Set(thresholds.holidays);
  const actors = new Map<string, ActorState>();
  const findings: ReviewFinding[] = [];
  let count = 0;

  for await (const record of records) {
    const at = record.at.getTime();
    if (at < from.getTime() || at >= to.getTime()) continue;
    count += 1;
    const actorId = record.actor.id;
    let state = actors.get(actorId);
    if (!state) {
      state = {
        roles: new Set(),
        counts: emptyCounts(),
        subjects: new Set(),
        revealsByDay: new Map(),
      };
      actors.set(actorId, state);
    }
    state.roles.add(record.actor.role);
    state.counts[record.action] += 1;
    for (const subject of record.subjects) state.subjects.add(subject);

    const kst = kstTime(record.at);
    if (record.action === 'reveal') {
      const seqs = state.revealsByDay.get(kst.day) ?? [];
      seqs.push(record.seq);
      state.revealsByDay.set(kst.day, seqs);
    }
    const sensitive = record.action === 'reveal' || record.action === 'export';
    const dayOff = kst.weekday === 0 || kst.weekday === 6 || holidays.has(kst.day);
    const working =
      !dayOff && kst.hour >= thresholds.workHours.start && kst.hour < thresholds.workHours.end;
    const base = { actorId, day: kst.day, seqs: [record.seq] };
    if (sensitive && !working) {
      findings.push({
        ...base,
        kind: 'outside_hours',
        count: 1,
        detail: `${record.action} of ${record.dataset} at ${kst.day} ${kst.time} KST${dayOff ? ' (day off)' : ''}`,
      });
    }
    if (record.action === 'export' && record.subjectCount >= thresholds.bulkExportSubjects) {
      findings.push({
        ...base,
        kind: 'bulk_export',
        count: record.subjectCount,
        detail: `export of ${record.subjectCount} subjects from ${record.dataset}: ${record.reason ?? 'no reason'}`,
      });
    } else if (record.action !== 'export' && record.subjectCount >= thresholds.bulkAccessSubjects) {
      findings.push({
        ...base,
        kind: 'bulk_access',
        count: record.subjectCount,
        detail: `${record.action} of ${record.subjectCount} subjects in ${record.dataset}`,
      });
    }
  }

  const summaries: ActorSummary[] = [];
  for (const [actorId, state] of actors) {
    let monthReveals: number[] = [];
    for (const [day, seqs] of state.revealsByDay) {
      monthReveals = monthReveals.concat(seqs);
      if (seqs.length > thresholds.maxRevealsPerDay) {
        findings.push({
          kind: 'reveals_per_day',
          actorId,
          day,
          seqs: [...seqs].sort((a, b) => a - b),
          count: seqs.length,
          detail: `${seqs.length} reveals on ${day} (more than ${thresholds.maxRevealsPerDay})`,
        });
      }
    }
    if (monthReveals.length > thresholds.maxRevealsPerMonth) {
      const seqs = monthReveals.sort((a, b) => a - b);
      findings.push({
        kind: 'reveals_per_month',
        actorId,
        day: kstTime(from).day,
        seqs,
        count: seqs.length,
        detail: `${seqs.length} reveals in the month (more than ${thresholds.maxRevealsPerMonth})`,
      });
    }
    summaries.push({
      actorId,
      roles: [...state.roles].sort(compareText),
      counts: state.counts,
      total: ACCESS_ACTIONS.reduce((sum, action) => sum + state.counts[action], 0),
      distinctSubjects: state.subjects.size,
    });
  }

  findings.sort(
    (a, b) =>
      FINDING_ORDER.indexOf(a.kind) - FINDING_ORDER.indexOf(b.kind) ||
      compareText(a.actorId, b.actorId) ||
      compareText(a.day, b.day) ||
      (a.seqs[0] ?? 0) - (b.seqs[0] ?? 0),
  );
  summaries.sort((a, b) => compareText(a.actorId, b.actorId));
  return {
    month: formatKstMonth(month),
    from,
    to,
    thresholds,
    records: count,
    findings,
    actors: summaries,
  };
}
