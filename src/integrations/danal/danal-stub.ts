import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  choicePage,
  escapeHtml,
  startStubServer,
  type StubHandler,
} from '../identity-stub-http.js';
import { type DanalCharset, decodeDanalForm, encodeDanalForm } from './danal-form.js';

/** A person the stub's window can verify. */
interface DanalTestPerson {
  id: string;
  name: string;
  /** YYYYMMDD */
  dob: string;
  sex: '1' | '2';
  phone: string;
  telecom: string;
}

const DANAL_TEST_PERSONS: readonly DanalTestPerson[] = [
  { id: 'park', name: '박서준', dob: '19920714', sex: '1', phone: '01023456789', telecom: 'SKT' },
  { id: 'choi', name: '최지우', dob: '19881120', sex: '2', phone: '01034567890', telecom: 'KTF' },
];

/**
 * RETURNCODEs the stub answers. Danal's full table is in its PDF manual only ([U] in
 * providers.md): 0000 and 0086 are Danal's; the others are the stub's stand-ins, and the client
 * passes any non-0000 code through.
 */
export const DANAL_CODES = {
  ok: '0000',
  ipBlocked: '0086',
  badField: '0010',
  badCredentials: '0013',
  unknownTid: '0301',
  usedTid: '0302',
  expiredTid: '0303',
  notAuthenticated: '0304',
  orderMismatch: '0305',
  cancelled: '0501',
  authFailed: '0502',
} as const;

/** Failures the window offers (stand-in codes, see {@link DANAL_CODES}). */
const DANAL_WINDOW_FAILURES: readonly { code: string; label: string }[] = [
  { code: DANAL_CODES.cancelled, label: '사용자 취소 (cancelled)' },
  { code: DANAL_CODES.authFailed, label: '인증 실패 (authentication failed)' },
];

interface DanalStubFaults {
  /** Every server call answers this RETURNCODE (e.g. `0086`, Danal's IP block). */
  returnCode?: string;
  /** Server calls are accepted and never answered. */
  hang?: boolean;
  /** Server calls answer 200 with a body without RETURNCODE. */
  malformed?: boolean;
  /** Server calls answer 503. */
  down?: boolean;
}

export interface DanalStubOptions {
  port?: number;
  cpId?: string;
  cpPwd?: string;
  /** Seconds a TID can be confirmed after the ready call. */
  tidTtlSeconds?: number;
  now?: () => Date;
}

export interface DanalStub {
  url: string;
  /** The server endpoint (`/uas/`) and the window (`Start.php`) on the stub. */
  uasUrl: string;
  windowUrl: string;
  cpId: string;
  cpPwd: string;
  setFaults(faults: DanalStubFaults): void;
  /** Server calls received, by TXTYPE (what a test counts retries with). */
  readonly calls: { readonly ready: number; readonly confirm: number };
  close(): Promise<void>;
}

interface Transaction {
  orderId: string;
  targetUrl: string;
  expiresAt: number;
  state: 'ready' | 'window' | 'authenticated' | 'failed' | 'confirmed';
  person?: DanalTestPerson;
  failure?: string;
  /** The bypass fields of the window form (`By*`), echoed to TARGETURL. */
  bypass: Record<string, string>;
  charset: DanalCharset;
}

const UAS_PATH = '/uas/';
const WINDOW_PATH = '/Danal/WebAuth/Web/Start.php';
const CHOOSE_PATH = '/Danal/WebAuth/Web/choose';

/**
 * Danal UAS on loopback: the ready call (TXTYPE=ITEMSEND, SERVICE=UAS, AUTHTYPE=36, CPID/CPPWD)
 * issues a TID, Start.php shows test persons and failures and posts the TID back to TARGETURL,
 * and CONFIRM answers the person once per TID, as providers.md §2 describes. Bodies are
 * `key=value&…` in EUC-KR (or UTF-8 when the request says so).
 */
export async function startDanalStub(options: DanalStubOptions = {}): Promise<DanalStub> {
  const cpId = options.cpId ?? 'B010000000';
  const cpPwd = options.cpPwd ?? 'stub-cp-password';
  const ttl = options.tidTtlSeconds ?? 1200;
  const now = options.now ?? (() => new Date());
  let faults: DanalStubFaults = {};
  const transactions = new Map<string, Transaction>();
  const calls = { ready: 0, confirm: 0 };

  const answer = (res: ServerResponse, fields: Record<string, string>, charset: DanalCharset) => {
    res.writeHead(200, { 'content-type': `text/plain; charset=${charset}` });
    res.end(encodeDanalForm(fields, charset));
  };
  const refuse = (res: ServerResponse, code: string, charset: DanalCharset) =>
    answer(res, { RETURNCODE: code, RETURNMSG: `stub refusal ${code}` }, charset);

  const ready = (form: Record<string, string>, res: ServerResponse, charset: DanalCharset) => {
    if (form.CPID !== cpId || form.CPPWD !== cpPwd)
      return refuse(res, DANAL_CODES.badCredentials, charset);
    if (form.SERVICE !== 'UAS' || form.AUTHTYPE !== '36' || !URL.canParse(form.TARGETURL ?? '')) {
      return refuse(res, DANAL_CODES.badField, charset);
    }
    const tid = `${now().getTime()}${randomBytes(6).toString('hex')}`;
    transactions.set(tid, {
      orderId: form.ORDERID ?? '',
      targetUrl: form.TARGETURL!,
      expiresAt: now().getTime() + ttl * 1000,
      state: 'ready',
      bypass: {},
      charset,
    });
    answer(res, { RETURNCODE: DANAL_CODES.ok, RETURNMSG: 'OK', TID: tid }, charset);
  };

  const confirm = (form: Record<string, string>, res: ServerResponse, charset: DanalCharset) => {
    const tid = form.TID ?? '';
    const tx = transactions.get(tid);
    if (!tx) return refuse(res, DANAL_CODES.unknownTid, charset);
    if (tx.state === 'confirmed') return refuse(res, DANAL_CODES.usedTid, charset);
    if (tx.expiresAt <= now().getTime()) return refuse(res, DANAL_CODES.expiredTid, charset);
    if (form.CONFIRMOPTION === '1' && (form.CPID !== cpId || form.ORDERID !== tx.orderId)) {
      return refuse(res, DANAL_CODES.orderMismatch, charset);
    }
    if (tx.state === 'failed') {
      tx.state = 'confirmed';
      return refuse(res, tx.failure!, charset);
    }
    if (tx.state !== 'authenticated' || !tx.person)
      return refuse(res, DANAL_CODES.notAuthenticated, charset);
    tx.state = 'confirmed';
    const p = tx.person;
    const birth: Record<string, string> =
      form.IDENOPTION === '1'
        ? { DOB: p.dob, SEX: p.sex }
        : { IDEN: `${p.dob.slice(2)}${p.dob < '20000000' ? p.sex : String(Number(p.sex) + 2)}` };
    answer(
      res,
      {
        RETURNCODE: DANAL_CODES.ok,
        RETURNMSG: 'OK',
        TID: tid,
        NAME: p.name,
        ...birth,
        PHONE: p.phone,
        TELECOM: p.telecom,
        CI: createHash('sha512').update(`ci:${p.id}`).digest('base64'),
        DI: createHash('sha256').update(`di:${cpId}:${p.id}`).digest('hex'),
        ORDERID: tx.orderId,
      },
      charset,
    );
  };

  const server = (body: Buffer, res: ServerResponse, contentType: string | undefined) => {
    const charset: DanalCharset = /charset=utf-?8/i.test(contentType ?? '') ? 'UTF-8' : 'EUC-KR';
    const form = decodeDanalForm(body, charset);
    if (form.TXTYPE === 'ITEMSEND') calls.ready += 1;
    if (form.TXTYPE === 'CONFIRM') calls.confirm += 1;
    if (faults.hang) return;
    if (faults.down) return void res.writeHead(503).end();
    if (faults.malformed) return void res.writeHead(200).end('<html>error</html>');
    if (faults.returnCode) return refuse(res, faults.returnCode, charset);
    if (form.TXTYPE === 'ITEMSEND') return ready(form, res, charset);
    if (form.TXTYPE === 'CONFIRM') return confirm(form, res, charset);
    refuse(res, DANAL_CODES.badField, charset);
  };

  const page = (res: ServerResponse, status: number, html: string) => {
    res.writeHead(status, { 'content-type': 'text/html;charset=utf-8' }).end(html);
  };

  const openWindow = (body: Buffer, res: ServerResponse) => {
    // The browser posts the form in the charset the page declared (IsCharSet): read as UTF-8
    // unless it says EUC-KR; the TID is ASCII either way.
    const form = Object.fromEntries(new URLSearchParams(body.toString('latin1')));
    const tx = transactions.get(form.TID ?? '');
    if (!tx || tx.state !== 'ready' || tx.expiresAt <= now().getTime()) {
      return page(
        res,
        400,
        '<!doctype html><meta charset="utf-8"><p>Refused: unknown, used or expired TID</p>',
      );
    }
    tx.state = 'window';
    tx.bypass = Object.fromEntries(Object.entries(form).filter(([k]) => k.startsWith('By')));
    page(
      res,
      200,
      choicePage('Danal 휴대폰 본인인증 (stub)', CHOOSE_PATH, { TID: form.TID! }, [
        ...DANAL_TEST_PERSONS.map((p) => ({
          value: `person:${p.id}`,
          label: `${p.name} (${p.dob})`,
        })),
        ...DANAL_WINDOW_FAILURES.map((f) => ({
          value: `fail:${f.code}`,
          label: `${f.code} ${f.label}`,
        })),
      ]),
    );
  };

  /** The person's choice: the browser posts the TID (and the bypass fields) to TARGETURL. */
  const choose = (body: Buffer, res: ServerResponse) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const tid = form.get('TID') ?? '';
    const tx = transactions.get(tid);
    if (!tx || tx.state !== 'window')
      return page(res, 400, '<!doctype html><p>Refused: no open window</p>');
    const [kind, value] = (form.get('choice') ?? '').split(':');
    const person = kind === 'person' ? DANAL_TEST_PERSONS.find((p) => p.id === value) : undefined;
    const failure =
      kind === 'fail' ? DANAL_WINDOW_FAILURES.find((f) => f.code === value) : undefined;
    if (!person && !failure) return page(res, 400, '<!doctype html><p>Refused: unknown choice</p>');
    Object.assign(
      tx,
      person ? { state: 'authenticated', person } : { state: 'failed', failure: failure!.code },
    );
    const fields = { TID: tid, ...tx.bypass };
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    page(
      res,
      200,
      `<!doctype html><meta charset="utf-8"><title>Danal</title><body onload="document.forms[0].submit()">` +
        `<form method="POST" action="${escapeHtml(tx.targetUrl)}">${inputs}<noscript><button>계속</button></noscript></form></body>`,
    );
  };

  const handler: StubHandler = (req, body, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    if (req.method === 'POST' && path === '/_control') {
      try {
        faults = JSON.parse(body.toString('utf8') || '{}') as DanalStubFaults;
      } catch {
        return void res.writeHead(400).end();
      }
      return void res.writeHead(204).end();
    }
    if (req.method === 'POST' && path === UAS_PATH)
      return server(body, res, req.headers['content-type']);
    if (req.method === 'POST' && path === WINDOW_PATH) return openWindow(body, res);
    if (req.method === 'POST' && path === CHOOSE_PATH) return choose(body, res);
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end('ok');
    res.writeHead(404).end();
  };

  const http = await startStubServer(options.port ?? 0, handler);
  return {
    url: http.url,
    uasUrl: `${http.url}${UAS_PATH}`,
    windowUrl: `${http.url}${WINDOW_PATH}`,
    cpId,
    cpPwd,
    setFaults: (next) => (faults = { ...next }),
    calls,
    close: () => http.close(),
  };
}
