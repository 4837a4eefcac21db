import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { MonthlyReport } from '../monthly-report.js';
import { emptyMonthlyReport, monthlyReport } from './report-files.test-kit.js';
import { EMPTY_MONTH_LINE, SUMMARY_SHEET, writeWorkbook } from './xlsx.js';

async function readBack(report: MonthlyReport): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await writeWorkbook(report)) as unknown as ExcelJS.Buffer);
  return workbook;
}

function sheetOf(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}`);
  return sheet;
}

/** A row's values from column A on (exceljs's `row.values` is 1-based, with a hole at 0). */
const valuesOf = (sheet: ExcelJS.Worksheet, row: number): unknown[] =>
  (sheet.getRow(row).values as unknown[]).slice(1);

/** The summary row whose 항목 is `label`. */
function summaryRow(sheet: ExcelJS.Worksheet, label: string): ExcelJS.Row {
  for (let i = 1; i <= sheet.rowCount; i++) {
    if (sheet.getCell(i, 1).value === label) return sheet.getRow(i);
  }
  throw new Error(`no summary row ${label}`);
}

const BREAKDOWN_HEADERS: Record<string, string[]> = {
  '가입자(역할별)': ['역할', '가입자 수'],
  인증: ['인증 종류', '승인', '거절·취소', '승인율'],
  '배정(상태별)': ['상태', '상태 코드', '건수'],
  지역별: [
    '시/도 코드',
    '시/도',
    '근무 수',
    '모집 인원',
    '충원 인원',
    '충원율',
    '근무 시간',
    '지급액',
  ],
  '사업장별(상위 20)': [
    '순위',
    '사업장 ID',
    '근무 수',
    '모집 인원',
    '충원 인원',
    '충원율',
    '근무 시간',
    '지급액',
  ],
  '자격 미달(규칙별)': ['규칙', '규칙 코드', '건수'],
  일별: ['일자', '요일', '시작한 근무', '완료된 배정', '노쇼'],
};

describe('writeWorkbook', () => {
  it('names the sheets 요약 and then one per breakdown, each a valid Excel sheet name', async () => {
    const workbook = await readBack(monthlyReport());

    const names = workbook.worksheets.map((s) => s.name);
    expect(names).toEqual([SUMMARY_SHEET, ...Object.keys(BREAKDOWN_HEADERS)]);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[[\]:*?/\\]/);
    }
  });

  it('titles the summary with the month and the KST time the report was produced', async () => {
    const workbook = await readBack(monthlyReport());
    const sheet = sheetOf(workbook, SUMMARY_SHEET);

    expect(sheet.getCell('A1').value).toBe('월간 통계 · 2026년 11월');
    // generatedAt 2026-12-01T00:05Z is 09:05 KST.
    expect(sheet.getCell('A2').value).toBe('생성 2026-12-01 09:05 (KST)');
    expect(workbook.title).toBe('월간 통계 2026년 11월');
    expect(workbook.created.toISOString()).toBe('2026-12-01T00:05:00.000Z');
  });

  it('heads the summary with 항목, this month, last month and 증감, in bold and frozen', async () => {
    const sheet = sheetOf(await readBack(monthlyReport()), SUMMARY_SHEET);

    expect(valuesOf(sheet, 4)).toEqual([
      '항목',
      '이번 달 (2026년 11월)',
      '지난 달 (2026년 10월)',
      '증감',
    ]);
    expect(sheet.getCell('A4').font.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
  });

  it('lists every headline figure by its Korean label, formatted by its unit', async () => {
    const sheet = sheetOf(await readBack(monthlyReport()), SUMMARY_SHEET);

    const cases = [
      ['신규 가입', 1250, '#,##0'],
      ['충원율', 0.8125, '0.0%'],
      ['지급액', 612345678, '#,##0"원"'],
      ['근무 시간', 59200.5, '#,##0.0'],
    ] as const;
    for (const [label, value, numFmt] of cases) {
      const row = summaryRow(sheet, label);
      expect(row.getCell(2).value).toBe(value);
      expect(row.getCell(2).numFmt).toBe(numFmt);
      expect(row.getCell(3).numFmt).toBe(numFmt);
      expect(row.getCell(4).numFmt).toBe('+0.0%;-0.0%;0.0%');
    }
    expect(summaryRow(sheet, '신규 가입').getCell(4).value).toBe(0.25);
    expect(sheet.rowCount).toBe(4 + 15);
  });

  it('leaves last month and the change empty when there is nothing to compare with', async () => {
    const sheet = sheetOf(await readBack(monthlyReport()), SUMMARY_SHEET);

    const applications = summaryRow(sheet, '지원');
    expect(applications.getCell(2).value).toBe(15000);
    expect(applications.getCell(3).value).toBeNull();
    expect(applications.getCell(4).value).toBeNull();
  });

  it('says 이 달에는 활동이 없습니다. under the title of an empty month, and only then', async () => {
    const empty = sheetOf(await readBack(emptyMonthlyReport()), SUMMARY_SHEET);
    const active = sheetOf(await readBack(monthlyReport()), SUMMARY_SHEET);

    expect(empty.getCell('A3').value).toBe(EMPTY_MONTH_LINE);
    expect(EMPTY_MONTH_LINE).toBe('이 달에는 활동이 없습니다.');
    expect(active.getCell('A3').value).toBeNull();
  });

  it('heads each breakdown sheet with Korean headers, in bold and frozen', async () => {
    const workbook = await readBack(monthlyReport());

    for (const [name, headers] of Object.entries(BREAKDOWN_HEADERS)) {
      const sheet = sheetOf(workbook, name);
      expect(valuesOf(sheet, 1), name).toEqual(headers);
      expect(sheet.getCell('A1').font.bold, name).toBe(true);
      expect(sheet.views[0], name).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
  });

  it('names roles, verification kinds, states and rules in Korean, keeping state and rule codes', async () => {
    const workbook = await readBack(monthlyReport());

    expect(valuesOf(sheetOf(workbook, '가입자(역할별)'), 2)).toEqual(['근무자', 1180]);
    expect(valuesOf(sheetOf(workbook, '인증'), 2)).toEqual(['본인인증', 900, 100, 0.9]);
    expect(valuesOf(sheetOf(workbook, '배정(상태별)'), 3)).toEqual(['노쇼', 'no_show', 190]);
    const rules = sheetOf(workbook, '자격 미달(규칙별)');
    expect(valuesOf(rules, 2)).toEqual([
      '주간 근로시간 한도를 초과합니다.',
      'weekly_hours_exceeded',
      200,
    ]);
    // A rule this file does not know is shown by its code rather than dropped.
    expect(valuesOf(rules, 4)).toEqual(['rule_from_the_future', 'rule_from_the_future', 20]);
  });

  it('formats breakdown rates as percentages and leaves a rate of nothing empty', async () => {
    const verifications = sheetOf(await readBack(monthlyReport()), '인증');

    expect(verifications.getCell('D2').numFmt).toBe('0.0%');
    expect(verifications.getCell('B2').numFmt).toBe('#,##0');
    // 사업자 인증: nothing decided this month.
    expect(verifications.getCell('A4').value).toBe('사업자 인증');
    expect(verifications.getCell('D4').value).toBeNull();
  });

  it('writes each day as a date with its weekday', async () => {
    const daily = sheetOf(await readBack(monthlyReport()), '일별');

    expect(daily.rowCount).toBe(1 + 30);
    expect(daily.getCell('A2').value).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(daily.getCell('A2').numFmt).toBe('yyyy-mm-dd');
    expect(daily.getCell('B2').value).toBe('일');
    expect(daily.getCell('B3').value).toBe('월');
  });

  it('lists the top businesses in rank order with their won and rate formats', async () => {
    const sheet = sheetOf(
      await readBack(monthlyReport({ regions: 17, businesses: 20 })),
      '사업장별(상위 20)',
    );

    expect(sheet.rowCount).toBe(1 + 20);
    expect(valuesOf(sheet, 3).slice(0, 3)).toEqual([2, 'biz-101', 45]);
    expect(sheet.getCell('F2').numFmt).toBe('0.0%');
    expect(sheet.getCell('H2').numFmt).toBe('#,##0"원"');
    expect(sheetOf(await readBack(monthlyReport({ regions: 17 })), '지역별').rowCount).toBe(18);
  });
});
