import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { StubRefusal } from '../../stub-http.js';
import { linkhubSignature } from '../linkhub-token.js';
import { STUB_CODES } from './popbill-stub-fixtures.js';

/** A session token the stub issued: for one member and a set of scopes, until it expires. */
export interface StubToken {
  corpNum: string;
  scopes: ReadonlySet<string>;
  expiresAtMs: number;
}

interface StubAuthOptions {
  linkId: string;
  secretKey: string;
  serviceId: string;
  corpNums: readonly string[];
  tokenTtlMs: number;
  maxClockSkewMs: number;
  now: () => number;
}

const refuse = (status: number, code: number, message: string) =>
  new StubRefusal(status, { code, message });

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The Linkhub side of the Popbill stub (research §3.2): `POST /{ServiceID}/Token` checks the
 * LinkID, the version, the date against its clock (skew), and the HMAC signature recomputed
 * over what it received; Popbill's side then checks each bearer token, its expiry and scope.
 */
export class StubLinkhubAuth {
  private readonly tokens = new Map<string, StubToken>();
  private readonly corpNums: ReadonlySet<string>;
  /** Token requests answered (issued or refused). */
  requests = 0;

  constructor(private readonly options: StubAuthOptions) {
    this.corpNums = new Set(options.corpNums);
  }

  issue(request: IncomingMessage, path: string, body: string) {
    const { linkId, secretKey, serviceId, now } = this.options;
    this.requests += 1;
    const [scheme, id, signature] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'LINKHUB' || id !== linkId || !signature) {
      throw refuse(401, STUB_CODES.linkhubUnknownLinkId, '링크아이디가 올바르지 않습니다.');
    }
    const xDate = header(request, 'x-lh-date');
    const dateMs = Date.parse(xDate ?? '');
    if (header(request, 'x-lh-version') !== '2.0' || xDate === undefined || Number.isNaN(dateMs)) {
      throw refuse(400, STUB_CODES.badRequest, '요청 헤더가 올바르지 않습니다.');
    }
    if (Math.abs(dateMs - now()) > this.options.maxClockSkewMs) {
      throw refuse(401, STUB_CODES.linkhubClockSkew, '요청 시간이 허용 범위를 벗어났습니다.');
    }
    const expected = linkhubSignature(
      { body, xDate, forwardIp: header(request, 'x-lh-forwarded'), path },
      secretKey,
    );
    const a = Buffer.from(signature);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw refuse(401, STUB_CODES.linkhubBadSignature, '서명이 올바르지 않습니다.');
    }
    let parsed: { access_id?: unknown; scope?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      throw refuse(400, STUB_CODES.badRequest, '요청 본문이 올바르지 않습니다.');
    }
    if (typeof parsed?.access_id !== 'string' || !Array.isArray(parsed.scope)) {
      throw refuse(400, STUB_CODES.badRequest, '요청 본문이 올바르지 않습니다.');
    }
    if (!this.corpNums.has(parsed.access_id)) {
      throw refuse(401, STUB_CODES.linkhubUnknownMember, '연동회원이 아닙니다.');
    }
    const token = randomBytes(24).toString('base64url');
    const expiresAtMs = now() + this.options.tokenTtlMs;
    this.tokens.set(token, {
      corpNum: parsed.access_id,
      scopes: new Set(parsed.scope.map(String)),
      expiresAtMs,
    });
    return {
      session_token: token,
      serviceID: serviceId,
      linkID: linkId,
      usercode: parsed.access_id,
      scope: parsed.scope,
      expiration: new Date(expiresAtMs).toISOString(),
    };
  }

  /** The bearer token of a Popbill call, refused unless known, unexpired and for `scope`. */
  authorize(request: IncomingMessage, scope: string): StubToken {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) throw refuse(401, STUB_CODES.tokenMissing, '인증 토큰이 없습니다.');
    const token = this.tokens.get(bearer);
    if (!token || token.expiresAtMs <= this.options.now()) {
      throw refuse(401, STUB_CODES.tokenInvalid, '인증 토큰을 해석할 수 없습니다.');
    }
    if (!token.scopes.has(scope)) {
      throw refuse(403, STUB_CODES.scopeDenied, '권한이 없는 서비스입니다.');
    }
    return token;
  }

  revokeAll(): void {
    this.tokens.clear();
  }
}
