import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toKstIso } from '../../../platform/time/kst.js';
import {
  ALIMTALK_TEMPLATES,
  type AlimTalkTemplate,
  matchesTemplate,
} from '../alimtalk-templates.js';
import { type InboxEntry, inboxPage, mergeInboxes } from '../../stub-inbox.js';
import { StubLinkhubAuth, type StubToken } from './linkhub-stub-auth.js';
import {
  STUB_ACCOUNT_RESULTS,
  STUB_ACCOUNTS,
  STUB_CODES,
  STUB_CORP_NUM,
  STUB_KAKAO_CHANNEL,
  STUB_LINK_ID,
  STUB_NUMBERS_WITHOUT_KAKAOTALK,
  STUB_SECRET_KEY,
  STUB_SENDER_NUMBERS,
  STUB_SERVICE_ID,
  STUB_UNIT_COSTS,
} from './popbill-stub-fixtures.js';
import {
  applySwitches,
  readBody,
  sendJson,
  type StubFailureSwitches,
  StubRefusal,
} from '../../stub-http.js';

export interface PopbillStubOptions {
  port?: number;
  linkId?: string;
  secretKey?: string;
  serviceId?: string;
  corpNums?: readonly string[];
  senderNumbers?: readonly string[];
  accounts?: Readonly<Record<string, string>>;
  templates?: readonly AlimTalkTemplate[];
  numbersWithoutKakaoTalk?: readonly string[];
  points?: number;
  tokenTtlMs?: number;
  /** Linkhub refuses an `x-lh-date` further than this from its clock (**[U]** ~5 minutes). */
  maxClockSkewMs?: number;
  /** The stub's clock (tests move it to expire tokens). */
  now?: () => number;
  /**
   * The other stubs' deliveries (the Slack stub's alerts), shown in this stub's inbox beside its
   * own: the local stack has one inbox.
   */
  otherInboxes?: ReadonlyArray<() => readonly InboxEntry[]>;
}

/** What `POST /_control` accepts: the failure switches, the member's points, token revocation. */
interface PopbillStubControl extends StubFailureSwitches {
  points?: number;
  /** Forget every issued token (Popbill then answers `-10000033`). */
  revokeTokens?: boolean;
}

export interface PopbillStub {
  url: string;
  close(): Promise<void>;
  control(control: PopbillStubControl): void;
  /** What the stub's "phone network" delivered, and the other inboxes', newest first. */
  inbox(): InboxEntry[];
  /** Token requests it answered (issued or refused), for the cache specs. */
  readonly tokenRequests: number;
}

interface SentText {
  state: number;
  result: string;
  type: 'SMS' | 'LMS';
  receiptNum: string;
  requestNum: string | undefined;
  receiptDT: string;
  resultDT: string;
}

interface SentAts {
  templateCode: string;
  msgs: Array<{
    state: number;
    result: string;
    altResult: string | null;
    altContentType: string | null;
    receiptNum: string;
    requestNum: string | undefined;
    resultDT: string;
  }>;
}

const refuse = (status: number, code: number, message: string) =>
  new StubRefusal(status, { code, message });

/** Popbill's byte counting (EUC-KR: a Hangul syllable is two bytes). */
function eucKrLength(text: string): number {
  let bytes = 0;
  for (const ch of text) bytes += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return bytes;
}

/** Popbill sends what fits and drops the rest: SMS 90 bytes, LMS 2000 (research §3.4). */
function truncateBytes(text: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    bytes += ch.codePointAt(0)! < 0x80 ? 1 : 2;
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

const LIMITS = { SMS: 90, LMS: 2000 } as const;
const RECEIVER = /^0\d{8,10}$/;
const REQUEST_NUM = /^[A-Za-z0-9_-]{1,36}$/;

/**
 * A protocol-faithful Popbill + Linkhub on loopback (research §3.2–3.8): it checks the Linkhub
 * HMAC with clock skew, bearer tokens with their expiry and scopes, registered sender numbers,
 * unique requestNums, approved AlimTalk templates and points, and answers refusals in Popbill's
 * `{code, message}` shape. Every message it accepts lands in its inbox (it plays the phone
 * network; it only runs locally, with fixture people).
 */
export async function startPopbillStub(options: PopbillStubOptions = {}): Promise<PopbillStub> {
  const now = options.now ?? Date.now;
  const serviceId = options.serviceId ?? STUB_SERVICE_ID;
  const senders = new Set(options.senderNumbers ?? STUB_SENDER_NUMBERS);
  const accounts = options.accounts ?? STUB_ACCOUNTS;
  const templates = new Map((options.templates ?? ALIMTALK_TEMPLATES).map((t) => [t.code, t]));
  const withoutKakao = new Set(options.numbersWithoutKakaoTalk ?? STUB_NUMBERS_WITHOUT_KAKAOTALK);
  const auth = new StubLinkhubAuth({
    linkId: options.linkId ?? STUB_LINK_ID,
    secretKey: options.secretKey ?? STUB_SECRET_KEY,
    serviceId,
    corpNums: options.corpNums ?? [STUB_CORP_NUM],
    tokenTtlMs: options.tokenTtlMs ?? 3 * 3_600_000,
    maxClockSkewMs: options.maxClockSkewMs ?? 5 * 60_000,
    now,
  });
  const authorize = (request: IncomingMessage, scope: string) => auth.authorize(request, scope);
  let points = options.points ?? 1_000_000;
  const switches: StubFailureSwitches = {};
  const texts = new Map<string, SentText[]>(); // by `${corpNum}|${requestNum or receiptNum}`
  const ats = new Map<string, SentAts>();
  const requestNums = new Set<string>();
  const inbox: InboxEntry[] = [];
  let receipts = 0;

  const stamp = () => toKstIso(new Date(now())).replace(/\D/g, '').slice(0, 14);
  const nextReceipt = () => `${stamp().slice(0, 8)}${String((receipts += 1)).padStart(10, '0')}`;

  function charge(cost: number) {
    if (points < cost) throw refuse(400, STUB_CODES.outOfPoints, '포인트가 부족합니다.');
    points -= cost;
  }

  function claimRequestNum(corpNum: string, requestNum: unknown): string | undefined {
    if (requestNum === undefined || requestNum === null || requestNum === '') return undefined;
    if (typeof requestNum !== 'string' || !REQUEST_NUM.test(requestNum)) {
      throw refuse(400, STUB_CODES.badRequest, '요청번호가 올바르지 않습니다.');
    }
    if (requestNums.has(`${corpNum}|${requestNum}`)) {
      throw refuse(400, STUB_CODES.duplicateRequestNum, '이미 사용된 요청번호입니다.');
    }
    return requestNum;
  }

  function checkSender(snd: unknown) {
    if (typeof snd !== 'string' || !senders.has(snd)) {
      throw refuse(400, STUB_CODES.senderNotRegistered, '등록되지 않은 발신번호입니다.');
    }
  }

  type Msg = { rcv?: unknown; msg?: unknown; sjt?: unknown };
  function receivers(msgs: unknown): Msg[] {
    if (!Array.isArray(msgs) || msgs.length === 0 || msgs.length > 1000) {
      throw refuse(400, STUB_CODES.badReceiver, '수신자 정보가 올바르지 않습니다.');
    }
    for (const m of msgs as Msg[]) {
      if (typeof m?.rcv !== 'string' || !RECEIVER.test(m.rcv)) {
        throw refuse(400, STUB_CODES.badReceiver, '수신번호가 올바르지 않습니다.');
      }
    }
    return msgs as Msg[];
  }

  function sendText(type: 'SMS' | 'LMS', token: StubToken, body: Record<string, unknown>) {
    checkSender(body.snd);
    const msgs = receivers(body.msgs);
    for (const m of msgs) {
      const text = typeof m.msg === 'string' ? m.msg : body.content;
      if (typeof text !== 'string' || text === '') {
        throw refuse(400, STUB_CODES.badRequest, '메시지 내용이 없습니다.');
      }
    }
    const requestNum = claimRequestNum(token.corpNum, body.requestNum);
    charge(STUB_UNIT_COSTS[type] * msgs.length);
    if (requestNum) requestNums.add(`${token.corpNum}|${requestNum}`);
    const receiptNum = nextReceipt();
    const sent: SentText[] = msgs.map((m) => {
      const text = truncateBytes(
        String(typeof m.msg === 'string' ? m.msg : body.content),
        LIMITS[type],
      );
      const subject = type === 'LMS' ? String(m.sjt ?? body.subject ?? '') : undefined;
      deliver({
        channel: type,
        receiver: String(m.rcv),
        sender: String(body.snd),
        text,
        subject,
        requestNum,
        receiptNum,
      });
      return {
        state: 3,
        result: '100',
        type,
        receiptNum,
        requestNum,
        receiptDT: stamp(),
        resultDT: stamp(),
      };
    });
    texts.set(`${token.corpNum}|r:${receiptNum}`, sent);
    if (requestNum) texts.set(`${token.corpNum}|q:${requestNum}`, sent);
    return { receiptNum };
  }

  function sendAts(token: StubToken, body: Record<string, unknown>) {
    const template = templates.get(String(body.templateCode ?? ''));
    if (!template) throw refuse(400, STUB_CODES.templateNotFound, '승인된 템플릿이 아닙니다.');
    const msgs = receivers(body.msgs);
    const altSendType =
      body.altSendType === 'C' || body.altSendType === 'A' ? body.altSendType : null;
    if (altSendType) checkSender(body.snd);
    for (const m of msgs) {
      const content = typeof m.msg === 'string' ? m.msg : body.content;
      if (typeof content !== 'string' || !matchesTemplate(template.body, content)) {
        throw refuse(400, STUB_CODES.templateMismatch, '템플릿과 내용이 일치하지 않습니다.');
      }
    }
    const requestNum = claimRequestNum(token.corpNum, body.requestNum);
    charge(STUB_UNIT_COSTS.ATS * msgs.length);
    if (requestNum) requestNums.add(`${token.corpNum}|${requestNum}`);
    const receiptNum = nextReceipt();
    const sent: SentAts = { templateCode: template.code, msgs: [] };
    for (const m of msgs) {
      const receiver = String(m.rcv);
      const content = String(typeof m.msg === 'string' ? m.msg : body.content);
      const kakao = !withoutKakao.has(receiver);
      const altText = altSendType === 'A' ? String(body.altContent ?? '') : content;
      const altType = eucKrLength(altText) > LIMITS.SMS ? 'LMS' : 'SMS';
      const fallback = !kakao && altSendType ? altType : null;
      deliver({
        channel: 'ALIMTALK',
        receiver,
        sender: String(body.snd ?? ''),
        text: fallback ? truncateBytes(altText, LIMITS[fallback]) : content,
        templateCode: template.code,
        fallback,
        requestNum,
        receiptNum,
      });
      sent.msgs.push({
        state: 3,
        // [U] codes: `0000` delivered; `3018` stands for "cannot deliver to this user".
        result: kakao ? '0000' : '3018',
        altResult: fallback ? '100' : null,
        altContentType: fallback,
        receiptNum,
        requestNum,
        resultDT: stamp(),
      });
    }
    ats.set(`${token.corpNum}|r:${receiptNum}`, sent);
    if (requestNum) ats.set(`${token.corpNum}|q:${requestNum}`, sent);
    return { receiptNum };
  }

  function accountCheck(url: URL) {
    const bankCode = url.searchParams.get('c') ?? '';
    const accountNumber = url.searchParams.get('n') ?? '';
    if (!/^\d{4}$/.test(bankCode) || !/^\d{1,20}$/.test(accountNumber)) {
      throw refuse(400, STUB_CODES.badBankAccount, '은행코드 또는 계좌번호가 올바르지 않습니다.');
    }
    charge(STUB_UNIT_COSTS.ACCOUNT_CHECK);
    const holder = accounts[`${bankCode}:${accountNumber}`];
    const outcome = holder ? STUB_ACCOUNT_RESULTS.found : STUB_ACCOUNT_RESULTS.noSuchAccount;
    return {
      bankCode,
      accountNumber,
      accountName: holder ?? '',
      checkDate: String(now()),
      ...outcome,
    };
  }

  const otherInboxes = options.otherInboxes ?? [];
  const allEntries = () =>
    mergeInboxes(inbox.toReversed(), ...otherInboxes.map((entries) => entries()));

  function deliver(entry: Omit<InboxEntry, 'id' | 'at'>) {
    inbox.push({ id: String(inbox.length + 1), at: new Date(now()).toISOString(), ...entry });
  }

  function lookup<T>(map: Map<string, T>, token: StubToken, key: string): T {
    const found = map.get(`${token.corpNum}|${key}`);
    if (!found) throw refuse(404, STUB_CODES.notFound, '해당 전송내역이 없습니다.');
    return found;
  }

  async function route(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://stub');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const body = method === 'POST' ? await readBody(request) : '';
    if (path === '/_control' && method === 'POST') {
      const control = parseJson(body) as PopbillStubControl;
      applyControl(control);
      return sendJson(response, 200, { ok: true });
    }
    if (path === '/_inbox' && method === 'GET') return sendJson(response, 200, allEntries());
    if (path === '/inbox' && method === 'GET') {
      const html = inboxPage(allEntries());
      response.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
      return void response.end(html);
    }
    if (applySwitches(switches, path, response)) return;
    const json = () => parseJson(body) as Record<string, unknown>;
    if (method === 'POST' && path === `/${serviceId}/Token`) {
      return sendJson(response, 200, auth.issue(request, path, body));
    }
    let answer: unknown;
    if (method === 'POST' && path === '/SMS')
      answer = sendText('SMS', authorize(request, '150'), json());
    else if (method === 'POST' && path === '/LMS')
      answer = sendText('LMS', authorize(request, '151'), json());
    else if (method === 'POST' && path === '/ATS')
      answer = sendAts(authorize(request, '153'), json());
    else if (method === 'POST' && path === '/EasyFin/AccountCheck') {
      authorize(request, '182');
      answer = accountCheck(url);
    } else if (method === 'GET' && path.startsWith('/Message/Get/')) {
      answer = lookup(texts, authorize(request, '150'), `q:${decodeURIComponent(path.slice(13))}`);
    } else if (method === 'GET' && /^\/Message\/\d{18}$/.test(path)) {
      answer = lookup(texts, authorize(request, '150'), `r:${path.slice(9)}`);
    } else if (method === 'GET' && path.startsWith('/Message/CheckSenderNumber/')) {
      authorize(request, '150');
      checkSender(decodeURIComponent(path.slice(27)));
      answer = { code: 1, message: '등록된 발신번호입니다.' };
    } else if (method === 'GET' && path.startsWith('/KakaoTalk/Get/')) {
      answer = lookup(ats, authorize(request, '153'), `q:${decodeURIComponent(path.slice(15))}`);
    } else if (method === 'GET' && /^\/KakaoTalk\/\d{18}$/.test(path)) {
      answer = lookup(ats, authorize(request, '153'), `r:${path.slice(11)}`);
    } else if (method === 'GET' && path === '/KakaoTalk/ListATSTemplate') {
      authorize(request, '153');
      answer = [...templates.values()].map((t) => ({
        templateCode: t.code,
        templateName: t.name,
        template: t.body,
        plusFriendID: STUB_KAKAO_CHANNEL,
      }));
    } else if (method === 'GET' && path === `/${serviceId}/Point`) {
      authorize(request, 'member');
      answer = { remainPoint: points };
    } else {
      throw refuse(404, STUB_CODES.notFound, '존재하지 않는 API입니다.');
    }
    sendJson(response, 200, answer);
  }

  function applyControl(control: PopbillStubControl) {
    for (const name of ['fail', 'hang', 'malformed'] as const) {
      if (name in control) Object.assign(switches, { [name]: control[name] ?? null });
    }
    if (typeof control.points === 'number') points = control.points;
    if (control.revokeTokens) auth.revokeAll();
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (error instanceof StubRefusal) sendJson(response, error.status, error.body);
      else sendJson(response, 500, { code: -99999999, message: 'stub error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    control: applyControl,
    inbox: allEntries,
    get tokenRequests() {
      return auth.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseJson(body: string): unknown {
  try {
    const value: unknown = JSON.parse(body);
    if (value && typeof value === 'object') return value;
  } catch {
    // answered below
  }
  throw refuse(400, STUB_CODES.badRequest, 'JSON 형식이 올바르지 않습니다.');
}
