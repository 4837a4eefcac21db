import type { NtsStatus } from './business-facts.js';

/**
 * The National Tax Service register (국세청 사업자등록정보 진위확인 및 상태조회, the public data
 * portal's `nts-businessman/v1` API): `lookup` is its `POST /status`, `validate` its
 * `POST /validate`. The NTS client comes in a later issue; until one is bound to
 * {@link BUSINESS_REGISTRY} the routes needing it answer 503 `registry_unavailable`. The API's
 * batches of up to 100 are the client's business.
 *
 * Rejects only when the register could not be asked (auth, quota, network, `status_code` other
 * than `OK`); an unregistered number or a mismatch is an answer.
 */
export const BUSINESS_REGISTRY = Symbol('BUSINESS_REGISTRY');

/** A `/status` data item, in our terms. */
export interface BusinessStatus {
  /** `b_stt_cd`: `01` 계속사업자 → active, `02` 휴업자 → suspended, `03` 폐업자 → closed. */
  status: NtsStatus;
  /** `tax_type`, verbatim (`부가가치세 일반과세자`, `부가가치세 간이과세자`, `면세사업자`, …). */
  taxType: string;
  /** `end_dt` (폐업일) as `YYYY-MM-DD`, for closed businesses. */
  closedAt?: string;
}

/** A `/validate` item: what the owner says about the business, checked against the register. */
export interface BusinessAuthenticityQuery {
  /** `b_no`: ten digits, no hyphens. */
  businessNumber: string;
  /** `p_nm`: 대표자 성명, as on the registration certificate. */
  representativeName: string;
  /** `start_dt` (개업일자) as `YYYY-MM-DD`; the client sends `YYYYMMDD`. */
  openingDate: string;
}

/**
 * The `/validate` answer: `valid` `01` (일치) → `valid` with the status object the register
 * includes; `02` (불일치, "확인할 수 없습니다") → `invalid`, and the register says no more.
 */
type BusinessAuthenticity =
  | { result: 'valid'; status: BusinessStatus | undefined }
  | { result: 'invalid'; message: string | undefined };

export interface BusinessRegistry {
  /**
   * The business's status at the NTS; undefined when the number is not registered (the API's
   * empty `b_stt_cd` with `tax_type` "국세청에 등록되지 않은 사업자등록번호입니다").
   */
  lookup(businessNumber: string): Promise<BusinessStatus | undefined>;
  /**
   * Many numbers at once (the daily re-check): by number, undefined for one the register does not
   * know. The client splits them into the API's batches of 100.
   */
  lookupMany(businessNumbers: readonly string[]): Promise<Map<string, BusinessStatus | undefined>>;
  /** Whether number, representative and opening date match the register (진위확인). */
  validate(query: BusinessAuthenticityQuery): Promise<BusinessAuthenticity>;
}
