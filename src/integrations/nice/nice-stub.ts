import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import { choicePage, startStubServer, type StubHandler } from '../identity-stub-http.js';
import {
  deriveNiceKeys,
  niceDecrypt,
  niceEncrypt,
  niceIntegrity,
  niceIntegrityMatches,
} from './nice-crypto.js';

/** A person the stub's window can verify (fixed, so tests and people know what comes back). */
interface NiceTestPerson {
  id: string;
  name: string;
  /** YYYYMMDD */
  birthdate: string;
  gender: '0' | '1';
  nationalinfo: '0' | '1';
  mobileco: string;
  mobileno: string;
}

const NICE_TEST_PERSONS: readonly NiceTestPerson[] = [
  {
    id: 'hong',
    name: '홍길동',
    birthdate: '19900101',
    gender: '1',
    nationalinfo: '0',
    mobileco: '1',
    mobileno: '01012345678',
  },
  {
    id: 'kim',
    name: '김영희',
    birthdate: '19950505',
    gender: '0',
    nationalinfo: '0',
    mobileco: '2',
    mobileno: '01098765432',
  },
  {
    id: 'wang',
    name: '왕리',
    birthdate: '20000315',
    gender: '0',
    nationalinfo: '1',
    mobileco: '3',
    mobileno: '01055556666',
  },
];

/**
 * Failures the window offers. NICE's table of window result codes is not public ([U] in
 * providers.md): these are the stub's stand-ins; the client passes any non-0000 code through.
 */
const NICE_WINDOW_FAILURES: readonly { code: string; label: string }[] = [
  { code: '0001', label: '인증 실패 (authentication failed)' },
  { code: '0099', label: '기타 오류 (other error)' },
];

/**
 * The register the stub's 실명확인 answers from (made-up numbers): a listed RRN with its name is
 * result 1, with another name 2, an unlisted RRN 3; the blocked ones answer 7 and 8.
 */
const NICE_NAME_REGISTER: readonly { rrn: string; name: string; resultCd?: '7' | '8' }[] = [
  { rrn: '9001011000001', name: '홍길동' },
  { rrn: '9505052000002', name: '김영희' },
  { rrn: '8001011000007', name: '도용된', resultCd: '7' },
  { rrn: '8001011000008', name: '의심된', resultCd: '8' },
];

/** What the stub answers wrongly, for tests (also `POST /_control` with this JSON). */
interface NiceStubFaults {
  /** Every API call answers this `GW_RSLT_CD` (e.g. `1500`) instead of 1200. */
  gatewayError?: string;
  /** The crypto token answers this `rsp_cd` (e.g. `EAPI2500`). */
  rspCd?: string;
  /** The crypto token answers this `result_cd` (`0001`, `0003`, `0099`). */
  resultCd?: string;
  /** API calls are accepted and never answered. */
  hang?: boolean;
  /** API calls answer 200 with a body that is not JSON. */
  malformed?: boolean;
  /** API calls answer 503. */
  down?: boolean;
  /** The window sends the browser back with this value altered. */
  tamper?: 'integrity_value' | 'enc_data';
}

export interface NiceStubOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  productId?: string;
  /** The 실명확인 product's id. */
  nameCheckProductId?: string;
  siteCode?: string;
  /** Seconds a crypto token is usable (`period`). */
  periodSeconds?: number;
  /** Seconds an access token lives (`expires_in`; NICE's are ~50 years). */
  accessTokenTtlSeconds?: number;
  /** How far the bearer's epoch seconds may be from the stub's clock. */
  bearerSkewSeconds?: number;
  now?: () => Date;
}

export interface NiceStub {
  url: string;
  /** The standard window (`service.cb`) on the stub. */
  windowUrl: string;
  clientId: string;
  clientSecret: string;
  productId: string;
  nameCheckProductId: string;
  setFaults(faults: NiceStubFaults): void;
  /** NICE forgets every access token it issued (the client must fetch a new one). */
  revokeAccessTokens(): void;
  /** How many access tokens were issued. */
  readonly tokensIssued: number;
  close(): Promise<void>;
}

interface CryptoSession {
  reqDtim: string;
  reqNo: string;
  tokenVal: string;
  expiresAt: number;
  productId: string;
  /** Set when the window accepted the request. */
  request?: { requestno: string; returnurl: string };
  state: 'issued' | 'window' | 'done';
}

/** Gateway codes the stub answers (NICE's table is [U]; these mirror its envelope only). */
const GW = {
  ok: '1200',
  badCredentials: '1700',
  tokenRefused: '1800',
  badBearer: '1801',
  badProduct: '1501',
  badRequest: '1400',
} as const;

const TOKEN_PATH = '/digital/niceid/oauth/oauth/token';
const CRYPTO_PATH = '/digital/niceid/api/v1.0/common/crypto/token';
const NAME_CHECK_PATH = '/digital/niceid/api/v1.0/name/national/check';
const WINDOW_PATH = '/CheckPlusSafeModel/service.cb';
const CHOOSE_PATH = '/CheckPlusSafeModel/choose';

/**
 * NICE API 통합형 on loopback: the institution token (Basic auth), the crypto token (bearer with
 * epoch seconds, ProductID), the standard window (checks the integrity value, decrypts the
 * request, lets a person pick a test person or a failure) and the return to `returnurl` with an
 * encrypted result, as providers.md §1.4 describes.
 */
export async function startNiceStub(options: NiceStubOptions = {}): Promise<NiceStub> {
  const clientId = options.clientId ?? 'stub-client-id';
  const clientSecret = options.clientSecret ?? 'stub-client-secret';
  const productId = options.productId ?? '2101979031';
  const nameCheckProductId = options.nameCheckProductId ?? '2101466024';
  const siteCode = options.siteCode ?? 'AB123';
  const period = options.periodSeconds ?? 3600;
  const tokenTtl = options.accessTokenTtlSeconds ?? 50 * 365 * 86_400;
  const skew = options.bearerSkewSeconds ?? 600;
  const now = options.now ?? (() => new Date());
  let faults: NiceStubFaults = {};
  let tokensIssued = 0;
  const accessTokens = new Map<string, number>();
  const sessions = new Map<string, CryptoSession>();

  const envelope = (res: ServerResponse, status: number, code: string, body?: object) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(
      JSON.stringify({
        dataHeader: { GW_RSLT_CD: code, GW_RSLT_MSG: code === GW.ok ? '오류 없음' : 'stub error' },
        ...(body ? { dataBody: body } : {}),
      }),
    );
  };

  /** The fault switches of API calls; true when the answer is already decided. */
  const faulty = (res: ServerResponse): boolean => {
    if (faults.hang) return true;
    if (faults.down) {
      res.writeHead(503).end();
      return true;
    }
    if (faults.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance</html>');
      return true;
    }
    if (faults.gatewayError) {
      envelope(res, 200, faults.gatewayError);
      return true;
    }
    return false;
  };

  const issueToken = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const form = new URLSearchParams(body.toString('utf8'));
    if (req.headers.authorization !== expected) return envelope(res, 401, GW.badCredentials);
    if (form.get('grant_type') !== 'client_credentials' || form.get('scope') !== 'default') {
      return envelope(res, 400, GW.badRequest);
    }
    const token = randomBytes(18).toString('hex');
    accessTokens.set(token, now().getTime() + tokenTtl * 1000);
    tokensIssued += 1;
    envelope(res, 200, GW.ok, {
      access_token: token,
      token_type: 'bearer',
      expires_in: tokenTtl,
      scope: 'default',
    });
  };

  /** Checks `bearer base64(token:epochSeconds:clientId)` and ProductID; false when refused. */
  const authorized = (
    req: IncomingMessage,
    res: ServerResponse,
    products: readonly string[],
  ): boolean => {
    const match = /^bearer ([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    const parts = match ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':') : [];
    const [token, seconds, id] = parts;
    if (parts.length !== 3 || !/^\d{10}$/.test(seconds ?? '') || id !== clientId) {
      envelope(res, 401, GW.badBearer);
      return false;
    }
    if (Math.abs(Number(seconds) - now().getTime() / 1000) > skew) {
      envelope(res, 401, GW.badBearer);
      return false;
    }
    const expiresAt = accessTokens.get(token!);
    if (expiresAt === undefined || expiresAt <= now().getTime()) {
      envelope(res, 401, GW.tokenRefused);
      return false;
    }
    if (!products.includes(String(req.headers.productid))) {
      envelope(res, 403, GW.badProduct);
      return false;
    }
    return true;
  };

  const dataBodyOf = (body: Buffer): Record<string, unknown> | undefined => {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { dataBody?: Record<string, unknown> };
      return parsed.dataBody && typeof parsed.dataBody === 'object' ? parsed.dataBody : undefined;
    } catch {
      return undefined;
    }
  };

  const cryptoToken = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    if (!authorized(req, res, [productId, nameCheckProductId])) return;
    const data = dataBodyOf(body);
    if (!data) return envelope(res, 400, GW.badRequest);
    const reqDtim = data.req_dtim;
    const reqNo = data.req_no;
    const valid =
      typeof reqDtim === 'string' &&
      /^\d{14}$/.test(reqDtim) &&
      typeof reqNo === 'string' &&
      reqNo.length > 0 &&
      reqNo.length <= 30 &&
      data.enc_mode === '1';
    if (faults.rspCd) return envelope(res, 200, GW.ok, { rsp_cd: faults.rspCd, res_msg: 'stub' });
    const resultCd = faults.resultCd ?? (valid ? '0000' : '0001');
    if (resultCd !== '0000')
      return envelope(res, 200, GW.ok, { rsp_cd: 'P000', result_cd: resultCd });
    const tokenVersionId = randomBytes(15).toString('hex');
    const tokenVal = randomBytes(24).toString('base64');
    sessions.set(tokenVersionId, {
      reqDtim: reqDtim as string,
      reqNo: reqNo as string,
      tokenVal,
      productId: String(req.headers.productid),
      expiresAt: now().getTime() + period * 1000,
      state: 'issued',
    });
    envelope(res, 200, GW.ok, {
      rsp_cd: 'P000',
      result_cd: '0000',
      site_code: siteCode,
      token_version_id: tokenVersionId,
      token_val: tokenVal,
      period,
    });
  };

  /** 실명확인: the integrity value over token_version_id + enc_jumin_id + enc_name, then the register. */
  const nameCheck = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    if (!authorized(req, res, [nameCheckProductId])) return;
    const data = dataBodyOf(body) ?? {};
    const id = typeof data.token_version_id === 'string' ? data.token_version_id : '';
    const session = sessions.get(id);
    if (
      !session ||
      session.productId !== nameCheckProductId ||
      session.expiresAt <= now().getTime()
    ) {
      return envelope(res, 200, GW.ok, { rsp_cd: 'EAPI2510', res_msg: 'unknown token' });
    }
    const keys = deriveNiceKeys(session.reqDtim, session.reqNo, session.tokenVal, 'end');
    const encJumin = String(data.enc_jumin_id ?? '');
    const encName = String(data.enc_name ?? '');
    if (
      !niceIntegrityMatches(
        keys,
        id.trim() + encJumin + encName,
        String(data.integrity_value ?? ''),
      )
    ) {
      return envelope(res, 200, GW.ok, { rsp_cd: 'EAPI2520', res_msg: 'integrity' });
    }
    const rrn = niceDecrypt(keys, encJumin)?.toString('ascii') ?? '';
    const nameBytes = niceDecrypt(keys, encName);
    if (!/^\d{13}$/.test(rrn) || !nameBytes) {
      return envelope(res, 200, GW.ok, { rsp_cd: 'EAPI2530', res_msg: 'decrypt' });
    }
    const name = iconv.decode(nameBytes, 'EUC-KR');
    const entry = NICE_NAME_REGISTER.find((e) => e.rrn === rrn);
    const resultCd = !entry ? '3' : (entry.resultCd ?? (entry.name === name ? '1' : '2'));
    envelope(res, 200, GW.ok, { rsp_cd: 'P000', res_msg: '정상', result_cd: resultCd });
  };

  const page = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, { 'content-type': 'text/html;charset=utf-8' }).end(html);
  };
  const refusal = (res: ServerResponse, reason: string) =>
    page(
      res,
      400,
      `<!doctype html><meta charset="utf-8"><title>NICE stub</title><p>Refused: ${reason}</p>`,
    );

  /** The standard window: what NICE checks of the form before it shows anything. */
  const openWindow = (body: Buffer, res: ServerResponse) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const id = form.get('token_version_id') ?? '';
    const session = sessions.get(id);
    if (form.get('m') !== 'service') return refusal(res, 'm must be service');
    if (!session || session.state !== 'issued')
      return refusal(res, 'unknown or used token_version_id');
    if (session.expiresAt <= now().getTime()) return refusal(res, 'token expired');
    const keys = deriveNiceKeys(session.reqDtim, session.reqNo, session.tokenVal);
    const encData = form.get('enc_data') ?? '';
    if (!niceIntegrityMatches(keys, encData, form.get('integrity_value') ?? '')) {
      return refusal(res, 'integrity_value mismatch');
    }
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(niceDecrypt(keys, encData)?.toString('utf8') ?? '') as Record<
        string,
        unknown
      >;
    } catch {
      return refusal(res, 'enc_data does not decrypt');
    }
    if (request.requestno !== session.reqNo) return refusal(res, 'requestno differs from req_no');
    if (request.sitecode !== siteCode) return refusal(res, 'sitecode differs');
    if (typeof request.returnurl !== 'string' || !URL.canParse(request.returnurl)) {
      return refusal(res, 'returnurl is not an absolute URL');
    }
    session.state = 'window';
    session.request = { requestno: session.reqNo, returnurl: request.returnurl };
    page(
      res,
      200,
      choicePage('NICE 본인확인 (stub)', CHOOSE_PATH, { token_version_id: id }, [
        ...NICE_TEST_PERSONS.map((p) => ({
          value: `person:${p.id}`,
          label: `${p.name} (${p.birthdate})`,
        })),
        ...NICE_WINDOW_FAILURES.map((f) => ({
          value: `fail:${f.code}`,
          label: `${f.code} ${f.label}`,
        })),
      ]),
    );
  };

  /** The person's choice: back to `returnurl` with the encrypted result (GET, NICE's default). */
  const choose = (body: Buffer, res: ServerResponse) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const id = form.get('token_version_id') ?? '';
    const session = sessions.get(id);
    if (!session?.request || session.state !== 'window') return refusal(res, 'no open window');
    const [kind, value] = (form.get('choice') ?? '').split(':');
    const person = kind === 'person' ? NICE_TEST_PERSONS.find((p) => p.id === value) : undefined;
    const failure =
      kind === 'fail' ? NICE_WINDOW_FAILURES.find((f) => f.code === value) : undefined;
    if (!person && !failure) return refusal(res, 'unknown choice');
    session.state = 'done';
    const result = {
      resultcode: person ? '0000' : failure!.code,
      requestno: session.request.requestno,
      responseno: `NSTUB${randomBytes(8).toString('hex').toUpperCase()}`,
      enctime: session.reqDtim,
      sitecode: siteCode,
      authtype: 'M',
      ...(person
        ? {
            utf8_name: encodeURIComponent(person.name),
            birthdate: person.birthdate,
            gender: person.gender,
            nationalinfo: person.nationalinfo,
            mobileco: person.mobileco,
            mobileno: person.mobileno,
            ci: createHash('sha512').update(`ci:${person.id}`).digest('base64'),
            di: createHash('sha256').update(`di:${siteCode}:${person.id}`).digest('hex'),
          }
        : {}),
    };
    const keys = deriveNiceKeys(session.reqDtim, session.reqNo, session.tokenVal);
    let encData = niceEncrypt(keys, JSON.stringify(result));
    let integrity = niceIntegrity(keys, encData);
    if (faults.tamper === 'integrity_value') integrity = niceIntegrity(keys, `${encData}x`);
    if (faults.tamper === 'enc_data') {
      // Another valid ciphertext: only the integrity check can tell.
      encData = niceEncrypt(
        keys,
        JSON.stringify({ ...result, utf8_name: encodeURIComponent('공격자') }),
      );
    }
    const back = new URL(session.request.returnurl);
    back.searchParams.set('token_version_id', id);
    back.searchParams.set('enc_data', encData);
    back.searchParams.set('integrity_value', integrity);
    res.writeHead(302, { location: back.toString() }).end();
  };

  const handler: StubHandler = (req, body, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    if (req.method === 'POST' && path === '/_control') {
      try {
        faults = JSON.parse(body.toString('utf8') || '{}') as NiceStubFaults;
      } catch {
        return void res.writeHead(400).end();
      }
      return void res.writeHead(204).end();
    }
    if (req.method === 'POST' && path === WINDOW_PATH) return openWindow(body, res);
    if (req.method === 'POST' && path === CHOOSE_PATH) return choose(body, res);
    if (req.method === 'POST' && path === TOKEN_PATH)
      return faulty(res) ? undefined : issueToken(req, body, res);
    if (req.method === 'POST' && path === CRYPTO_PATH)
      return faulty(res) ? undefined : cryptoToken(req, body, res);
    if (req.method === 'POST' && path === NAME_CHECK_PATH) {
      return faulty(res) ? undefined : nameCheck(req, body, res);
    }
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end('ok');
    envelope(res, 404, GW.badRequest);
  };

  const server = await startStubServer(options.port ?? 0, handler);
  return {
    url: server.url,
    windowUrl: `${server.url}${WINDOW_PATH}`,
    clientId,
    clientSecret,
    productId,
    nameCheckProductId,
    setFaults: (next) => (faults = { ...next }),
    revokeAccessTokens: () => accessTokens.clear(),
    get tokensIssued() {
      return tokensIssued;
    },
    close: () => server.close(),
  };
}
