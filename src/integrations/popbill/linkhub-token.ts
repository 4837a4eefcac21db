import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { ProviderBadResponseError } from '../../platform/providers/provider-errors.js';
import type { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import { popbillFetch } from './popbill-http.js';

/** The Linkhub API version the signature and the `x-lh-version` header name. */
const LINKHUB_VERSION = '2.0';

export interface LinkhubSignatureInput {
  /** The exact request body sent (the digest is of these bytes). */
  body: string;
  /** `x-lh-date`: ISO-8601 UTC. */
  xDate: string;
  /** `x-lh-forwarded`: `*` when the IP restriction is off; signed when present. */
  forwardIp: string | undefined;
  /** `/{ServiceID}/Token`. */
  path: string;
}

/**
 * The Linkhub request signature (node-linkhub TokenBuilder.js, research §3.2): HMAC-SHA256 keyed
 * with the base64-decoded secret over the method, the body's SHA-256, the date, the forwarded IP
 * (when sent), the version and the path. The stub recomputes it with the same function, so a
 * change here that breaks the protocol is caught by the contract spec's fixed vector.
 */
export function linkhubSignature(input: LinkhubSignatureInput, secretKeyBase64: string): string {
  const bodyDigest = createHash('sha256').update(input.body).digest('base64');
  const target =
    `POST\n${bodyDigest}\n${input.xDate}\n` +
    (input.forwardIp ? `${input.forwardIp}\n` : '') +
    `${LINKHUB_VERSION}\n${input.path}`;
  return createHmac('sha256', Buffer.from(secretKeyBase64, 'base64'))
    .update(target)
    .digest('base64');
}

export interface LinkhubCredentials {
  /** The auth host's base URL (`https://auth.linkhub.co.kr`, or the stub's). */
  authUrl: string;
  linkId: string;
  /** Base64, as Linkhub issues it. */
  secretKey: string;
  /** `POPBILL_TEST` (test bed) or `POPBILL`. */
  serviceId: string;
  /** `*` unless IP restriction is on (then omit it); the SDK default. */
  forwardIp?: string | undefined;
}

const tokenAnswer = z.object({
  session_token: z.string().min(1),
  expiration: z.iso.datetime({ offset: true }),
});

interface CachedToken {
  token: string;
  expiresAtMs: number;
}

/** Renew a token this long before Linkhub's `expiration`, so it never expires in flight. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Session tokens, one per (CorpNum, scope set): a token is issued for its scopes, so the message,
 * Kakao and account-check clients each hold their own (research §3.2). Cached until
 * `expiration`; concurrent callers share one request; `invalidate` drops a token Popbill refused
 * (`-10000032..34`) so the next call fetches a new one.
 */
export class LinkhubTokenSource {
  private readonly cache = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly credentials: LinkhubCredentials,
    private readonly gateway: ProviderGateway,
    private readonly now: () => number = Date.now,
  ) {}

  async get(corpNum: string, scopes: readonly string[]): Promise<string> {
    const key = cacheKey(corpNum, scopes);
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.expiresAtMs - EXPIRY_MARGIN_MS) return cached.token;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = this.issue(corpNum, scopes)
      .then((issued) => {
        this.cache.set(key, issued);
        return issued.token;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  /** Forgets `token` (only that one: a newer token another call fetched stays). */
  invalidate(corpNum: string, scopes: readonly string[], token: string): void {
    const key = cacheKey(corpNum, scopes);
    if (this.cache.get(key)?.token === token) this.cache.delete(key);
  }

  private issue(corpNum: string, scopes: readonly string[]): Promise<CachedToken> {
    const { authUrl, linkId, secretKey, serviceId, forwardIp } = this.credentials;
    const path = `/${serviceId}/Token`;
    // A token request creates nothing and can be repeated: the gateway may retry it.
    return this.gateway.call('token', { idempotent: true }, async (signal) => {
      const body = JSON.stringify({ access_id: corpNum, scope: [...scopes] });
      const xDate = new Date(this.now()).toISOString();
      const signature = linkhubSignature({ body, xDate, forwardIp, path }, secretKey);
      const answer = await popbillFetch(new URL(path, authUrl), {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'application/json',
          'x-lh-date': xDate,
          'x-lh-version': LINKHUB_VERSION,
          authorization: `LINKHUB ${linkId} ${signature}`,
          ...(forwardIp ? { 'x-lh-forwarded': forwardIp } : {}),
        },
        body,
      });
      const parsed = tokenAnswer.safeParse(answer);
      if (!parsed.success) throw new ProviderBadResponseError('popbill', 'token answer shape');
      return {
        token: parsed.data.session_token,
        expiresAtMs: Date.parse(parsed.data.expiration),
      };
    });
  }
}

function cacheKey(corpNum: string, scopes: readonly string[]): string {
  return `${corpNum}|${[...scopes].sort().join(',')}`;
}
