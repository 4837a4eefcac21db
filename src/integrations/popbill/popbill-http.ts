import { z } from 'zod';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { type ProviderGateway, providerFetch } from '../../platform/providers/provider-gateway.js';
import type { LinkhubTokenSource } from './linkhub-token.js';

/*
 * Popbill's REST conventions (research §3.3), written on `fetch` instead of the official `popbill`
 * package: that package hardcodes its hosts (the stub and the static/GA-IP hosts could not be
 * reached), is callback-style ES5 with no types, and hides the HTTP status and timeouts our
 * gateway needs.
 */

/** `{code, message}`: every Popbill and Linkhub refusal. */
const popbillError = z.object({ code: z.number().int(), message: z.string().optional() });

/**
 * Popbill's token errors (`-10000032` generation failed, `-10000033` interpretation failed,
 * `-10000034` missing): the token is dropped and the call made once more with a new one.
 */
const TOKEN_ERROR_CODES = new Set(['-10000032', '-10000033', '-10000034']);

/**
 * One request to Linkhub or Popbill through `providerFetch`: 200 → the parsed JSON; any other
 * status with `{code, message}` → `ProviderRejectedError` with the code (the message is dropped:
 * it can echo what we sent); 5xx without that shape → unavailable; anything unreadable → bad
 * response.
 */
export async function popbillFetch(
  url: URL,
  init: RequestInit & { signal: AbortSignal },
): Promise<unknown> {
  const response = await providerFetch('popbill', url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (response.status >= 500) throw new ProviderUnavailableError('popbill');
    throw new ProviderBadResponseError('popbill', `unparsable body (HTTP ${response.status})`);
  }
  if (response.ok) return json;
  const error = popbillError.safeParse(json);
  if (error.success) throw new ProviderRejectedError('popbill', String(error.data.code));
  if (response.status >= 500) throw new ProviderUnavailableError('popbill');
  throw new ProviderBadResponseError('popbill', `HTTP ${response.status} without an error code`);
}

export interface PopbillConnection {
  /** The Popbill API host's base URL (`https://popbill-test.linkhub.co.kr`, or the stub's). */
  apiUrl: string;
  /** The Popbill member's 사업자번호 (the token's `access_id`). */
  corpNum: string;
  /** `x-pb-userid`: the Popbill user id, when the member has several. */
  userId?: string | undefined;
}

export interface PopbillRequest<T> {
  /** For the call record: `sms.send`, `account.check`, … */
  operation: string;
  method: 'GET' | 'POST';
  /** Path and query, from the API root. */
  path: string;
  body?: unknown;
  scopes: readonly string[];
  /** See `CallOptions.idempotent`: each caller says why its call is or is not. */
  idempotent: boolean;
  parse: (json: unknown) => T;
}

/** Bearer-authenticated Popbill calls for one member, through the provider gateway. */
export class PopbillApi {
  constructor(
    private readonly connection: PopbillConnection,
    private readonly tokens: LinkhubTokenSource,
    private readonly gateway: ProviderGateway,
  ) {}

  async request<T>(request: PopbillRequest<T>): Promise<T> {
    const { corpNum } = this.connection;
    for (let round = 0; ; round += 1) {
      const token = await this.tokens.get(corpNum, request.scopes);
      try {
        return await this.gateway.call(
          request.operation,
          { idempotent: request.idempotent },
          async (signal) => {
            const json = await popbillFetch(new URL(request.path, this.connection.apiUrl), {
              method: request.method,
              signal,
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json;charset=utf-8',
                'accept-encoding': 'gzip,deflate',
                ...(this.connection.userId ? { 'x-pb-userid': this.connection.userId } : {}),
              },
              ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
            });
            try {
              return request.parse(json);
            } catch (error) {
              if (error instanceof ProviderBadResponseError) throw error;
              throw new ProviderBadResponseError('popbill', `${request.operation} answer shape`);
            }
          },
        );
      } catch (error) {
        // A token error means Popbill refused before doing anything, so even a send is safe to
        // repeat once with a fresh token.
        if (
          round === 0 &&
          error instanceof ProviderRejectedError &&
          TOKEN_ERROR_CODES.has(error.providerCode ?? '')
        ) {
          this.tokens.invalidate(corpNum, request.scopes, token);
          continue;
        }
        throw error;
      }
    }
  }
}

/** Parses with `schema` or throws the bad-response error (never the answer's content). */
export function parseWith<T>(schema: z.ZodType<T>, what: string): (json: unknown) => T {
  return (json) => {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ProviderBadResponseError('popbill', `${what} answer shape`);
    return parsed.data;
  };
}
