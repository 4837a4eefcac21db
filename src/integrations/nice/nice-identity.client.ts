import { ProviderBadResponseError } from '../../platform/providers/provider-errors.js';
import {
  IdentityVerificationFailed,
  type IdentityVerificationCallback,
  type IdentityVerificationSession,
  type IdentityVerificationStart,
  type IdentityVerifier,
  type VerifiedIdentity,
} from '../../modules/workers/ports/identity-verifier.port.js';
import { NiceApi, type NiceApiOptions } from './nice-api.js';
import { niceDecrypt, niceEncrypt, niceIntegrity, niceIntegrityMatches } from './nice-crypto.js';

export interface NiceIdentityOptions extends NiceApiOptions {
  /** The 본인확인 product id (상품코드) of the app. */
  productId: string;
  /** NICE's standard window, `https://nice.checkplus.co.kr/CheckPlusSafeModel/service.cb`. */
  windowUrl: string;
  /** `authtype` preselected in the window (`M` phone …; [P]); empty lets the person choose. */
  authType?: string;
  /** An existing API (token cache, gateway) to share with the other NICE product. */
  api?: NiceApi;
}

/**
 * What confirm needs of the start, handed to the caller as the session's `secret`. Chosen over
 * keeping key/iv/hmacKey in this process: the browser may come back to another API task or
 * after a restart, and the caller already keeps the session with the worker. We hand back the
 * derivation inputs, not the keys: they are as secret (token_val derives the keys), no larger,
 * and re-deriving checks the session against the token it was issued for. The caller must store
 * the secret encrypted (workers.policy `identitySessionSecret`).
 */
interface NiceSessionSecret {
  v: 1;
  reqDtim: string;
  reqNo: string;
  tokenVal: string;
  tokenVersionId: string;
  /** Epoch ms after which the crypto token's `period` is over. */
  expiresAt: number;
}

const GENDERS: Record<string, VerifiedIdentity['gender']> = { '1': 'male', '0': 'female' };
const NATIONALITIES: Record<string, VerifiedIdentity['nationality']> = {
  '0': 'domestic',
  '1': 'foreign',
};

/** NICE 본인확인 (NICE API 통합형, the standard window) behind {@link IdentityVerifier}. */
export class NiceIdentityClient implements IdentityVerifier {
  readonly api: NiceApi;
  private readonly now: () => Date;

  constructor(private readonly options: NiceIdentityOptions) {
    this.api = options.api ?? new NiceApi(options);
    this.now = options.now ?? (() => new Date());
  }

  async start(request: IdentityVerificationStart): Promise<IdentityVerificationSession> {
    const issuedAt = this.now().getTime();
    const token = await this.api.cryptoToken(this.options.productId, request.requestId);
    const keys = NiceApi.keysOf(token);
    const plain = JSON.stringify({
      requestno: request.requestId,
      returnurl: request.returnUrl,
      sitecode: token.siteCode,
      ...(this.options.authType ? { authtype: this.options.authType } : {}),
      // A full-page window: in-app browsers lose popups (providers.md §1.1 Step D).
      popupyn: 'N',
    });
    const encData = niceEncrypt(keys, plain);
    const expiresAt = issuedAt + token.period * 1000;
    const secret: NiceSessionSecret = {
      v: 1,
      reqDtim: token.reqDtim,
      reqNo: token.reqNo,
      tokenVal: token.tokenVal,
      tokenVersionId: token.tokenVersionId,
      expiresAt,
    };
    return {
      provider: 'nice',
      transactionId: token.tokenVersionId,
      form: {
        action: this.options.windowUrl,
        method: 'POST',
        fields: {
          m: 'service',
          token_version_id: token.tokenVersionId,
          enc_data: encData,
          integrity_value: niceIntegrity(keys, encData),
        },
      },
      expiresAt: new Date(expiresAt),
      secret: JSON.stringify(secret),
    };
  }

  /**
   * Checks the integrity value (constant time) before anything is decrypted, then that the
   * result belongs to this session's request number. Reads no network: NICE sent the result
   * through the browser.
   */
  async confirm(callback: IdentityVerificationCallback): Promise<VerifiedIdentity> {
    const secret = parseSecret(callback.secret);
    const fields = callback.fields;
    if (
      fields.token_version_id !== secret.tokenVersionId ||
      callback.transactionId !== secret.tokenVersionId
    ) {
      throw new ProviderBadResponseError('nice', 'token_version_id of another session');
    }
    if (this.now().getTime() > secret.expiresAt) {
      throw new IdentityVerificationFailed('nice', 'expired', 'The NICE session expired.');
    }
    const encData = fields.enc_data;
    const integrity = fields.integrity_value;
    if (!encData || !integrity)
      throw new ProviderBadResponseError('nice', 'callback without enc_data');
    const keys = NiceApi.keysOf(secret);
    if (!niceIntegrityMatches(keys, encData, integrity)) {
      throw new ProviderBadResponseError('nice', 'integrity_value mismatch');
    }
    const plain = niceDecrypt(keys, encData);
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(plain?.toString('utf8') ?? '') as Record<string, unknown>;
    } catch {
      throw new ProviderBadResponseError('nice', 'enc_data does not decrypt to JSON');
    }
    if (result.requestno !== secret.reqNo) {
      throw new ProviderBadResponseError('nice', 'requestno of another request');
    }
    if (result.resultcode !== '0000') {
      const code = typeof result.resultcode === 'string' ? result.resultcode : 'missing';
      throw new IdentityVerificationFailed('nice', code, `NICE did not verify (code ${code}).`);
    }
    return toIdentity(result);
  }
}

function parseSecret(secret: string | undefined): NiceSessionSecret {
  try {
    const parsed = JSON.parse(secret ?? '') as NiceSessionSecret;
    if (parsed.v === 1 && typeof parsed.tokenVal === 'string') return parsed;
  } catch {
    // falls through
  }
  // Our own state, not NICE's answer: a caller that lost it cannot confirm.
  throw new IdentityVerificationFailed('nice', 'session_lost', 'The NICE session is unknown.');
}

function field(result: Record<string, unknown>, name: string): string {
  const value = result[name];
  if (typeof value !== 'string' || value === '') {
    throw new ProviderBadResponseError('nice', `result without ${name}`);
  }
  return value;
}

function toIdentity(result: Record<string, unknown>): VerifiedIdentity {
  let name: string;
  try {
    name = decodeURIComponent(field(result, 'utf8_name').replaceAll('+', ' '));
  } catch (error) {
    if (error instanceof ProviderBadResponseError) throw error;
    throw new ProviderBadResponseError('nice', 'utf8_name is not URL-encoded UTF-8');
  }
  const birth = /^(\d{4})(\d{2})(\d{2})$/.exec(field(result, 'birthdate'));
  if (!birth) throw new ProviderBadResponseError('nice', 'birthdate is not YYYYMMDD');
  const gender = GENDERS[String(result.gender)];
  const nationality = NATIONALITIES[String(result.nationalinfo)];
  return {
    provider: 'nice',
    name,
    birthDate: `${birth[1]}-${birth[2]}-${birth[3]}`,
    ...(gender ? { gender } : {}),
    ...(nationality ? { nationality } : {}),
    phone: field(result, 'mobileno'),
    ci: field(result, 'ci'),
    di: field(result, 'di'),
    reference: field(result, 'responseno'),
  };
}
