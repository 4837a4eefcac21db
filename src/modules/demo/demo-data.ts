import { DAY_MS, HOUR_MS, kstDayKey, kstDayStart } from '../../platform/time/kst.js';
import type { QualificationCode } from '../qualifications/qualifications.js';
import { businessNumberCheckDigit, formatBusinessNumber } from '../businesses/business-number.js';

/**
 * What `cli demo seed` creates: one business with its owner, an operator, four workers (one a
 * minor), a week of shifts and a few assignments. Every person, number and address here is made
 * up; the emails sit under a domain of our own, stable, so a second run finds them.
 */

const DEMO_EMAIL_DOMAIN = 'demo.workmatch.kr';

const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;

export interface DemoStaff {
  key: 'operator';
  email: string;
  role: 'operator';
}

export interface DemoOwner {
  key: 'owner';
  email: string;
  role: 'business';
  /** E.164, as Cognito holds it. */
  phone: string;
}

export interface DemoWorker {
  key: string;
  email: string;
  role: 'worker';
  legalName: string;
  /** The worker profile's form: `010-1000-0011`. */
  phone: string;
  /** The minor's is computed from the day of the run (see {@link minorBirthDate}). */
  birthDate: string | 'minor';
  bank: { bankCode: string; number: string };
  /** A made-up CI (the identity provider's person identifier), unique per worker. */
  ci: string;
  qualifications: readonly QualificationCode[];
}

export const DEMO_OPERATOR: DemoStaff = {
  key: 'operator',
  email: email('operator'),
  role: 'operator',
};

export const DEMO_OWNER: DemoOwner = {
  key: 'owner',
  email: email('owner'),
  role: 'business',
  phone: '+821010000001',
};

export const DEMO_WORKERS: readonly DemoWorker[] = [
  {
    key: 'minjun',
    email: email('minjun'),
    role: 'worker',
    legalName: '김민준',
    phone: '010-1000-0011',
    birthDate: '1996-05-14',
    bank: { bankCode: '004', number: '123401-00-000011' },
    ci: 'DEMOCI-minjun-0000000011',
    qualifications: ['health-certificate'],
  },
  {
    key: 'seoyeon',
    email: email('seoyeon'),
    role: 'worker',
    legalName: '이서연',
    phone: '010-1000-0012',
    birthDate: '1999-11-02',
    bank: { bankCode: '088', number: '110-000-000012' },
    ci: 'DEMOCI-seoyeon-000000012',
    qualifications: ['health-certificate', 'barista'],
  },
  {
    key: 'jihoon',
    email: email('jihoon'),
    role: 'worker',
    legalName: '박지훈',
    phone: '010-1000-0013',
    birthDate: '2002-02-20',
    bank: { bankCode: '020', number: '1002-000-000013' },
    ci: 'DEMOCI-jihoon-0000000013',
    qualifications: [],
  },
  {
    key: 'yuna',
    email: email('yuna'),
    role: 'worker',
    legalName: '최유나',
    phone: '010-1000-0014',
    birthDate: 'minor',
    bank: { bankCode: '011', number: '302-0000-0014-01' },
    ci: 'DEMOCI-yuna-000000000014',
    qualifications: [],
  },
];

/**
 * 17 years and 60 days before the run's KST day: 17 (a minor under the Labor Standards Act)
 * for the whole demo week and the ten months after it.
 */
export function minorBirthDate(now: Date): string {
  const today = kstDayKey(now);
  const year = Number(today.slice(0, 4)) - 17;
  const sameDay = kstDayStart(`${year}${today.slice(4)}`.replace(/-02-29$/, '-02-28'));
  return kstDayKey(sameDay.getTime() - 60 * DAY_MS);
}

export function birthDateOf(worker: DemoWorker, now: Date): string {
  return worker.birthDate === 'minor' ? minorBirthDate(now) : worker.birthDate;
}

/** A made-up registration number, with a valid NTS check digit. */
const BUSINESS_DIGITS = '220880473';

export const DEMO_BUSINESS = {
  name: '한빛케이터링 (데모)',
  businessNumber: formatBusinessNumber(
    `${BUSINESS_DIGITS}${businessNumberCheckDigit(BUSINESS_DIGITS)}`,
  ),
  representativeName: '정하늘',
  openingDate: '2018-04-02',
  address: '서울특별시 강남구 테헤란로 427',
  ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
} as const;

interface Place {
  address: string;
  /** 법정동코드 (10 digits). */
  regionCode: string;
  lat: number;
  lng: number;
}

const PLACES = {
  yeoksam: {
    address: '서울특별시 강남구 테헤란로 427',
    regionCode: '1168010100', // 서울 강남구 역삼동
    lat: 37.5006,
    lng: 127.0364,
  },
  samsung: {
    address: '서울특별시 강남구 영동대로 513',
    regionCode: '1168010500', // 서울 강남구 삼성동
    lat: 37.5115,
    lng: 127.0595,
  },
  pangyo: {
    address: '경기도 성남시 분당구 판교역로 235',
    regionCode: '4113510900', // 경기 성남시 분당구 삼평동
    lat: 37.4005,
    lng: 127.109,
  },
  seogyo: {
    address: '서울특별시 마포구 양화로 160',
    regionCode: '1144012000', // 서울 마포구 서교동
    lat: 37.5552,
    lng: 126.9227,
  },
  jamsil: {
    address: '서울특별시 송파구 올림픽로 240',
    regionCode: '1171010100', // 서울 송파구 잠실동
    lat: 37.5133,
    lng: 127.1001,
  },
  seongsu: {
    address: '서울특별시 성동구 연무장길 56',
    regionCode: '1120011500', // 서울 성동구 성수동2가
    lat: 37.5446,
    lng: 127.0557,
  },
  haeundae: {
    address: '부산광역시 해운대구 해운대해변로 264',
    regionCode: '2635010500', // 부산 해운대구 우동
    lat: 35.1631,
    lng: 129.1635,
  },
} as const satisfies Record<string, Place>;

export interface DemoShift {
  /** The title is also the shift's key: a second run finds the business's shift by it. */
  title: string;
  description: string;
  /** Days after the run's KST day (1 = tomorrow), and the KST hours it runs. */
  day: number;
  startHour: number;
  hours: number;
  place: Place;
  headcount: number;
  hourlyPayKrw: number;
  requiredQualifications: QualificationCode[];
  minimumAge: number;
}

export const DEMO_SHIFTS: readonly DemoShift[] = [
  {
    title: '웨딩홀 연회 서빙',
    description: '하객 식사 서빙과 테이블 정리를 합니다. 검은 바지와 편한 구두를 준비해 주세요.',
    day: 1,
    startHour: 9,
    hours: 6,
    place: PLACES.yeoksam,
    headcount: 4,
    hourlyPayKrw: 12_000,
    requiredQualifications: [],
    minimumAge: 15,
  },
  {
    title: '물류센터 상품 분류 및 포장',
    description: '입고 상품을 분류하고 출고 박스를 포장합니다. 장갑은 현장에서 지급합니다.',
    day: 2,
    startHour: 10,
    hours: 6,
    place: PLACES.pangyo,
    headcount: 5,
    hourlyPayKrw: 11_500,
    requiredQualifications: [],
    minimumAge: 15,
  },
  {
    title: '베이커리 카페 오픈 보조',
    description: '빵 진열과 음료 제조 보조를 합니다. 보건증이 필요합니다.',
    day: 3,
    startHour: 7,
    hours: 5,
    place: PLACES.seogyo,
    headcount: 2,
    hourlyPayKrw: 11_000,
    requiredQualifications: ['health-certificate'],
    minimumAge: 15,
  },
  {
    title: '편의점 야간 근무',
    description: '야간 계산, 물품 입고와 진열을 합니다. 22시부터 다음 날 6시까지입니다.',
    day: 4,
    startHour: 22,
    hours: 8,
    place: PLACES.jamsil,
    headcount: 1,
    hourlyPayKrw: 13_000,
    requiredQualifications: [],
    minimumAge: 15,
  },
  {
    title: '팝업스토어 행사 운영 보조',
    description: '입장 안내와 굿즈 판매를 돕습니다. 밝은 응대가 가능한 분을 찾습니다.',
    day: 5,
    startHour: 11,
    hours: 6,
    place: PLACES.seongsu,
    headcount: 3,
    hourlyPayKrw: 12_500,
    requiredQualifications: [],
    minimumAge: 15,
  },
  {
    title: '호텔 객실 정비',
    description: '체크아웃 객실의 침구 교체와 정리를 합니다. 만 18세 이상만 지원할 수 있습니다.',
    day: 6,
    startHour: 10,
    hours: 5,
    place: PLACES.haeundae,
    headcount: 2,
    hourlyPayKrw: 12_000,
    requiredQualifications: [],
    minimumAge: 18,
  },
  {
    title: '전시회 안내 데스크',
    description: '전시장 입구에서 등록과 안내를 맡습니다. 점심시간 1시간이 포함됩니다.',
    day: 7,
    startHour: 10,
    hours: 8,
    place: PLACES.samsung,
    headcount: 2,
    hourlyPayKrw: 12_000,
    requiredQualifications: [],
    minimumAge: 15,
  },
];

/** The shift's window: `day` KST days after the run's KST day, from `startHour` KST. */
export function shiftWindow(shift: DemoShift, now: Date): { startsAt: Date; endsAt: Date } {
  const startsAt = new Date(
    kstDayStart(kstDayKey(now)).getTime() + shift.day * DAY_MS + shift.startHour * HOUR_MS,
  );
  return { startsAt, endsAt: new Date(startsAt.getTime() + shift.hours * HOUR_MS) };
}

type DemoAssignmentState = 'applied' | 'proposed' | 'confirmed';

export interface DemoAssignment {
  worker: string;
  shift: string;
  /** applied: the worker applied; proposed: the business proposed; confirmed: and accepted. */
  state: DemoAssignmentState;
}

export const DEMO_ASSIGNMENTS: readonly DemoAssignment[] = [
  { worker: 'minjun', shift: '웨딩홀 연회 서빙', state: 'confirmed' },
  { worker: 'yuna', shift: '웨딩홀 연회 서빙', state: 'confirmed' },
  { worker: 'jihoon', shift: '물류센터 상품 분류 및 포장', state: 'applied' },
  { worker: 'seoyeon', shift: '베이커리 카페 오픈 보조', state: 'proposed' },
  { worker: 'minjun', shift: '전시회 안내 데스크', state: 'applied' },
];
