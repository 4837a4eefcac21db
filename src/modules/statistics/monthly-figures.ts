import {
  formatKstMonth,
  kstDayKey,
  kstMonthRange,
  nextKstMonth,
  type KstMonth,
} from '../../platform/time/kst.js';
import type {
  AssignmentOutcomeRow,
  AssignmentStatistics,
} from '../assignments/assignment-statistics.js';
import type { BusinessStatistics } from '../businesses/business-statistics.js';
import type { MemberStatistics } from '../members/member-statistics.js';
import { sidoOf } from '../shifts/region-code.js';
import type { ShiftActivityRow, ShiftStatistics } from '../shifts/shift-statistics.js';
import type { WorkerStatistics } from '../workers/worker-statistics.js';
import type {
  AssignmentsByState,
  BusinessActivity,
  DailyActivity,
  FigureUnit,
  HeadlineFigure,
  HeadlineKey,
  MonthlyReport,
  RegionActivity,
  ShiftActivity,
  VerificationFigure,
} from './monthly-report.js';

/** What the figures are read from: each module's own statistics, never its collections. */
export interface StatisticsSources {
  members: Pick<MemberStatistics, 'signUpsByRole'>;
  workers: Pick<WorkerStatistics, 'verificationDecisions'>;
  businesses: Pick<BusinessStatistics, 'verificationDecisions'>;
  shifts: Pick<ShiftStatistics, 'monthActivity'>;
  assignments: Pick<AssignmentStatistics, 'monthOutcomes' | 'countApplications' | 'refusalsByRule'>;
}

/** The headline values alone, as a manifest keeps them for the next month's comparison. */
export type HeadlineValues = Partial<Record<HeadlineKey, number>>;

const LABELS: Record<HeadlineKey, { label: string; unit: FigureUnit }> = {
  signUps: { label: '신규 가입', unit: 'count' },
  identityVerified: { label: '본인인증 완료', unit: 'count' },
  bankAccountsVerified: { label: '계좌 인증 완료', unit: 'count' },
  businessesVerified: { label: '사업자 인증 완료', unit: 'count' },
  shiftsPosted: { label: '등록된 근무', unit: 'count' },
  headcountOffered: { label: '모집 인원', unit: 'count' },
  headcountFilled: { label: '충원 인원', unit: 'count' },
  fillRate: { label: '충원율', unit: 'rate' },
  applications: { label: '지원', unit: 'count' },
  assignmentsCompleted: { label: '근무 완료', unit: 'count' },
  noShowRate: { label: '노쇼율', unit: 'rate' },
  lateCancellationRate: { label: '직전 취소율', unit: 'rate' },
  hoursWorked: { label: '근무 시간', unit: 'hours' },
  grossPayKrw: { label: '지급액(세전)', unit: 'krw' },
  eligibilityRefusals: { label: '자격 미달 거절', unit: 'count' },
};

/** States in the order the reports list them: open ones, then the endings. */
const STATE_ORDER = [
  'applied',
  'proposed',
  'confirmed',
  'completed',
  'no_show',
  'cancelled',
  'withdrawn',
  'declined',
  'rejected',
];
/** States in which an assignment holds (or held) one of the shift's slots at the month's end. */
const FILLING = new Set(['confirmed', 'completed', 'no_show']);
const TOP_BUSINESSES = 20;

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

interface ShiftTotals {
  filled: number;
  completed: number;
  noShows: number;
  hoursWorked: number;
}

/**
 * The figures of one KST month (boundaries from platform/time: an assignment of a shift starting
 * at 2026-11-30T23:30+09:00 counts in November, one at 2026-12-01T00:00+09:00 in December).
 * Shifts and their assignments count in the month the shift starts; sign-ups, applications and
 * verification decisions in the month they happened. Definitions are in docs/statistics.md.
 */
export async function monthlyFigures(
  sources: StatisticsSources,
  month: KstMonth,
  options: { previous?: HeadlineValues | null; now?: Date } = {},
): Promise<MonthlyReport> {
  const range = kstMonthRange(month);
  const [fromDay, toDay] = [kstDayKey(range.from), kstDayKey(range.to)];
  const [signUps, workerDecisions, businessDecisions, activity, outcome, applications, refusals] =
    await Promise.all([
      sources.members.signUpsByRole(range),
      sources.workers.verificationDecisions(range),
      sources.businesses.verificationDecisions(range),
      sources.shifts.monthActivity(range),
      sources.assignments.monthOutcomes(range),
      sources.assignments.countApplications(range),
      sources.assignments.refusalsByRule(fromDay, toDay),
    ]);

  const { rows: outcomes, lateCancellations } = outcome;
  const byShift = totalsByShift(outcomes);
  const stateCounts = new Map<string, number>();
  for (const row of outcomes) {
    stateCounts.set(row.state, (stateCounts.get(row.state) ?? 0) + row.count);
  }
  const count = (state: string) => stateCounts.get(state) ?? 0;

  const total = emptyActivity();
  const regions = new Map<string, RegionActivity>();
  const businesses = new Map<string, BusinessActivity>();
  const daily = new Map(daysOf(month).map((day) => [day, emptyDay(day)]));
  for (const shift of activity.shifts) {
    const totals = byShift.get(shift.id);
    const region = sidoOf(shift.regionCode);
    const regionRow =
      regions.get(region.code) ??
      regions.set(region.code, { ...region, ...emptyActivity() }).get(region.code)!;
    const businessRow =
      businesses.get(shift.businessId) ??
      businesses
        .set(shift.businessId, { businessId: shift.businessId, ...emptyActivity() })
        .get(shift.businessId)!;
    for (const row of [total, regionRow, businessRow]) addShift(row, shift, totals);
    const day = daily.get(kstDayKey(shift.startsAt));
    if (day) {
      day.shiftsStarting += 1;
      day.assignmentsCompleted += totals?.completed ?? 0;
      day.noShows += totals?.noShows ?? 0;
    }
  }
  // Assignments of a cancelled shift count in their states, not in the shifts' activity.

  const decided = (subject: string, action: string) =>
    workerDecisions
      .filter((d) => d.subject === subject && d.action === action)
      .reduce((sum, d) => sum + d.count, 0);
  const businessDecided = (action: string) =>
    businessDecisions.filter((d) => d.action === action).reduce((sum, d) => sum + d.count, 0);
  const verifications: VerificationFigure[] = [
    verification('identity', decided('identity', 'verify'), decided('identity', 'revoke')),
    verification(
      'bank_account',
      decided('bankAccount', 'verify'),
      decided('bankAccount', 'revoke'),
    ),
    verification('business', businessDecided('verify'), businessDecided('revoke')),
  ];

  const completed = count('completed');
  const noShows = count('no_show');
  const ended = completed + noShows + count('cancelled');
  const values: Record<HeadlineKey, number> = {
    signUps: signUps.reduce((sum, row) => sum + row.count, 0),
    identityVerified: verifications[0]!.verified,
    bankAccountsVerified: verifications[1]!.verified,
    businessesVerified: verifications[2]!.verified,
    shiftsPosted: activity.posted,
    headcountOffered: total.headcountOffered,
    headcountFilled: total.filled,
    fillRate: ratio(total.filled, total.headcountOffered) ?? 0,
    applications,
    assignmentsCompleted: completed,
    noShowRate: ratio(noShows, completed + noShows) ?? 0,
    lateCancellationRate: ratio(lateCancellations, ended) ?? 0,
    hoursWorked: round(total.hoursWorked, 2),
    grossPayKrw: Math.round(total.grossPayKrw),
    eligibilityRefusals: refusals.reduce((sum, row) => sum + row.count, 0),
  };
  const empty =
    values.signUps === 0 &&
    values.shiftsPosted === 0 &&
    activity.shifts.length === 0 &&
    outcomes.length === 0 &&
    values.applications === 0 &&
    verifications.every((v) => v.verified + v.refused === 0) &&
    values.eligibilityRefusals === 0;

  return {
    month: formatKstMonth(month),
    generatedAt: (options.now ?? new Date()).toISOString(),
    empty,
    headline: headline(values, options.previous ?? null),
    signUpsByRole: [...signUps].sort((a, b) => b.count - a.count || cmp(a.role, b.role)),
    verifications,
    assignmentsByState: statesInOrder(stateCounts),
    byRegion: [...regions.values()]
      .map(withFillRate)
      .sort((a, b) => b.shifts - a.shifts || cmp(a.code, b.code)),
    topBusinesses: [...businesses.values()]
      .map(withFillRate)
      .sort((a, b) => b.shifts - a.shifts || cmp(a.businessId, b.businessId))
      .slice(0, TOP_BUSINESSES),
    refusalsByRule: [...refusals].sort((a, b) => b.count - a.count || cmp(a.rule, b.rule)),
    daily: [...daily.values()],
  };
}

/** The headline values of a report, for a manifest. */
export function headlineValues(report: MonthlyReport): HeadlineValues {
  return Object.fromEntries(report.headline.map((figure) => [figure.key, figure.value]));
}

function headline(values: Record<HeadlineKey, number>, previous: HeadlineValues | null) {
  return (Object.keys(LABELS) as HeadlineKey[]).map((key): HeadlineFigure => {
    const before = previous?.[key] ?? null;
    return {
      key,
      ...LABELS[key],
      value: values[key],
      previous: before,
      change: before === null || before === 0 ? null : (values[key] - before) / before,
    };
  });
}

function totalsByShift(rows: readonly AssignmentOutcomeRow[]): Map<string, ShiftTotals> {
  const totals = new Map<string, ShiftTotals>();
  for (const row of rows) {
    let shift = totals.get(row.shiftId);
    if (!shift) {
      shift = { filled: 0, completed: 0, noShows: 0, hoursWorked: 0 };
      totals.set(row.shiftId, shift);
    }
    if (FILLING.has(row.state)) shift.filled += row.count;
    if (row.state === 'completed') {
      shift.completed += row.count;
      shift.hoursWorked += row.hoursWorked;
    }
    if (row.state === 'no_show') shift.noShows += row.count;
  }
  return totals;
}

function addShift(row: ShiftActivity, shift: ShiftActivityRow, totals: ShiftTotals | undefined) {
  row.shifts += 1;
  row.headcountOffered += shift.headcount;
  // A slot counts once however many assignments passed through it.
  row.filled += Math.min(totals?.filled ?? 0, shift.headcount);
  row.hoursWorked += totals?.hoursWorked ?? 0;
  row.grossPayKrw += (totals?.hoursWorked ?? 0) * shift.hourlyPayKrw;
}

function withFillRate<T extends ShiftActivity>(row: T): T {
  return {
    ...row,
    fillRate: ratio(row.filled, row.headcountOffered),
    hoursWorked: round(row.hoursWorked, 2),
    grossPayKrw: Math.round(row.grossPayKrw),
  };
}

function emptyActivity(): ShiftActivity {
  return {
    shifts: 0,
    headcountOffered: 0,
    filled: 0,
    fillRate: null,
    hoursWorked: 0,
    grossPayKrw: 0,
  };
}

function emptyDay(day: string): DailyActivity {
  return { day, shiftsStarting: 0, assignmentsCompleted: 0, noShows: 0 };
}

function verification(
  kind: VerificationFigure['kind'],
  verified: number,
  refused: number,
): VerificationFigure {
  return { kind, verified, refused, rate: ratio(verified, verified + refused) };
}

function statesInOrder(counts: Map<string, number>): AssignmentsByState[] {
  const known = STATE_ORDER.filter((state) => counts.has(state));
  const other = [...counts.keys()].filter((state) => !STATE_ORDER.includes(state)).sort();
  return [...known, ...other].map((state) => ({ state, count: counts.get(state)! }));
}

/** Every KST day of the month, `YYYY-MM-DD`. */
function daysOf(month: KstMonth): string[] {
  const next = nextKstMonth(month);
  const days: string[] = [];
  const last = new Date(Date.UTC(next.year, next.month - 1, 0)).getUTCDate();
  for (let day = 1; day <= last; day++) {
    days.push(`${formatKstMonth(month)}-${String(day).padStart(2, '0')}`);
  }
  return days;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
