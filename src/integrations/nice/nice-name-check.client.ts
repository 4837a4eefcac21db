import iconv from 'iconv-lite';
import { DomainError } from '../../platform/errors/domain.error.js';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
} from '../../platform/providers/provider-errors.js';
import { NiceApi, type NiceApiOptions, text } from './nice-api.js';
import { niceEncrypt, niceIntegrity } from './nice-crypto.js';

export interface NiceNameCheckOptions extends NiceApiOptions {
  /** The 실명확인 product id (its own, not the 본인확인 one). */
  productId: string;
  /** An existing API (token cache, gateway) when both products share one NICE app. */
  api?: NiceApi;
}

/** NICE `result_cd` of 실명확인 ([P] in providers.md). */
const OUTCOMES = {
  '1': 'match',
  '2': 'mismatch',
  '3': 'no_record',
  '7': 'blocked_identity_theft',
  '8': 'blocked_suspected_fraud',
} as const;
export type NameCheckOutcome = (typeof OUTCOMES)[keyof typeof OUTCOMES];

const PATH = '/digital/niceid/api/v1.0/name/national/check';
const RRN = /^\d{13}$/;

/**
 * NICE 실명확인: does this name belong to this 주민등록번호 (server to server, §1.3). The RRN is a
 * parameter only: never stored, logged or put into an error (not even masked), and the gateway
 * records no payload. No route uses this yet: collecting an RRN needs a statutory basis, and
 * the one the product has is the tax report of daily wages (일용근로소득 지급명세서, 소득세법),
 * so the place is the payout onboarding before a worker's first paid shift, when that report is
 * built; until then 본인확인's CI/DI is the identity.
 */
export class NiceNameCheckClient {
  readonly api: NiceApi;

  constructor(private readonly options: NiceNameCheckOptions) {
    this.api = options.api ?? new NiceApi(options);
  }

  /** A mismatch or a block is an answer, not an error; only NICE's refusals throw. */
  async check(person: {
    name: string;
    rrn: string;
    /** Our request id for NICE (`req_no`, ≤ 30 chars). */
    requestId: string;
  }): Promise<{ outcome: NameCheckOutcome; resultCode: string }> {
    if (!RRN.test(person.rrn)) {
      throw new DomainError(
        'invalid',
        'rrn_invalid',
        'A resident registration number is 13 digits.',
      );
    }
    const token = await this.api.cryptoToken(this.options.productId, person.requestId);
    // This product takes the HMAC key from the end of the digest ([P]: providers.md §1.1).
    const keys = NiceApi.keysOf(token, 'end');
    const encJuminId = niceEncrypt(keys, Buffer.from(person.rrn, 'ascii'));
    const encName = niceEncrypt(keys, iconv.encode(person.name, 'EUC-KR'));
    const body = await this.api.product('name-check', this.options.productId, PATH, {
      token_version_id: token.tokenVersionId,
      enc_jumin_id: encJuminId,
      enc_name: encName,
      integrity_value: niceIntegrity(keys, token.tokenVersionId.trim() + encJuminId + encName),
    });
    if (body.rsp_cd !== 'P000')
      throw new ProviderRejectedError('nice', text(body.rsp_cd, 'rsp_cd'));
    const resultCode = text(body.result_cd, 'result_cd');
    const outcome = OUTCOMES[resultCode as keyof typeof OUTCOMES];
    if (!outcome) throw new ProviderBadResponseError('nice', 'unknown 실명확인 result_cd');
    return { outcome, resultCode };
  }
}
