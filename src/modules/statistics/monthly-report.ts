/**
 * One KST month's statistics, as the outputs (XLSX, CSV, charts, the Slack notice) render them.
 * Counts and amounts only, and business ids at most: never personal data.
 */

/** The headline figures, in the order the summary lists them. */
export const HEADLINE_KEYS = [
  'signUps',
  'identityVerified',
  'bankAccountsVerified',
  'businessesVerified',
  'shiftsPosted',
  'headcountOffered',
  'headcountFilled',
  'fillRate',
  'applications',
  'assignmentsCompleted',
  'noShowRate',
  'lateCancellationRate',
  'hoursWorked',
  'grossPayKrw',
  'eligibilityRefusals',
] as const;
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];

/** How a figure is shown: a count (`#,##0`), a rate (`0.0%`, a fraction 0..1), won, hours. */
export type FigureUnit = 'count' | 'rate' | 'krw' | 'hours';

export interface HeadlineFigure {
  key: HeadlineKey;
  /** Korean label, e.g. `신규 가입`. */
  label: string;
  unit: FigureUnit;
  value: number;
  /** The same figure for the month before; null when that month had no data to compare. */
  previous: number | null;
  /** (value - previous) / previous; null when previous is null or 0. */
  change: number | null;
}

export interface SignUpsByRole {
  role: 'worker' | 'business' | 'operator' | 'admin';
  count: number;
}

export interface VerificationFigure {
  kind: 'identity' | 'bank_account' | 'business';
  /** Decided this month: verified, and refused or revoked. */
  verified: number;
  refused: number;
  /** verified / (verified + refused); null when nothing was decided. */
  rate: number | null;
}

export interface AssignmentsByState {
  /** A final state (`completed`, `no_show`, `cancelled`, …) or an open one at the month's end. */
  state: string;
  count: number;
}

/** Shifts that started in the month, by where or by whom. */
export interface ShiftActivity {
  shifts: number;
  headcountOffered: number;
  filled: number;
  /** filled / headcountOffered; null when nothing was offered. */
  fillRate: number | null;
  hoursWorked: number;
  /** Hours worked × the shift's hourly pay, in won. */
  grossPayKrw: number;
}

export interface RegionActivity extends ShiftActivity {
  /** The 시/도 code: the first two digits of the 법정동코드. */
  code: string;
  /** Its Korean name, e.g. `서울특별시`. */
  name: string;
}

export interface BusinessActivity extends ShiftActivity {
  businessId: string;
}

interface RefusalsByRule {
  /** The eligibility rule's code, e.g. `weekly_hours_exceeded`. */
  rule: string;
  count: number;
}

export interface DailyActivity {
  /** `YYYY-MM-DD`, KST. */
  day: string;
  shiftsStarting: number;
  assignmentsCompleted: number;
  noShows: number;
}

export interface MonthlyReport {
  /** `YYYY-MM`, a KST calendar month. */
  month: string;
  /** When it was produced (ISO instant). */
  generatedAt: string;
  /** True when the month has no activity at all: the outputs say so instead of showing zeros. */
  empty: boolean;
  headline: HeadlineFigure[];
  signUpsByRole: SignUpsByRole[];
  verifications: VerificationFigure[];
  assignmentsByState: AssignmentsByState[];
  /** Every 시/도 with activity, most shifts first. */
  byRegion: RegionActivity[];
  /** The 20 businesses with most shifts, most first. */
  topBusinesses: BusinessActivity[];
  refusalsByRule: RefusalsByRule[];
  /** One row per day of the month, in order. */
  daily: DailyActivity[];
}
