import {
  formatKstMinute,
  kstDayStart,
  kstTime,
  koreanMonth,
  parseKstMonth,
  previousKstMonth,
  type KstMonth,
} from '../../../platform/time/kst.js';
import type { AssignmentState } from '../../assignments/assignment-state.js';
import { describeRules } from '../../eligibility/engine/rules.js';
import type {
  FigureUnit,
  MonthlyReport,
  SignUpsByRole,
  VerificationFigure,
} from '../monthly-report.js';

/**
 * The Korean words the report's files share, so the workbook, the CSV files and the charts name
 * every month, role, state and rule alike. Codes the tables below do not know (a state or a rule
 * added after this file) are shown as the code itself rather than refused: a report is never
 * lost to a missing label.
 */

function parseMonth(month: string): KstMonth {
  const parsed = parseKstMonth(month);
  if (!parsed) throw new Error(`monthly report month is not YYYY-MM: ${month}`);
  return parsed;
}

/** `2026-11` as `2026년 11월`. */
export function monthTitle(month: string): string {
  return koreanMonth(parseMonth(month));
}

/** The month before `month`, as `2026년 10월`. */
export function previousMonthTitle(month: string): string {
  return koreanMonth(previousKstMonth(parseMonth(month)));
}

/** When the report was produced, in KST to the minute: `2026-12-01 09:00 (KST)`. */
export function generatedAtText(report: MonthlyReport): string {
  return `${formatKstMinute(new Date(report.generatedAt))} (KST)`;
}

const WEEKDAYS = ['일', '월', '화', '수', '목', '금', '토'];

/** The weekday of a KST day `YYYY-MM-DD`, as one Korean syllable (`월` … `일`). */
export function weekdayOf(day: string): string {
  return WEEKDAYS[kstTime(kstDayStart(day)).weekday] ?? '';
}

export const ROLE_LABELS: Readonly<Record<SignUpsByRole['role'], string>> = {
  worker: '근무자',
  business: '사업장',
  operator: '운영자',
  admin: '관리자',
};

export const VERIFICATION_LABELS: Readonly<Record<VerificationFigure['kind'], string>> = {
  identity: '본인인증',
  bank_account: '계좌 인증',
  business: '사업자 인증',
};

/** Every assignment state in Korean: the `Record` makes a new state a compile error here. */
const STATE_LABELS: Readonly<Record<AssignmentState, string>> = {
  applied: '지원',
  withdrawn: '지원 철회',
  rejected: '지원 거절',
  proposed: '제안',
  declined: '제안 거절',
  confirmed: '확정',
  cancelled: '취소',
  completed: '근무 완료',
  no_show: '노쇼',
};

export function stateLabel(state: string): string {
  return (STATE_LABELS as Readonly<Record<string, string>>)[state] ?? state;
}

/** The eligibility catalogue's own Korean message, the words a refused worker was shown. */
const RULE_LABELS = new Map(describeRules().map((rule) => [rule.code, rule.message.ko]));

export function ruleLabel(rule: string): string {
  return RULE_LABELS.get(rule) ?? rule;
}

/** What a figure's bare number means, for the CSV files (the workbook shows it by format). */
export const UNIT_LABELS: Readonly<Record<FigureUnit, string>> = {
  count: '건수',
  rate: '비율(0~1)',
  krw: '원',
  hours: '시간',
};
