/**
 * 예금주 조회: bank code + account number → the holder's name, as Popbill's AccountCheckService
 * (성명조회, `POST /EasyFin/AccountCheck?c=&n=`) answers it. The Popbill client comes in a later
 * issue; until one is bound to {@link BANK_ACCOUNT_VERIFIER}, the verify route answers 503.
 */
export const BANK_ACCOUNT_VERIFIER = Symbol('BANK_ACCOUNT_VERIFIER');

export interface BankAccountQuery {
  /**
   * The 3-digit Korean bank code (금융기관 코드: `004` 국민, `088` 신한, `011` 농협). Popbill
   * spells it with 4 digits (`0004`); its client pads.
   */
  bankCode: string;
  /** Digits only. */
  accountNumber: string;
}

/**
 * Popbill's AccountCheckInfo. A mismatch or an unknown account is an answer (HTTP 200 with a
 * non-success `result`), not an error: `found` is false and `holderName` undefined. The client
 * throws only when it could not ask (auth, points, network).
 */
export interface BankAccountCheck {
  found: boolean;
  /** `accountName`: the holder's name as the bank has it (some banks shorten it). */
  holderName: string | undefined;
  /** `result` (older `resultCode`) and `resultMessage`, verbatim. */
  result: string;
  resultMessage: string;
  /** `checkDate`/`checkDT`: when the bank answered. */
  checkedAt: Date;
}

export interface BankAccountVerifier {
  /** The provider's name, stored as the verification method (`popbill`). */
  readonly method: 'popbill';
  check(query: BankAccountQuery): Promise<BankAccountCheck>;
}
