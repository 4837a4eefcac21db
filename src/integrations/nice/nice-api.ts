import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { ProviderGateway, providerFetch } from '../../platform/providers/provider-gateway.js';
import { deriveNiceKeys, type NiceKeys, niceReqDtim } from './nice-crypto.js';

/** What every NICE API client is configured with (one NICE API "app"). */
export interface NiceApiOptions {
  /** e.g. `https://svc.niceapi.co.kr:22001` (no separate sandbox host is known: [U]). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Shared by every NICE client of the process, so one circuit covers NICE. */
  gateway?: ProviderGateway;
  /**
   * Gateway codes (`GW_RSLT_CD`) with which NICE refuses an access token: [U] in providers.md (the
   * message table is not public), so configurable.
   */
  tokenRefusedCodes?: readonly string[];
  now?: () => Date;
}

/** The crypto token of one request (§1.1 Step B) and the keys it derives. */
export interface NiceCryptoToken {
  reqDtim: string;
  reqNo: string;
  tokenVal: string;
  tokenVersionId: string;
  siteCode: string;
  /** Seconds the token is usable. */
  period: number;
}

interface Envelope {
  dataHeader?: { GW_RSLT_CD?: unknown };
  dataBody?: Record<string, unknown>;
}

const GATEWAY_OK = '1200';

/**
 * The NICE API gateway: the institution token (OAuth client credentials, cached until it
 * expires and dropped when NICE refuses it), the bearer header of product calls and the envelope
 * (`dataHeader.GW_RSLT_CD`, `dataBody`). Every call goes through the provider gateway.
 */
export class NiceApi {
  readonly gateway: ProviderGateway;
  private readonly now: () => Date;
  private readonly refusedCodes: ReadonlySet<string>;
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: NiceApiOptions) {
    this.gateway = options.gateway ?? new ProviderGateway('nice');
    this.now = options.now ?? (() => new Date());
    this.refusedCodes = new Set(options.tokenRefusedCodes ?? ['1800']);
  }

  /** A crypto token for `reqNo` of the product (Step B), refused unless `result_cd` is 0000. */
  async cryptoToken(productId: string, reqNo: string): Promise<NiceCryptoToken> {
    const reqDtim = niceReqDtim(this.now());
    const body = await this.product(
      'crypto-token',
      productId,
      '/digital/niceid/api/v1.0/common/crypto/token',
      {
        req_dtim: reqDtim,
        req_no: reqNo,
        enc_mode: '1',
      },
    );
    if (body.rsp_cd !== 'P000')
      throw new ProviderRejectedError('nice', text(body.rsp_cd, 'rsp_cd'));
    if (body.result_cd !== '0000') {
      throw new ProviderRejectedError('nice', text(body.result_cd, 'result_cd'));
    }
    const period = Number(body.period);
    if (!Number.isFinite(period) || period <= 0) {
      throw new ProviderBadResponseError('nice', 'crypto token without a period');
    }
    return {
      reqDtim,
      reqNo,
      tokenVal: text(body.token_val, 'token_val'),
      tokenVersionId: text(body.token_version_id, 'token_version_id'),
      siteCode: text(body.site_code, 'site_code'),
      period,
    };
  }

  static keysOf(
    token: Pick<NiceCryptoToken, 'reqDtim' | 'reqNo' | 'tokenVal'>,
    hmacFrom?: 'start' | 'end',
  ): NiceKeys {
    return deriveNiceKeys(token.reqDtim, token.reqNo, token.tokenVal, hmacFrom);
  }

  /**
   * A product API call with the bearer header; a refused access token is dropped and the call
   * made once more with a fresh one. Answers the envelope's `dataBody`.
   */
  async product(
    operation: string,
    productId: string,
    path: string,
    dataBody: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.accessToken();
      const result = await this.gateway.call(operation, { idempotent: true }, async (signal) => {
        const seconds = Math.floor(this.now().getTime() / 1000);
        const bearer = Buffer.from(`${token}:${seconds}:${this.options.clientId}`).toString(
          'base64',
        );
        const response = await providerFetch('nice', new URL(path, this.options.baseUrl), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `bearer ${bearer}`,
            productID: productId,
          },
          body: JSON.stringify({ dataHeader: { CNTY_CD: 'ko' }, dataBody }),
          signal,
        });
        return this.envelope(response, true);
      });
      if (result !== 'token_refused') return result;
      this.forget(token);
      if (attempt >= 1) throw new ProviderRejectedError('nice', 'token_refused');
    }
  }

  /** The cached institution token, or a new one (one request at a time asks for it). */
  private async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt > this.now().getTime()) return this.cached.token;
    this.pending ??= this.issueToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private forget(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async issueToken(): Promise<string> {
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString(
      'base64',
    );
    const body = await this.gateway.call('token', { idempotent: true }, async (signal) => {
      const response = await providerFetch(
        'nice',
        new URL('/digital/niceid/oauth/oauth/token', this.options.baseUrl),
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${basic}`,
          },
          body: 'grant_type=client_credentials&scope=default',
          signal,
        },
      );
      return (await this.envelope(response, false)) as Record<string, unknown>;
    });
    const token = text(body.access_token, 'access_token');
    const expiresIn = Number(body.expires_in);
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new ProviderBadResponseError('nice', 'access token without expires_in');
    }
    // A minute early, so a token is never sent in its last seconds.
    this.cached = { token, expiresAt: this.now().getTime() + (expiresIn - 60) * 1000 };
    return token;
  }

  private async envelope(
    response: Response,
    tokenMayBeRefused: boolean,
  ): Promise<Record<string, unknown> | 'token_refused'> {
    if (response.status >= 500) throw new ProviderUnavailableError('nice', String(response.status));
    let parsed: Envelope;
    try {
      parsed = (await response.json()) as Envelope;
    } catch {
      throw new ProviderBadResponseError('nice', `unreadable answer (HTTP ${response.status})`);
    }
    const code = parsed?.dataHeader?.GW_RSLT_CD;
    if (typeof code !== 'string')
      throw new ProviderBadResponseError('nice', 'envelope without GW_RSLT_CD');
    if (this.refusedCodes.has(code)) {
      if (tokenMayBeRefused) return 'token_refused';
      throw new ProviderRejectedError('nice', code);
    }
    if (code !== GATEWAY_OK) throw new ProviderRejectedError('nice', code);
    if (!response.ok) throw new ProviderRejectedError('nice', String(response.status));
    const body = parsed.dataBody;
    if (!body || typeof body !== 'object')
      throw new ProviderBadResponseError('nice', 'envelope without dataBody');
    return body;
  }
}

/** A string field of an answer, or a 502 naming the field (never its value). */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ProviderBadResponseError('nice', `missing ${field}`);
  }
  return value;
}
