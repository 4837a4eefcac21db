/**
 * The small lists the generated data is drawn from. Every value is made up: names are common
 * syllables put together, numbers are random, and nothing here is a real person's data.
 */

export const SURNAMES = [
  '김',
  '이',
  '박',
  '최',
  '정',
  '강',
  '조',
  '윤',
  '장',
  '임',
  '한',
  '오',
  '서',
  '신',
  '권',
  '황',
] as const;

export const GIVEN_SYLLABLES = [
  '민',
  '서',
  '지',
  '현',
  '준',
  '우',
  '예',
  '도',
  '하',
  '윤',
  '수',
  '연',
  '진',
  '영',
  '재',
  '은',
  '성',
  '혜',
  '태',
  '유',
] as const;

/**
 * 시도: the names the old client wrote (short and full), the 2-digit codes an admin script wrote,
 * and a few of each one's 시군구 for addresses that read as real places.
 */
export const SIDO = [
  {
    short: '서울',
    full: '서울특별시',
    code: '11',
    districts: ['종로구', '마포구', '강남구', '송파구'],
  },
  { short: '부산', full: '부산광역시', code: '26', districts: ['해운대구', '부산진구', '사하구'] },
  { short: '대구', full: '대구광역시', code: '27', districts: ['수성구', '달서구', '북구'] },
  { short: '인천', full: '인천광역시', code: '28', districts: ['연수구', '남동구', '부평구'] },
  { short: '광주', full: '광주광역시', code: '29', districts: ['서구', '북구', '광산구'] },
  { short: '대전', full: '대전광역시', code: '30', districts: ['유성구', '서구', '중구'] },
  { short: '울산', full: '울산광역시', code: '31', districts: ['남구', '중구', '울주군'] },
  { short: '세종', full: '세종특별자치시', code: '36', districts: ['한솔동', '조치원읍'] },
  {
    short: '경기',
    full: '경기도',
    code: '41',
    districts: ['수원시 팔달구', '성남시 분당구', '고양시 일산동구', '화성시'],
  },
  { short: '충북', full: '충청북도', code: '43', districts: ['청주시 상당구', '충주시'] },
  { short: '충남', full: '충청남도', code: '44', districts: ['천안시 서북구', '아산시'] },
  { short: '전남', full: '전라남도', code: '46', districts: ['여수시', '순천시', '목포시'] },
  { short: '경북', full: '경상북도', code: '47', districts: ['포항시 남구', '구미시', '경주시'] },
  { short: '경남', full: '경상남도', code: '48', districts: ['창원시 성산구', '김해시', '진주시'] },
  { short: '제주', full: '제주특별자치도', code: '50', districts: ['제주시', '서귀포시'] },
] as const;

export const STREETS = [
  '세종대로',
  '중앙로',
  '시청로',
  '역삼로',
  '공원로',
  '해안로',
  '대학로',
  '시장길',
  '산업로',
  '물류로',
] as const;

export const BUSINESS_KINDS = [
  '카페',
  '식당',
  '편의점',
  '물류센터',
  '베이커리',
  '호텔',
  '마트',
  '웨딩홀',
  '공장',
  '주점',
] as const;

export const BUSINESS_WORDS = [
  '행복',
  '한빛',
  '푸른',
  '새벽',
  '바다',
  '하늘',
  '미소',
  '온누리',
  '다온',
  '별빛',
  '늘봄',
  '초록',
] as const;

export const JOB_TITLES = [
  '홀 서빙',
  '주방 보조',
  '상하차',
  '물류 분류',
  '매장 정리',
  '설거지',
  '바리스타',
  '행사 스태프',
  '객실 정비',
  '포장',
] as const;

/** Bank names as the old client offered them, with their 금융기관 codes. */
export const BANKS = [
  { name: '신한', code: '088' },
  { name: '국민', code: '004' },
  { name: '우리', code: '020' },
  { name: '하나', code: '081' },
  { name: '농협', code: '011' },
  { name: '기업', code: '003' },
  { name: '카카오뱅크', code: '090' },
  { name: '토스뱅크', code: '092' },
] as const;

/** Certificate names as the client offered them; `기타` is one the catalogue does not know. */
export const CERTIFICATES = [
  '보건증',
  '위생교육 이수증',
  '지게차운전기능사',
  '바리스타 자격증',
  '한식조리기능사',
  '요양보호사',
  '1종 보통 운전면허',
] as const;
export const UNKNOWN_CERTIFICATE = '기타';

export const CANCEL_REASONS = [
  '개인 사정',
  '일정 변경',
  '모집 인원 충족',
  '연락 두절',
  '날씨',
] as const;

export const NOTIFICATION_TEXT = {
  match: { title: '근무가 확정되었어요', body: '내일 근무 일정을 확인해 주세요.' },
  apply: { title: '새 지원자가 있어요', body: '지원자 목록을 확인해 주세요.' },
  notice: { title: '서비스 점검 안내', body: '새벽 2시부터 4시까지 점검이 있습니다.' },
} as const;

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;
