/**
 * The qualifications a shift may require and a worker may hold: a closed catalogue, so a code is
 * always one of these (never free text that could carry personal data), and a shift's
 * requirement and a worker's certificate always spell the same thing the same way. Adding one is
 * a code change, reviewed like any other.
 */
const QUALIFICATIONS = {
  'health-certificate': { ko: '보건증 (건강진단결과서)', en: 'Health certificate' },
  'food-hygiene-training': { ko: '위생교육 이수증', en: 'Food hygiene training' },
  'construction-safety-training': {
    ko: '건설업 기초안전보건교육 이수증',
    en: 'Construction basic safety training',
  },
  'security-guard-training': { ko: '경비원 신임교육 이수증', en: 'Security guard training' },
  forklift: { ko: '지게차운전기능사', en: 'Forklift operator licence' },
  'driver-license-class-1': { ko: '1종 보통 운전면허', en: 'Driving licence, class 1' },
  'driver-license-class-2': { ko: '2종 보통 운전면허', en: 'Driving licence, class 2' },
  'fire-safety-manager': { ko: '소방안전관리자', en: 'Fire safety manager' },
  'first-aid': { ko: '응급처치 교육 이수증', en: 'First aid training' },
  'care-worker': { ko: '요양보호사', en: 'Care worker' },
  'cook-korean': { ko: '한식조리기능사', en: 'Korean cuisine cook' },
  barista: { ko: '바리스타 자격증', en: 'Barista' },
} as const satisfies Record<string, { ko: string; en: string }>;

export type QualificationCode = keyof typeof QUALIFICATIONS;
export const QUALIFICATION_CODES = Object.keys(QUALIFICATIONS) as [
  QualificationCode,
  ...QualificationCode[],
];

/** The code of a qualification by its Korean name as written (`보건증`, `지게차운전기능사`), if any. */
export function qualificationByKoreanName(name: string): QualificationCode | undefined {
  const wanted = name.normalize('NFC').replaceAll(/\s+/g, '');
  for (const [code, label] of Object.entries(QUALIFICATIONS)) {
    const ko = label.ko.normalize('NFC').replaceAll(/\s+/g, '');
    // The catalogue's names carry a gloss in parentheses (`보건증 (건강진단결과서)`).
    if (ko === wanted || ko.replace(/\(.*\)$/, '') === wanted) return code as QualificationCode;
  }
  return undefined;
}
