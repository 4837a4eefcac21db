/**
 * Where a shift is, as a Korean administrative code (행정표준코드 법정동코드): 10 digits, read as
 * 시도 (2) + 시군구 (3) + 읍면동 (3) + 리 (2), e.g. `1168010100` = 서울특별시 강남구 역삼동.
 *
 * A shift's place stores the full 10-digit code (its most precise area; zeros where a level does
 * not apply, e.g. `1168000000` for 강남구 as a whole). Browsing filters by a prefix of 2 (시도),
 * 5 (시군구), 8 (읍면동) or 10 digits, so "all of Seoul" is `11` and "강남구" is `11680`.
 */
const REGION_CODE = /^\d{10}$/;
const REGION_PREFIX = /^(?:\d{2}|\d{5}|\d{8}|\d{10})$/;

/**
 * The 시도 codes in use (2026), including 강원특별자치도 (51, was 42) and 전북특별자치도 (52, was
 * 45); the old codes stay valid because addresses recorded before the change still carry them.
 */
const SIDO_NAMES: ReadonlyMap<string, string> = new Map([
  ['11', '서울특별시'],
  ['26', '부산광역시'],
  ['27', '대구광역시'],
  ['28', '인천광역시'],
  ['29', '광주광역시'],
  ['30', '대전광역시'],
  ['31', '울산광역시'],
  ['36', '세종특별자치시'],
  ['41', '경기도'],
  ['42', '강원도'], // until 2023-06
  ['43', '충청북도'],
  ['44', '충청남도'],
  ['45', '전라북도'], // until 2024-01
  ['46', '전라남도'],
  ['47', '경상북도'],
  ['48', '경상남도'],
  ['50', '제주특별자치도'],
  ['51', '강원특별자치도'],
  ['52', '전북특별자치도'],
]);
const SIDO_CODES: ReadonlySet<string> = new Set(SIDO_NAMES.keys());

/** The 시도 of a region code (its first two digits) and its Korean name; `기타` when unknown. */
export function sidoOf(regionCode: string): { code: string; name: string } {
  const code = regionCode.slice(0, 2);
  return { code, name: SIDO_NAMES.get(code) ?? '기타' };
}

export function isRegionCode(value: string): boolean {
  return REGION_CODE.test(value) && SIDO_CODES.has(value.slice(0, 2));
}

export function isRegionPrefix(value: string): boolean {
  return REGION_PREFIX.test(value) && SIDO_CODES.has(value.slice(0, 2));
}

/** The codes a prefix covers, as a string range an index can walk: `[1168000000, 1168099999]`. */
export function regionRange(prefix: string): { gte: string; lte: string } {
  return { gte: prefix.padEnd(10, '0'), lte: prefix.padEnd(10, '9') };
}

/**
 * Korea's extent, generously (마라도 33.11°N to 38.61°N at the DMZ; 124.6°E at 백령도 to
 * 131.87°E at 독도), so a point with swapped or garbled coordinates is refused.
 */
export const KOREA_BOUNDS = { minLat: 33.0, maxLat: 38.7, minLng: 124.5, maxLng: 132.0 } as const;
