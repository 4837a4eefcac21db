import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderRejectedError } from '../../platform/providers/provider-errors.js';
import { type PopbillApi, parseWith } from './popbill-http.js';

/** MessageService scopes (research §3.2): SMS, LMS, MMS. */
export const MESSAGE_SCOPES = ['member', '150', '151', '152'] as const;

/**
 * The code Popbill answers for a `requestNum` this member already used. **[U]**: the research did
 * not find it, so it is configurable (`duplicateRequestNumCode`); the stub answers this one.
 */
export const DEFAULT_DUPLICATE_REQUEST_NUM_CODE = '-14000030';

/**
 * A carrier `result` that means delivered. **[U]**: Popbill's result-code table was not read;
 * configurable (`deliveredResults`), the stub answers `100`.
 */
export const DEFAULT_DELIVERED_RESULTS = ['100'] as const;

const REQUEST_NUM = /^[A-Za-z0-9_-]{1,36}$/;
/** Linkhub/Popbill auth and member codes (`-10…`, `-11…`) and points (`-99…`): not an answer. */
const TOKEN_OR_AUTH = /^-(10|11|99)\d{6}$/;

/**
 * Our outgoing message id as a Popbill `requestNum` (1–36 of `A-Z a-z 0-9 - _`, unique per
 * member): the id itself when it fits, else the first 36 characters of its SHA-256 in base64url,
 * which fit and are the same for the same id (so a redelivered message meets its first send).
 */
export function popbillRequestNum(messageId: string): string {
  if (REQUEST_NUM.test(messageId)) return messageId;
  return createHash('sha256').update(messageId).digest('base64url').slice(0, 36);
}

/** `state` (0 접수, 1 대기, 2 처리중, 3 완료, 4 취소) with `result`, in our terms. */
export type MessageDeliveryState =
  'accepted' | 'waiting' | 'sending' | 'delivered' | 'failed' | 'cancelled';

export function messageDeliveryState(
  state: number,
  result: string | undefined,
  deliveredResults: readonly string[] = DEFAULT_DELIVERED_RESULTS,
): MessageDeliveryState {
  switch (state) {
    case 0:
      return 'accepted';
    case 1:
      return 'waiting';
    case 2:
      return 'sending';
    case 3:
      return result !== undefined && deliveredResults.includes(result) ? 'delivered' : 'failed';
    case 4:
      return 'cancelled';
    default:
      return 'failed';
  }
}

const code = z.union([z.string(), z.number()]).transform(String);
const sentMessage = z.object({
  state: z.number().int(),
  result: code.nullish(),
  type: z.string().nullish(),
  receiptNum: z.string().nullish(),
  requestNum: z.string().nullish(),
  receiptDT: z.string().nullish(),
  resultDT: z.string().nullish(),
});
const receipt = z.object({ receiptNum: z.string().min(1) });

/** A sent message's state; no numbers or text (they are the person's and stay at Popbill). */
export interface MessageResult {
  state: MessageDeliveryState;
  /** `result`, verbatim (the carrier's code). */
  result: string | undefined;
  type: string | undefined;
  receiptNum: string | undefined;
  resultAt: string | undefined;
}

export interface TextMessage {
  /** Our message id: it becomes the `requestNum`. */
  id: string;
  receiver: string;
  content: string;
}

export interface MessageClientOptions {
  /** 발신번호: pre-registered with Popbill (발신번호 사전등록제). */
  sender: string;
  senderName?: string | undefined;
  duplicateRequestNumCode?: string | undefined;
  deliveredResults?: readonly string[] | undefined;
}

/** Popbill MessageService: SMS/LMS sending and result lookup (research §3.4). */
export class PopbillMessageClient {
  constructor(
    private readonly api: PopbillApi,
    private readonly options: MessageClientOptions,
  ) {}

  sendSms(message: TextMessage): Promise<{ receiptNum: string; alreadyAccepted: boolean }> {
    return this.send('SMS', message, undefined);
  }

  sendLms(
    message: TextMessage & { subject: string },
  ): Promise<{ receiptNum: string; alreadyAccepted: boolean }> {
    return this.send('LMS', message, message.subject);
  }

  /** `GET /Message/Get/{requestNum}`: the messages sent under our id (one per receiver). */
  results(messageId: string): Promise<MessageResult[]> {
    return this.lookup(`/Message/Get/${encodeURIComponent(popbillRequestNum(messageId))}`);
  }

  /** `GET /Message/{receiptNum}`: the messages of one 접수번호. */
  resultsByReceipt(receiptNum: string): Promise<MessageResult[]> {
    if (!/^\d{18}$/.test(receiptNum)) throw new RangeError('receipt number must be 18 digits');
    return this.lookup(`/Message/${receiptNum}`);
  }

  private lookup(path: string): Promise<MessageResult[]> {
    return this.api.request({
      operation: 'message.result',
      method: 'GET',
      path,
      scopes: MESSAGE_SCOPES,
      idempotent: true,
      parse: (json) =>
        parseWith(
          z.array(sentMessage),
          'message result',
        )(json).map((m) => ({
          state: messageDeliveryState(m.state, m.result ?? undefined, this.delivered),
          result: m.result ?? undefined,
          type: m.type ?? undefined,
          receiptNum: m.receiptNum ?? undefined,
          resultAt: m.resultDT ?? undefined,
        })),
    });
  }

  /**
   * Whether the configured 발신번호 is registered with Popbill (`GET /Message/CheckSenderNumber/
   * {number}`): `{code: 1}` when it is; Popbill refuses with a code when it is not (the code is
   * **[U]**), which is answered here as false rather than thrown.
   */
  async senderRegistered(): Promise<boolean> {
    try {
      await this.api.request({
        operation: 'message.sender-check',
        method: 'GET',
        path: `/Message/CheckSenderNumber/${encodeURIComponent(this.options.sender)}`,
        scopes: MESSAGE_SCOPES,
        idempotent: true,
        parse: parseWith(z.object({ code: z.literal(1) }), 'sender check'),
      });
      return true;
    } catch (error) {
      if (error instanceof ProviderRejectedError && error.providerCode !== undefined) {
        if (!TOKEN_OR_AUTH.test(error.providerCode)) return false;
      }
      throw error;
    }
  }

  private get delivered(): readonly string[] {
    return this.options.deliveredResults ?? DEFAULT_DELIVERED_RESULTS;
  }

  private async send(
    type: 'SMS' | 'LMS',
    message: TextMessage,
    subject: string | undefined,
  ): Promise<{ receiptNum: string; alreadyAccepted: boolean }> {
    const requestNum = popbillRequestNum(message.id);
    try {
      const { receiptNum } = await this.api.request({
        operation: `${type.toLowerCase()}.send`,
        method: 'POST',
        path: `/${type}`,
        // Request bodies omit empty fields, as the SDK's _stringify does.
        body: {
          snd: this.options.sender,
          ...(this.options.senderName ? { sndnm: this.options.senderName } : {}),
          content: message.content,
          ...(subject ? { subject } : {}),
          requestNum,
          msgs: [{ rcv: message.receiver }],
        },
        scopes: MESSAGE_SCOPES,
        // Not retried by the gateway: a send whose answer was lost may have been accepted. The
        // caller's retry (the outbox redelivering) is safe because Popbill refuses a requestNum
        // it already accepted, which we read as "accepted" below.
        idempotent: false,
        parse: parseWith(receipt, `${type} send`),
      });
      return { receiptNum, alreadyAccepted: false };
    } catch (error) {
      const duplicate = this.options.duplicateRequestNumCode ?? DEFAULT_DUPLICATE_REQUEST_NUM_CODE;
      if (!(error instanceof ProviderRejectedError) || error.providerCode !== duplicate)
        throw error;
      const [first] = await this.results(message.id);
      if (!first?.receiptNum) throw error;
      return { receiptNum: first.receiptNum, alreadyAccepted: true };
    }
  }
}
