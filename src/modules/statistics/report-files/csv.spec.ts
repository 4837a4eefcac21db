import { describe, expect, it } from 'vitest';
import { writeCsvFiles } from './csv.js';
import { AWKWARD_BUSINESS_ID, monthlyReport } from './report-files.test-kit.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * RFC 4180 read by hand (csv-parse is not a dependency): records end in CRLF, a quoted field may
 * hold commas and line ends, and `""` inside it is one quote.
 */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

async function filesOf(report = monthlyReport()): Promise<Map<string, Buffer>> {
  return new Map((await writeCsvFiles(report)).map((f) => [f.name, f.bytes]));
}

/** A file's records, read as Excel would: the BOM says UTF-8 and is not part of the text. */
function recordsOf(files: Map<string, Buffer>, name: string): string[][] {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`no file ${name}`);
  return parseCsv(bytes.subarray(BOM.length).toString('utf8'));
}

const HEADERS: Record<string, string[]> = {
  'summary.csv': [
    '항목',
    '항목 코드',
    '단위',
    '이번 달 (2026년 11월)',
    '지난 달 (2026년 10월)',
    '증감',
  ],
  'sign-ups-by-role.csv': ['역할', '가입자 수'],
  'verifications.csv': ['인증 종류', '승인', '거절·취소', '승인율'],
  'assignments-by-state.csv': ['상태', '상태 코드', '건수'],
  'regions.csv': [
    '시/도 코드',
    '시/도',
    '근무 수',
    '모집 인원',
    '충원 인원',
    '충원율',
    '근무 시간',
    '지급액',
  ],
  'top-businesses.csv': [
    '순위',
    '사업장 ID',
    '근무 수',
    '모집 인원',
    '충원 인원',
    '충원율',
    '근무 시간',
    '지급액',
  ],
  'refusals-by-rule.csv': ['규칙', '규칙 코드', '건수'],
  'daily.csv': ['일자', '요일', '시작한 근무', '완료된 배정', '노쇼'],
};

describe('writeCsvFiles', () => {
  it('writes summary.csv and one file per breakdown', async () => {
    const names = (await writeCsvFiles(monthlyReport())).map((f) => f.name);

    expect(names).toEqual(Object.keys(HEADERS));
  });

  it('starts every file with the UTF-8 byte order mark, for Excel on Korean Windows', async () => {
    for (const [name, bytes] of await filesOf()) {
      expect(bytes.subarray(0, 3).equals(BOM), name).toBe(true);
      expect(bytes.subarray(3, 6).equals(BOM), name).toBe(false);
    }
  });

  it('ends every record, the last one included, with CRLF', async () => {
    for (const [name, bytes] of await filesOf()) {
      const text = bytes.toString('utf8');
      expect(text.endsWith('\r\n'), name).toBe(true);
      // No bare LF (the fixture's values hold no line end, so every LF ends a record).
      expect(text.split('\r\n').join(''), name).not.toMatch(/[\r\n]/);
    }
  });

  it('heads every file with Korean headers, read back as UTF-8', async () => {
    const files = await filesOf();

    for (const [name, headers] of Object.entries(HEADERS)) {
      const [header, ...rows] = recordsOf(files, name);
      expect(header, name).toEqual(headers);
      for (const row of rows) expect(row, name).toHaveLength(headers.length);
    }
  });

  it('quotes a value with a comma and a quote so it reads back intact', async () => {
    const bytes = (await filesOf()).get('top-businesses.csv');

    expect(bytes?.toString('utf8')).toContain('"biz-7,""east"""');
    expect(recordsOf(await filesOf(), 'top-businesses.csv')[1]?.[1]).toBe(AWKWARD_BUSINESS_ID);
  });

  it('writes rates and changes as fractions with 4 decimals, counts, won and hours as bare numbers', async () => {
    const summary = recordsOf(await filesOf(), 'summary.csv');
    const row = (key: string) => summary.find((r) => r[1] === key);

    expect(row('signUps')).toEqual(['신규 가입', 'signUps', '건수', '1250', '1000', '0.2500']);
    expect(row('fillRate')).toEqual([
      '충원율',
      'fillRate',
      '비율(0~1)',
      '0.8125',
      '0.7500',
      '0.0833',
    ]);
    expect(row('grossPayKrw')?.slice(2, 5)).toEqual(['원', '612345678', '540000000']);
    expect(row('hoursWorked')?.slice(2, 5)).toEqual(['시간', '59200.5', '52000']);
  });

  it('leaves a value that does not exist empty rather than zero', async () => {
    const files = await filesOf();

    // 지원 has no previous month; 사업자 인증 decided nothing, so it has no rate.
    expect(recordsOf(files, 'summary.csv').find((r) => r[1] === 'applications')).toEqual([
      '지원',
      'applications',
      '건수',
      '15000',
      '',
      '',
    ]);
    expect(recordsOf(files, 'verifications.csv')[3]).toEqual(['사업자 인증', '0', '0', '']);
  });

  it('names states and rules in Korean next to their codes', async () => {
    const files = await filesOf();

    expect(recordsOf(files, 'assignments-by-state.csv')[1]).toEqual([
      '근무 완료',
      'completed',
      '7400',
    ]);
    expect(recordsOf(files, 'refusals-by-rule.csv')[2]).toEqual([
      '이동 시간을 포함하면 다른 배정 근무와 시간이 겹칩니다.',
      'schedule_overlap',
      '100',
    ]);
  });
});
