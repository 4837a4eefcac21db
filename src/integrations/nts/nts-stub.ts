import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  applySwitches,
  readBody,
  sendJson,
  type StubFailureSwitches,
  StubRefusal,
} from '../stub-http.js';
import {
  STUB_BUSINESSES,
  STUB_SERVICE_KEY,
  STUB_UNREGISTERED_NUMBER,
  type StubBusiness,
} from './nts-stub-fixtures.js';

export interface NtsStubOptions {
  port?: number;
  /** The decoded key the stub accepts. */
  serviceKey?: string;
  businesses?: Readonly<Record<string, StubBusiness>>;
  /**
   * What a number the register does not list answers: `active` (the default: a person trying the
   * local stack registers a made-up business and finds it trading) or `unregistered` (the real
   * register's answer for an unknown number). `STUB_UNREGISTERED_NUMBER` is always unregistered.
   */
  unknownNumbers?: 'active' | 'unregistered';
}

export interface NtsStub {
  /** The server root. */
  url: string;
  /** The API base the client is configured with (`…/api/nts-businessman/v1`). */
  baseUrl: string;
  close(): Promise<void>;
  control(control: NtsStubControl): void;
  /** Calls to `/status` and `/validate` it answered or refused (not the control ones). */
  readonly calls: number;
}

interface NtsStubControl extends StubFailureSwitches {
  /** Answer the gateway's quota refusal (`{code, msg}`, HTTP 429) until cleared. */
  quotaExceeded?: boolean;
  /**
   * Changes the register (a business suspends, closes or reopens): by number, its status code
   * (`01` 계속, `02` 휴업, `03` 폐업, with `endDate` YYYYMMDD for a closing), or null to forget it.
   */
  register?: Record<string, { statusCode: '01' | '02' | '03'; endDate?: string } | null>;
}

const BASE_PATH = '/api/nts-businessman/v1';
const MAX_ITEMS = 100;
const UNREGISTERED = '국세청에 등록되지 않은 사업자등록번호입니다';
const STATUS_NAMES = { '01': '계속사업자', '02': '휴업자', '03': '폐업자' } as const;

const apiError = (status: number, statusCode: string) =>
  new StubRefusal(status, { status_code: statusCode });

/**
 * A protocol-faithful odcloud `nts-businessman/v1` on loopback (research §4): the serviceKey
 * checked after one decoding (so a double-encoded key is refused as the real gateway refuses it,
 * with `{code, msg}` and HTTP 401), at most 100 items, 10-digit numbers, the unregistered
 * answer, and `/validate` matching `(b_no, start_dt, p_nm)`.
 */
export async function startNtsStub(options: NtsStubOptions = {}): Promise<NtsStub> {
  const serviceKey = options.serviceKey ?? STUB_SERVICE_KEY;
  const businesses = new Map<string, StubBusiness>(
    Object.entries(options.businesses ?? STUB_BUSINESSES),
  );
  const unknownNumbers = options.unknownNumbers ?? 'active';
  const GENERIC: StubBusiness = {
    statusCode: '01',
    taxType: '부가가치세 일반과세자',
    taxTypeCode: '01',
    openingDate: '',
    representative: '',
  };
  const listed = (bNo: string): StubBusiness | undefined =>
    businesses.get(bNo) ??
    (unknownNumbers === 'active' && bNo !== STUB_UNREGISTERED_NUMBER ? GENERIC : undefined);
  const switches: StubFailureSwitches = {};
  let quotaExceeded = false;
  let calls = 0;

  function statusOf(bNo: string) {
    const b = listed(bNo);
    if (!b) {
      return {
        b_no: bNo,
        b_stt: '',
        b_stt_cd: '',
        tax_type: UNREGISTERED,
        tax_type_cd: '',
        end_dt: '',
        utcc_yn: '',
        tax_type_change_dt: '',
        invoice_apply_dt: '',
        rbf_tax_type: '',
        rbf_tax_type_cd: '',
      };
    }
    return {
      b_no: bNo,
      b_stt: STATUS_NAMES[b.statusCode],
      b_stt_cd: b.statusCode,
      tax_type: b.taxType,
      tax_type_cd: b.taxTypeCode,
      end_dt: b.endDate ?? '',
      utcc_yn: 'N',
      tax_type_change_dt: '',
      invoice_apply_dt: '',
      rbf_tax_type: '해당없음',
      rbf_tax_type_cd: '99',
    };
  }

  function items(body: string, field: 'b_no' | 'businesses'): unknown[] {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw apiError(400, 'BAD_JSON_REQUEST');
    }
    const list = (json as Record<string, unknown> | null)?.[field];
    if (!Array.isArray(list) || list.length === 0) throw apiError(400, 'REQUEST_DATA_MALFORMED');
    if (list.length > MAX_ITEMS) throw apiError(413, 'TOO_LARGE_REQUEST');
    return list;
  }

  const bNo = (value: unknown): string => {
    if (typeof value !== 'string' || !/^\d{10}$/.test(value)) {
      throw apiError(400, 'REQUEST_DATA_MALFORMED');
    }
    return value;
  };

  function status(body: string) {
    const numbers = items(body, 'b_no').map(bNo);
    const data = numbers.map(statusOf);
    return {
      status_code: 'OK',
      request_cnt: numbers.length,
      match_cnt: data.filter((d) => d.b_stt_cd !== '').length,
      data,
    };
  }

  function validate(body: string) {
    const data = items(body, 'businesses').map((raw) => {
      const item = (raw ?? {}) as Record<string, unknown>;
      const number = bNo(item.b_no);
      if (typeof item.start_dt !== 'string' || !/^\d{8}$/.test(item.start_dt)) {
        throw apiError(400, 'REQUEST_DATA_MALFORMED');
      }
      if (typeof item.p_nm !== 'string' || item.p_nm === '') {
        throw apiError(400, 'REQUEST_DATA_MALFORMED');
      }
      // Authenticity needs what the register holds: a number it only answers for generically
      // (unknownNumbers: active) has no opening date or representative to match.
      const b = businesses.get(number);
      const valid = b && b.openingDate === item.start_dt && b.representative === item.p_nm;
      return valid
        ? { b_no: number, valid: '01', request_param: item, status: statusOf(number) }
        : { b_no: number, valid: '02', valid_msg: '확인할 수 없습니다', request_param: item };
    });
    return {
      status_code: 'OK',
      request_cnt: data.length,
      valid_cnt: data.filter((d) => d.valid === '01').length,
      data,
    };
  }

  function authorized(request: IncomingMessage, url: URL): boolean {
    // URLSearchParams decodes once, as the gateway does: a key sent double-encoded stays
    // `%2B…` and a raw `+` becomes a space, and neither matches.
    const infuser = /^Infuser (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return url.searchParams.get('serviceKey') === serviceKey || infuser === serviceKey;
  }

  async function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://stub');
    const body = request.method === 'POST' ? await readBody(request) : '';
    if (url.pathname === '/_control' && request.method === 'POST') {
      applyControl(JSON.parse(body) as NtsStubControl);
      return sendJson(response, 200, { ok: true });
    }
    const operation = url.pathname.startsWith(`${BASE_PATH}/`)
      ? url.pathname.slice(BASE_PATH.length + 1)
      : undefined;
    if (request.method !== 'POST' || (operation !== 'status' && operation !== 'validate')) {
      return sendJson(response, 404, { status_code: 'HTTP_ERROR' });
    }
    calls += 1;
    if (applySwitches(switches, url.pathname, response)) return;
    if (!authorized(request, url)) {
      return sendJson(response, 401, { code: -4, msg: '등록되지 않은 인증키 입니다.' });
    }
    if (quotaExceeded) {
      return sendJson(response, 429, { code: -401, msg: '일일 트래픽 한도를 초과했습니다.' });
    }
    sendJson(response, 200, operation === 'status' ? status(body) : validate(body));
  }

  function applyControl(control: NtsStubControl) {
    for (const name of ['fail', 'hang', 'malformed'] as const) {
      if (name in control) Object.assign(switches, { [name]: control[name] ?? null });
    }
    if (control.quotaExceeded !== undefined) quotaExceeded = control.quotaExceeded;
    for (const [number, change] of Object.entries(control.register ?? {})) {
      if (change === null) {
        businesses.delete(number);
        continue;
      }
      const known = businesses.get(number) ?? GENERIC;
      businesses.set(number, {
        ...known,
        statusCode: change.statusCode,
        ...(change.endDate ? { endDate: change.endDate } : {}),
      });
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof StubRefusal) sendJson(response, error.status, error.body);
      else sendJson(response, 500, { status_code: 'INTERNAL_ERROR' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}${BASE_PATH}`,
    control: applyControl,
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
