import type {
  BusinessActivity,
  DailyActivity,
  HeadlineFigure,
  MonthlyReport,
  RegionActivity,
} from '../monthly-report.js';

/**
 * Hand-made monthly reports for the report files' specs: November 2026 (30 days), figures chosen
 * so a reader can check each rendered value by eye.
 */

/** A business id with a comma and quotes: the CSV files must quote it and give it back intact. */
export const AWKWARD_BUSINESS_ID = 'biz-7,"east"';

const figure = (
  key: HeadlineFigure['key'],
  label: string,
  unit: HeadlineFigure['unit'],
  value: number,
  previous: number | null,
): HeadlineFigure => ({
  key,
  label,
  unit,
  value,
  previous,
  change: previous ? (value - previous) / previous : null,
});

const HEADLINE: HeadlineFigure[] = [
  figure('signUps', '신규 가입', 'count', 1250, 1000),
  figure('identityVerified', '본인인증 완료', 'count', 900, 800),
  figure('bankAccountsVerified', '계좌 인증 완료', 'count', 850, 850),
  figure('businessesVerified', '사업자 인증 완료', 'count', 40, 50),
  figure('shiftsPosted', '등록된 근무', 'count', 3200, 3000),
  figure('headcountOffered', '모집 인원', 'count', 9600, 9000),
  figure('headcountFilled', '충원 인원', 'count', 7800, 6750),
  figure('fillRate', '충원율', 'rate', 0.8125, 0.75),
  figure('applications', '지원', 'count', 15000, null),
  figure('assignmentsCompleted', '완료된 배정', 'count', 7400, 6500),
  figure('noShowRate', '노쇼율', 'rate', 0.025, 0.03),
  figure('lateCancellationRate', '직전 취소율', 'rate', 0.04, 0),
  figure('hoursWorked', '근무 시간', 'hours', 59200.5, 52000),
  figure('grossPayKrw', '지급액', 'krw', 612345678, 540000000),
  figure('eligibilityRefusals', '자격 미달', 'count', 320, 300),
];

/** The 17 시/도 by their 법정동코드 prefix. */
const REGIONS: [code: string, name: string][] = [
  ['11', '서울특별시'],
  ['41', '경기도'],
  ['26', '부산광역시'],
  ['28', '인천광역시'],
  ['27', '대구광역시'],
  ['30', '대전광역시'],
  ['29', '광주광역시'],
  ['31', '울산광역시'],
  ['36', '세종특별자치시'],
  ['51', '강원특별자치도'],
  ['43', '충청북도'],
  ['44', '충청남도'],
  ['52', '전북특별자치도'],
  ['46', '전라남도'],
  ['47', '경상북도'],
  ['48', '경상남도'],
  ['50', '제주특별자치도'],
];

/** Activity that shrinks with the rank, so "most first" holds. */
function activity(rank: number, scale: number) {
  const shifts = Math.max(1, Math.round(scale / (rank + 1)));
  const headcountOffered = shifts * 3;
  const filled = Math.round(headcountOffered * (0.9 - rank * 0.02));
  return {
    shifts,
    headcountOffered,
    filled,
    fillRate: filled / headcountOffered,
    hoursWorked: filled * 7.5,
    grossPayKrw: filled * 7.5 * 10_030,
  };
}

function days(count: number): DailyActivity[] {
  return Array.from({ length: count }, (_, i) => ({
    day: `2026-11-${String(i + 1).padStart(2, '0')}`,
    shiftsStarting: 80 + ((i * 7) % 40),
    assignmentsCompleted: 200 + ((i * 13) % 90),
    noShows: (i * 3) % 9,
  }));
}

interface ReportSize {
  /** How many 시/도 have activity (1–17); 3 unless told. */
  regions?: number;
  /** How many businesses are listed (the report lists at most 20); 3 unless told. */
  businesses?: number;
}

/** A month with activity; its first business is {@link AWKWARD_BUSINESS_ID}. */
export function monthlyReport(size: ReportSize = {}): MonthlyReport {
  const byRegion: RegionActivity[] = REGIONS.slice(0, size.regions ?? 3).map(
    ([code, name], rank) => ({ code, name, ...activity(rank, 1200) }),
  );
  const topBusinesses: BusinessActivity[] = Array.from(
    { length: size.businesses ?? 3 },
    (_, rank) => ({
      businessId: rank === 0 ? AWKWARD_BUSINESS_ID : `biz-${100 + rank}`,
      ...activity(rank, 90),
    }),
  );
  return {
    month: '2026-11',
    generatedAt: '2026-12-01T00:05:00.000Z',
    empty: false,
    headline: HEADLINE.map((f) => ({ ...f })),
    signUpsByRole: [
      { role: 'worker', count: 1180 },
      { role: 'business', count: 68 },
      { role: 'operator', count: 2 },
    ],
    verifications: [
      { kind: 'identity', verified: 900, refused: 100, rate: 0.9 },
      { kind: 'bank_account', verified: 850, refused: 150, rate: 0.85 },
      { kind: 'business', verified: 0, refused: 0, rate: null },
    ],
    assignmentsByState: [
      { state: 'completed', count: 7400 },
      { state: 'no_show', count: 190 },
      { state: 'cancelled', count: 410 },
      { state: 'confirmed', count: 35 },
    ],
    byRegion,
    topBusinesses,
    refusalsByRule: [
      { rule: 'weekly_hours_exceeded', count: 200 },
      { rule: 'schedule_overlap', count: 100 },
      { rule: 'rule_from_the_future', count: 20 },
    ],
    daily: days(30),
  };
}

/** A month without any activity: zeros against a month that had some, empty breakdowns. */
export function emptyMonthlyReport(): MonthlyReport {
  return {
    ...monthlyReport(),
    empty: true,
    headline: HEADLINE.map((f) => ({
      ...f,
      value: 0,
      change: f.previous ? -1 : null,
    })),
    signUpsByRole: [],
    verifications: [],
    assignmentsByState: [],
    byRegion: [],
    topBusinesses: [],
    refusalsByRule: [],
    daily: days(30).map((d) => ({ ...d, shiftsStarting: 0, assignmentsCompleted: 0, noShows: 0 })),
  };
}
