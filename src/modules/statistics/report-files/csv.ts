import { stringify } from 'csv-stringify/sync';
import type { FigureUnit, MonthlyReport } from '../monthly-report.js';
import { UNIT_LABELS, monthTitle, previousMonthTitle } from './report-labels.js';
import { breakdownTables, type ColumnUnit, type ReportCell } from './report-tables.js';

/**
 * The monthly report as CSV files, for Excel on Korean Windows and for scripts: UTF-8 with a BOM
 * (without it Excel reads the file as CP949 and the Hangul is garbled), CRLF line ends, quoting
 * by csv-stringify (a field with a comma, a quote or a line end is quoted, quotes doubled).
 *
 * Numbers are bare, for machines: no thousands separators, no `원` or `%`. Rates (and the summary's
 * change) are fractions with 4 decimals, `0.8125` for 81.25%, never percentages; hours keep at
 * most 2 decimals; won are whole. A missing value (a rate of nothing) is an empty field.
 */

function formatNumber(value: number, unit: FigureUnit | 'change'): string {
  switch (unit) {
    case 'rate':
    case 'change':
      return value.toFixed(4);
    case 'hours':
      return String(Math.round(value * 100) / 100);
    case 'krw':
    case 'count':
      return String(Math.round(value));
  }
}

function formatCell(value: ReportCell, unit: ColumnUnit | 'change'): string {
  if (value === null) return '';
  if (typeof value === 'string' || unit === 'text' || unit === 'day') return String(value);
  return formatNumber(value, unit);
}

function csvFile(name: string, rows: string[][]): { name: string; bytes: Buffer } {
  return {
    name,
    bytes: Buffer.from(stringify(rows, { bom: true, record_delimiter: 'windows' }), 'utf8'),
  };
}

/** The headline figures with their unit spelled out, since a bare `0.8125` does not say it. */
function summaryRows(report: MonthlyReport): string[][] {
  return [
    [
      '항목',
      '항목 코드',
      '단위',
      `이번 달 (${monthTitle(report.month)})`,
      `지난 달 (${previousMonthTitle(report.month)})`,
      '증감',
    ],
    ...report.headline.map((f) => [
      f.label,
      f.key,
      UNIT_LABELS[f.unit],
      formatCell(f.value, f.unit),
      formatCell(f.previous, f.unit),
      formatCell(f.change, 'change'),
    ]),
  ];
}

export async function writeCsvFiles(
  report: MonthlyReport,
): Promise<{ name: string; bytes: Buffer }[]> {
  return [
    csvFile('summary.csv', summaryRows(report)),
    ...breakdownTables(report).map((table) =>
      csvFile(table.fileName, [
        table.columns.map((c) => c.header),
        ...table.rows.map((cells) =>
          cells.map((value, i) => formatCell(value, table.columns[i]?.unit ?? 'text')),
        ),
      ]),
    ),
  ];
}
