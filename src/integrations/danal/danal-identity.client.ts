import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { ProviderGateway, providerFetch } from '../../platform/providers/provider-gateway.js';
import {
  IdentityVerificationFailed,
  type IdentityVerificationCallback,
  type IdentityVerificationSession,
  type IdentityVerificationStart,
  type IdentityVerifier,
  type VerifiedIdentity,
} from '../../modules/workers/ports/identity-verifier.port.js';
import { type DanalCharset, decodeDanalForm, encodeDanalForm } from './danal-form.js';

export interface DanalIdentityOptions {
  /** Both server calls: `https://uas.teledit.com/uas/` (no sandbox host is known). */
  uasUrl: string;
  /** The browser step: `https://wauth.teledit.com/Danal/WebAuth/Web/Start.php`. */
  windowUrl: string;
  cpId: string;
  cpPwd: string;
  /** Shown to the person in Danal's window (site URL or app name). */
  cpTitle: string;
  /** Where Danal sends the browser on error or cancel; the return URL when not given. */
  backUrl?: string;
  charset?: DanalCharset;
  /**
   * How long a TID can be confirmed: Danal's expiry is "tens of minutes" ([P] in providers.md),
   * so configurable; the session's `expiresAt` follows it.
   */
  tidTtlSeconds?: number;
  gateway?: ProviderGateway;
  now?: () => Date;
}

/** Ready-answer fields that are ours, not for the window (the sample forwards all the rest). */
const NOT_FORWARDED = new Set(['RETURNCODE', 'RETURNMSG']);
const OK = '0000';

/**
 * Danal 휴대폰 본인인증 (UAS) behind {@link IdentityVerifier}: the ready call for a TID, the form to
 * Start.php, and the CONFIRM call with the TID Danal posted back to TARGETURL.
 */
export class DanalIdentityClient implements IdentityVerifier {
  readonly gateway: ProviderGateway;
  private readonly charset: DanalCharset;
  private readonly now: () => Date;

  constructor(private readonly options: DanalIdentityOptions) {
    this.gateway = options.gateway ?? new ProviderGateway('danal');
    this.charset = options.charset ?? 'EUC-KR';
    this.now = options.now ?? (() => new Date());
  }

  async start(request: IdentityVerificationStart): Promise<IdentityVerificationSession> {
    const issuedAt = this.now().getTime();
    // A ready call only issues a TID: repeating it leaves an unused TID behind, nothing more.
    const answer = await this.gateway.call('ready', { idempotent: true }, (signal) =>
      this.post(
        {
          TXTYPE: 'ITEMSEND',
          SERVICE: 'UAS',
          AUTHTYPE: '36',
          CPID: this.options.cpId,
          CPPWD: this.options.cpPwd,
          TARGETURL: request.returnUrl,
          CPTITLE: this.options.cpTitle,
          ORDERID: request.requestId,
        },
        signal,
      ),
    );
    // No person is involved yet: a refusal is about us (credentials, the IP block 0086).
    if (answer.RETURNCODE !== OK) throw new ProviderRejectedError('danal', answer.RETURNCODE!);
    const tid = answer.TID;
    if (!tid) throw new ProviderBadResponseError('danal', 'ready answer without TID');
    const forwarded = Object.fromEntries(
      Object.entries(answer).filter(([key]) => !NOT_FORWARDED.has(key)),
    );
    return {
      provider: 'danal',
      transactionId: tid,
      form: {
        action: this.options.windowUrl,
        method: 'POST',
        fields: {
          ...forwarded,
          BgColor: '00',
          BackURL: this.options.backUrl ?? request.returnUrl,
          IsCharSet: this.charset,
        },
      },
      expiresAt: new Date(issuedAt + (this.options.tidTtlSeconds ?? 1200) * 1000),
      // Not key material: the order id, for Danal to cross-check at CONFIRM (CONFIRMOPTION=1).
      secret: JSON.stringify({ v: 1, orderId: request.requestId }),
    };
  }

  async confirm(callback: IdentityVerificationCallback): Promise<VerifiedIdentity> {
    if (callback.fields.TID === undefined) {
      // Danal sends the browser to BackURL (our return URL) without a TID when the person
      // cancelled or the window failed: nobody was verified.
      throw new IdentityVerificationFailed('danal', 'cancelled', 'Danal: cancelled or failed.');
    }
    if (callback.fields.TID !== callback.transactionId) {
      throw new ProviderBadResponseError('danal', 'TID of another session');
    }
    const orderId = orderIdOf(callback.secret);
    // Not retried: a TID confirms once, so a retry after a lost answer would be refused as used.
    const answer = await this.gateway.call('confirm', { idempotent: false }, (signal) =>
      this.post(
        {
          TXTYPE: 'CONFIRM',
          TID: callback.transactionId,
          CONFIRMOPTION: '1',
          CPID: this.options.cpId,
          ORDERID: orderId,
          IDENOPTION: '1',
        },
        signal,
      ),
    );
    // Thrown outside the gateway: a person not verified is an answer, not a failing provider.
    const code = answer.RETURNCODE!;
    if (code !== OK) {
      throw new IdentityVerificationFailed('danal', code, `Danal did not verify (code ${code}).`);
    }
    if (answer.TID !== undefined && answer.TID !== callback.transactionId) {
      throw new ProviderBadResponseError('danal', 'confirm answer for another TID');
    }
    return toIdentity(answer, callback.transactionId);
  }

  private async post(
    fields: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Record<string, string>> {
    const response = await providerFetch('danal', this.options.uasUrl, {
      method: 'POST',
      headers: { 'content-type': `application/x-www-form-urlencoded; charset=${this.charset}` },
      body: encodeDanalForm(fields, this.charset),
      signal,
    });
    if (response.status >= 500)
      throw new ProviderUnavailableError('danal', String(response.status));
    if (!response.ok) throw new ProviderRejectedError('danal', String(response.status));
    const answer = decodeDanalForm(Buffer.from(await response.arrayBuffer()), this.charset);
    const code = answer.RETURNCODE;
    if (!code || !/^-?\w{1,8}$/.test(code)) {
      throw new ProviderBadResponseError('danal', 'answer without RETURNCODE');
    }
    return answer;
  }
}

function orderIdOf(secret: string | undefined): string {
  try {
    const parsed = JSON.parse(secret ?? '') as { orderId?: unknown };
    if (typeof parsed.orderId === 'string') return parsed.orderId;
  } catch {
    // falls through
  }
  throw new IdentityVerificationFailed('danal', 'session_lost', 'The Danal session is unknown.');
}

/**
 * `SEX` is 1/2 or 1/0 ([U] in providers.md); both read the same here, and the resident-number
 * digits of later centuries (3/4, 5/6, 7/8) too.
 */
function genderOf(sex: string | undefined): VerifiedIdentity['gender'] {
  if (sex && '1357'.includes(sex)) return 'male';
  if (sex && '02468'.includes(sex)) return 'female';
  return undefined;
}

function toIdentity(answer: Record<string, string>, tid: string): VerifiedIdentity {
  const required = (name: string): string => {
    const value = answer[name];
    if (!value) throw new ProviderBadResponseError('danal', `confirm answer without ${name}`);
    return value;
  };
  const dob = /^(\d{4})(\d{2})(\d{2})$/.exec(required('DOB'));
  if (!dob) throw new ProviderBadResponseError('danal', 'DOB is not YYYYMMDD');
  const gender = genderOf(answer.SEX);
  return {
    provider: 'danal',
    name: required('NAME'),
    birthDate: `${dob[1]}-${dob[2]}-${dob[3]}`,
    ...(gender ? { gender } : {}),
    phone: required('PHONE'),
    ci: required('CI'),
    di: required('DI'),
    reference: tid,
  };
}
