/**
 * The eligibility rules: stable codes, their messages, and the fixed order in which a verdict
 * lists them. Codes are part of the API (clients and stored verdicts name them): add new ones,
 * never rename. Messages carry no numbers (the policy's numbers are configurable); each failure's
 * `data` says what failed.
 */

export interface RuleDescription {
  code: string;
  message: { ko: string; en: string };
  /** What the failure's `data` holds. */
  data: string;
}

const RULES = [
  {
    code: 'worker_not_active',
    message: {
      ko: '근무자 계정이 활동 상태가 아닙니다.',
      en: 'The worker is not active.',
    },
    data: 'workerId, status',
  },
  {
    code: 'identity_not_verified',
    message: {
      ko: '본인인증이 완료되지 않았습니다.',
      en: "The worker's identity is not verified.",
    },
    data: 'workerId',
  },
  {
    code: 'bank_account_missing',
    message: {
      ko: '급여 계좌가 등록되지 않았습니다.',
      en: 'No payout bank account is registered.',
    },
    data: 'workerId',
  },
  {
    code: 'bank_account_not_verified',
    message: {
      ko: '급여 계좌가 인증되지 않았습니다.',
      en: 'The payout bank account is not verified.',
    },
    data: 'workerId',
  },
  {
    code: 'bank_account_holder_mismatch',
    message: {
      ko: '계좌 예금주가 근무자의 실명과 일치하지 않습니다.',
      en: "The bank account holder does not match the worker's legal name.",
    },
    data: 'workerId',
  },
  {
    code: 'birth_date_unknown',
    message: {
      ko: '생년월일을 알 수 없어 나이를 확인할 수 없습니다.',
      en: "The worker's birth date is unknown, so their age cannot be checked.",
    },
    data: 'workerId',
  },
  {
    code: 'below_legal_minimum_age',
    message: {
      ko: '근무 시작 시점에 법정 최저 근로 연령에 미달합니다.',
      en: 'The worker is under the legal minimum working age at the shift start.',
    },
    data: 'age, minimumAge, shiftStartDay (KST)',
  },
  {
    code: 'below_shift_minimum_age',
    message: {
      ko: '근무 시작 시점에 이 근무의 최소 연령에 미달합니다.',
      en: "The worker is under the shift's minimum age at the shift start.",
    },
    data: 'age, minimumAge, shiftStartDay (KST)',
  },
  {
    code: 'minor_daily_hours_exceeded',
    message: {
      ko: '연소근로자의 1일 근로시간 한도를 초과합니다.',
      en: "The hours in a KST day would exceed a minor's daily limit.",
    },
    data: 'age, maxHours, days: [{ day (KST), hours }]',
  },
  {
    code: 'minor_weekly_hours_exceeded',
    message: {
      ko: '연소근로자의 주간 근로시간 한도를 초과합니다.',
      en: "The hours in a Monday–Sunday KST week would exceed a minor's weekly limit.",
    },
    data: 'age, maxHours, weeks: [{ weekStart (KST Monday), hours }]',
  },
  {
    code: 'minor_night_work',
    message: {
      ko: '연소근로자는 야간 시간대에 근무할 수 없습니다.',
      en: 'Minors may not work during the night hours (KST).',
    },
    data: 'age, nightStartHour, nightEndHour, nightMinutes',
  },
  {
    code: 'schedule_overlap',
    message: {
      ko: '이동 시간을 포함하면 다른 배정 근무와 시간이 겹칩니다.',
      en: "The shift overlaps another of the worker's assignments (travel buffer included).",
    },
    data: 'travelBufferMinutes, conflicts: [{ assignmentId, shiftId, status, startsAt, endsAt }]',
  },
  {
    code: 'weekly_hours_exceeded',
    message: {
      ko: '주간 근로시간 한도를 초과합니다.',
      en: 'The hours in a Monday–Sunday KST week would exceed the weekly limit.',
    },
    data: 'maxHours, weeks: [{ weekStart (KST Monday), hours }]',
  },
  {
    code: 'insufficient_rest',
    message: {
      ko: '근무일 사이의 최소 휴식시간이 부족합니다.',
      en: "The rest between this shift's working day and another working day is too short.",
    },
    data: 'minimumRestHours, gaps: [{ side (before|after), assignmentId, shiftId, restHours }]',
  },
  {
    code: 'daily_hours_exceeded',
    message: {
      ko: '1일 근로시간 한도를 초과합니다.',
      en: 'The hours in a KST day would exceed the daily limit.',
    },
    data: 'maxHours, days: [{ day (KST), hours }]',
  },
  {
    code: 'worker_blocked',
    message: {
      ko: '이 사업장이 차단한 근무자입니다.',
      en: 'The business has blocked this worker.',
    },
    data: 'businessId, workerId',
  },
  {
    code: 'business_not_verified',
    message: {
      ko: '사업자 등록이 확인되지 않았습니다.',
      en: "The business's registration is not verified.",
    },
    data: 'businessId',
  },
  {
    code: 'business_not_active',
    message: {
      ko: '국세청 기준 계속사업자로 확인되지 않았습니다.',
      en: 'The business is not confirmed active at the NTS.',
    },
    data: 'businessId, ntsStatus (null when never checked)',
  },
  {
    code: 'shift_not_open',
    message: {
      ko: '모집 중인 근무가 아닙니다.',
      en: 'The shift is not open.',
    },
    data: 'shiftId, status',
  },
  {
    code: 'shift_already_started',
    message: {
      ko: '이미 시작된 근무입니다.',
      en: 'The shift has already started.',
    },
    data: 'shiftId, startsAt, evaluatedAt',
  },
  {
    code: 'shift_full',
    message: {
      ko: '모집 인원이 모두 찼습니다.',
      en: 'The shift is full.',
    },
    data: 'shiftId, headcount, filled',
  },
  {
    code: 'already_on_shift',
    message: {
      ko: '이미 이 근무에 배정되어 있습니다.',
      en: 'The worker is already on this shift.',
    },
    data: 'shiftId, assignmentId',
  },
  {
    code: 'qualification_missing',
    message: {
      ko: '근무에 필요한 자격을 보유하고 있지 않습니다.',
      en: 'The worker does not hold a qualification the shift requires.',
    },
    data: 'missing: [code]',
  },
  {
    code: 'qualification_expired',
    message: {
      ko: '근무에 필요한 자격이 근무 종료 전에 만료됩니다.',
      en: 'A qualification the shift requires expires before the shift ends.',
    },
    data: 'shiftEndsAt, expired: [{ code, expiresAt }]',
  },
  {
    code: 'too_many_no_shows',
    message: {
      ko: '최근 기간 내 노쇼 횟수가 한도에 도달했습니다.',
      en: 'The worker has too many no-shows in the recent window.',
    },
    data: 'noShows, maxNoShows, windowDays',
  },
] as const satisfies readonly RuleDescription[];

export type RuleCode = (typeof RULES)[number]['code'];

const MESSAGES = new Map<RuleCode, { ko: string; en: string }>(
  RULES.map((rule) => [rule.code, rule.message]),
);

/** A fresh copy of a rule's messages (verdicts are handed out; the catalogue stays intact). */
export function messageOf(code: RuleCode): { ko: string; en: string } {
  const message = MESSAGES.get(code);
  if (!message) throw new Error(`unknown eligibility rule ${code}`);
  return { ko: message.ko, en: message.en };
}

/** Every rule in verdict order, for documentation and clients. */
export function describeRules(): RuleDescription[] {
  return RULES.map((rule) => ({ code: rule.code, message: { ...rule.message }, data: rule.data }));
}

/**
 * The terms the time rules use, stated once for docs/eligibility-rules.md (the engine's header
 * comment in evaluate.ts says the same, next to the code that applies them).
 */
export const TIME_DEFINITIONS: readonly { term: string; definition: string }[] = [
  {
    term: 'KST day, KST week',
    definition:
      'Calendar days in Asia/Seoul (UTC+9, no daylight saving); weeks run Monday 00:00 to Sunday 24:00 KST.',
  },
  {
    term: 'Working day (근무일)',
    definition:
      'The KST day on which a shift starts: a shift that crosses midnight belongs wholly to the day ' +
      "it starts. A worker's working day D is every shift of theirs that starts on D; its span runs " +
      'from the earliest start to the latest end of those shifts. Two shifts on one KST day separated ' +
      'by a break (a split shift, the travel buffer respected) are one working day: the daily-hours ' +
      'limit governs them, not the rest rule.',
  },
  {
    term: 'Rest (`insufficient_rest`)',
    definition:
      "Between working days: from the latest end of any earlier working day to the start of this shift's " +
      'working day, and from its end to the earliest start of any later working day, each at least ' +
      '`minimumRestHours`. The span includes this shift and every other shift of the same working day.',
  },
  {
    term: 'Overlap (`schedule_overlap`)',
    definition:
      'Another assignment that comes within `travelBufferMinutes` of the shift on either side ' +
      '(touching at exactly the buffer is fine). It is reported as an overlap only, and counts for ' +
      'neither the rest rule nor a working day span.',
  },
  {
    term: 'Hours (`daily_hours_exceeded`, `weekly_hours_exceeded`, minors)',
    definition:
      'Each KST day and week the shift has a minute in: its minutes there plus every other ' +
      "assignment's minutes there, exactly (minutes / 60). Over the limit fails; at it passes.",
  },
];
