import ExcelJS from 'exceljs';
import type { FigureUnit, MonthlyReport } from '../monthly-report.js';
import { generatedAtText, monthTitle, previousMonthTitle } from './report-labels.js';
import { breakdownTables, type ColumnUnit, type ReportTable } from './report-tables.js';

/**
 * The monthly report as an Excel workbook: a summary sheet (this month against the last, with a
 * title naming the month and when it was produced), then one sheet per breakdown. Numbers stay
 * numbers, shown by number format, so a reader can sum and chart them in Excel.
 */

export const SUMMARY_SHEET = '요약';
export const EMPTY_MONTH_LINE = '이 달에는 활동이 없습니다.';

const NUMBER_FORMATS: Readonly<Record<FigureUnit, string>> = {
  count: '#,##0',
  rate: '0.0%',
  krw: '#,##0"원"',
  hours: '#,##0.0',
};
const CHANGE_FORMAT = '+0.0%;-0.0%;0.0%';
const DAY_FORMAT = 'yyyy-mm-dd';

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFE8EEF7' },
};

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
  });
}

/** Title, production time and (for a month without activity) the line that says so, then the figures. */
function addSummarySheet(workbook: ExcelJS.Workbook, report: MonthlyReport): void {
  const sheet = workbook.addWorksheet(SUMMARY_SHEET);
  sheet.columns = [{ width: 24 }, { width: 22 }, { width: 22 }, { width: 12 }];

  sheet.addRow([`월간 통계 · ${monthTitle(report.month)}`]).font = { bold: true, size: 14 };
  sheet.addRow([`생성 ${generatedAtText(report)}`]).font = { color: { argb: 'FF666666' } };
  sheet.addRow(report.empty ? [EMPTY_MONTH_LINE] : []).font = { bold: true };
  const header = sheet.addRow([
    '항목',
    `이번 달 (${monthTitle(report.month)})`,
    `지난 달 (${previousMonthTitle(report.month)})`,
    '증감',
  ]);
  styleHeader(header);
  // Everything down to the header stays in view: the month named in the title and the columns.
  sheet.views = [{ state: 'frozen', xSplit: 0, ySplit: header.number }];

  for (const figure of report.headline) {
    const row = sheet.addRow([figure.label, figure.value, figure.previous, figure.change]);
    row.getCell(2).numFmt = NUMBER_FORMATS[figure.unit];
    row.getCell(3).numFmt = NUMBER_FORMATS[figure.unit];
    row.getCell(4).numFmt = CHANGE_FORMAT;
  }
}

/**
 * A breakdown's cell as Excel holds it. A day becomes a date: Excel dates have no zone, and
 * exceljs writes a `Date` by its UTC fields, so UTC midnight of the KST day is that day.
 */
function cellValue(value: string | number | null, unit: ColumnUnit): ExcelJS.CellValue {
  return unit === 'day' && typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : value;
}

function numberFormatOf(unit: ColumnUnit): string | undefined {
  if (unit === 'text') return undefined;
  return unit === 'day' ? DAY_FORMAT : NUMBER_FORMATS[unit];
}

const unitOf = (table: ReportTable, index: number): ColumnUnit =>
  table.columns[index]?.unit ?? 'text';

function addTableSheet(workbook: ExcelJS.Workbook, table: ReportTable): void {
  const sheet = workbook.addWorksheet(table.sheetName, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  sheet.columns = table.columns.map((c) => ({ width: c.width }));
  styleHeader(sheet.addRow(table.columns.map((c) => c.header)));
  for (const cells of table.rows) {
    const row = sheet.addRow(cells.map((value, i) => cellValue(value, unitOf(table, i))));
    cells.forEach((_, i) => {
      const numFmt = numberFormatOf(unitOf(table, i));
      if (numFmt) row.getCell(i + 1).numFmt = numFmt;
    });
  }
  if (table.rows.length > 0) {
    sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: 1, column: table.columns.length },
    };
  }
}

export async function writeWorkbook(report: MonthlyReport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const generatedAt = new Date(report.generatedAt);
  workbook.creator = 'workmatch';
  workbook.title = `월간 통계 ${monthTitle(report.month)}`;
  workbook.subject = `${report.month} 월간 통계, 생성 ${generatedAtText(report)}`;
  // The report's own time rather than now: the same report gives the same properties.
  workbook.created = generatedAt;
  workbook.modified = generatedAt;

  addSummarySheet(workbook, report);
  for (const table of breakdownTables(report)) addTableSheet(workbook, table);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
