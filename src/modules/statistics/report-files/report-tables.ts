import type { FigureUnit, MonthlyReport, ShiftActivity } from '../monthly-report.js';
import {
  ROLE_LABELS,
  VERIFICATION_LABELS,
  ruleLabel,
  stateLabel,
  weekdayOf,
} from './report-labels.js';

/**
 * The report's breakdowns as tables: one definition of each table's Korean headers and rows, which
 * the workbook renders as a sheet and the CSV writer as a file, so the two never disagree.
 */

/** How a column's values are shown: a figure unit, plain text, or a KST day `YYYY-MM-DD`. */
export type ColumnUnit = FigureUnit | 'text' | 'day';

interface ReportColumn {
  header: string;
  unit: ColumnUnit;
  /** Width in the workbook, in characters (a Hangul syllable takes about two). */
  width: number;
}

/** A number in the column's unit, text, or null for "no value" (a rate of nothing). */
export type ReportCell = string | number | null;

export interface ReportTable {
  /** The sheet's name: at most 31 characters, none of `[]:*?/\`. */
  sheetName: string;
  fileName: string;
  columns: ReportColumn[];
  rows: ReportCell[][];
}

const column = (header: string, unit: ColumnUnit, width: number): ReportColumn => ({
  header,
  unit,
  width,
});

/** The figures of shifts by region and by business, in the same order in both tables. */
const ACTIVITY_COLUMNS: ReportColumn[] = [
  column('근무 수', 'count', 10),
  column('모집 인원', 'count', 11),
  column('충원 인원', 'count', 11),
  column('충원율', 'rate', 10),
  column('근무 시간', 'hours', 12),
  column('지급액', 'krw', 18),
];

const activityCells = (a: ShiftActivity): ReportCell[] => [
  a.shifts,
  a.headcountOffered,
  a.filled,
  a.fillRate,
  a.hoursWorked,
  a.grossPayKrw,
];

/** The breakdowns in the order the workbook lists their sheets. */
export function breakdownTables(report: MonthlyReport): ReportTable[] {
  return [
    {
      sheetName: '가입자(역할별)',
      fileName: 'sign-ups-by-role.csv',
      columns: [column('역할', 'text', 12), column('가입자 수', 'count', 12)],
      rows: report.signUpsByRole.map((r) => [ROLE_LABELS[r.role] ?? r.role, r.count]),
    },
    {
      sheetName: '인증',
      fileName: 'verifications.csv',
      columns: [
        column('인증 종류', 'text', 14),
        column('승인', 'count', 10),
        column('거절·취소', 'count', 12),
        column('승인율', 'rate', 10),
      ],
      rows: report.verifications.map((v) => [
        VERIFICATION_LABELS[v.kind] ?? v.kind,
        v.verified,
        v.refused,
        v.rate,
      ]),
    },
    {
      sheetName: '배정(상태별)',
      fileName: 'assignments-by-state.csv',
      columns: [
        column('상태', 'text', 12),
        column('상태 코드', 'text', 14),
        column('건수', 'count', 10),
      ],
      rows: report.assignmentsByState.map((s) => [stateLabel(s.state), s.state, s.count]),
    },
    {
      sheetName: '지역별',
      fileName: 'regions.csv',
      columns: [column('시/도 코드', 'text', 11), column('시/도', 'text', 18), ...ACTIVITY_COLUMNS],
      rows: report.byRegion.map((r) => [r.code, r.name, ...activityCells(r)]),
    },
    {
      sheetName: '사업장별(상위 20)',
      fileName: 'top-businesses.csv',
      columns: [column('순위', 'count', 6), column('사업장 ID', 'text', 28), ...ACTIVITY_COLUMNS],
      rows: report.topBusinesses.map((b, i) => [i + 1, b.businessId, ...activityCells(b)]),
    },
    {
      sheetName: '자격 미달(규칙별)',
      fileName: 'refusals-by-rule.csv',
      columns: [
        column('규칙', 'text', 50),
        column('규칙 코드', 'text', 30),
        column('건수', 'count', 10),
      ],
      rows: report.refusalsByRule.map((r) => [ruleLabel(r.rule), r.rule, r.count]),
    },
    {
      sheetName: '일별',
      fileName: 'daily.csv',
      columns: [
        column('일자', 'day', 12),
        column('요일', 'text', 6),
        column('시작한 근무', 'count', 12),
        column('완료된 배정', 'count', 12),
        column('노쇼', 'count', 8),
      ],
      rows: report.daily.map((d) => [
        d.day,
        weekdayOf(d.day),
        d.shiftsStarting,
        d.assignmentsCompleted,
        d.noShows,
      ]),
    },
  ];
}
