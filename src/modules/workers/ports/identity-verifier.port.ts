/**
 * 본인인증 (mobile identity verification) through NICE or Danal. Both are browser flows: `start`
 * prepares what the browser posts to the provider's window, the provider sends the browser back,
 * and `confirm` turns what came back into the verified person (NICE: decrypt `enc_data` after
 * checking `integrity_value`; Danal: the CONFIRM call with the TID). The provider clients come in
 * `src/integrations/nice|danal`; until one is bound to {@link IDENTITY_VERIFIER}, routes needing it answer 503.
 */
export const IDENTITY_VERIFIER = Symbol('IDENTITY_VERIFIER');

export type IdentityProvider = 'nice' | 'danal';

export interface IdentityVerificationStart {
  /**
   * The provider the caller prefers; the bound verifier starts with another while this one is
   * failing (the session says which). Without it, the configured order decides.
   */
  provider?: IdentityProvider;
  /** Our request number (NICE `requestno` ≤ 30 chars, Danal `ORDERID`); echoed back. */
  requestId: string;
  /** Where the provider returns the browser (NICE `returnurl`, Danal `TARGETURL`). */
  returnUrl: string;
}

export interface IdentityVerificationSession {
  provider: IdentityProvider;
  /** What identifies the session at `confirm`: NICE `token_version_id`, Danal `TID`. */
  transactionId: string;
  /** The form the browser auto-submits to the provider's window. */
  form: { action: string; method: 'POST'; fields: Record<string, string> };
  /** After this the session cannot be confirmed (NICE token `period`, Danal TID expiry). */
  expiresAt: Date;
  /**
   * What the client needs back at `confirm` (NICE: what derives the session's AES key and HMAC
   * key), opaque to the caller. Key material: the caller stores it encrypted with the session and
   * passes it back, so a callback may reach another task or come after a restart.
   */
  secret?: string;
}

export interface IdentityVerificationCallback {
  provider: IdentityProvider;
  transactionId: string;
  /**
   * What the provider sent back through the browser, as received: NICE `token_version_id`,
   * `enc_data`, `integrity_value` (GET or POST); Danal `TID` and the bypass fields.
   */
  fields: Record<string, string>;
  /** The session's `secret` as `start` returned it. */
  secret?: string;
}

/** The person the provider verified. */
export interface VerifiedIdentity {
  provider: IdentityProvider;
  /** NICE `utf8_name` (URL-decoded), Danal `NAME`. */
  name: string;
  /** `YYYY-MM-DD` (NICE `birthdate` and Danal `DOB` are YYYYMMDD; Danal `IDEN` YYMMDD+digit). */
  birthDate: string;
  gender?: 'male' | 'female';
  /** Domestic (내국인) or foreign (외국인): NICE `nationalinfo`. */
  nationality?: 'domestic' | 'foreign';
  /** NICE `mobileno`, Danal `PHONE`. */
  phone: string;
  /** 연계정보: 88-char base64, the same for the person across services. */
  ci: string;
  /** 중복가입확인정보: per site. */
  di: string;
  /** The provider's reference for the verification (NICE `responseno`, Danal `TID`). */
  reference: string;
}

/**
 * The provider refused or failed the verification (NICE `resultcode` ≠ 0000 or `rsp_cd` ≠ P000,
 * Danal `RETURNCODE` ≠ 0000); `providerCode` is the provider's code verbatim.
 */
export class IdentityVerificationFailed extends Error {
  constructor(
    readonly provider: IdentityProvider,
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityVerificationFailed';
  }
}

export interface IdentityVerifier {
  start(request: IdentityVerificationStart): Promise<IdentityVerificationSession>;
  /** Rejects with {@link IdentityVerificationFailed} when the provider did not verify anyone. */
  confirm(callback: IdentityVerificationCallback): Promise<VerifiedIdentity>;
}
