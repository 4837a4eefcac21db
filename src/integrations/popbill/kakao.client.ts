import { z } from 'zod';
import { ProviderRejectedError } from '../../platform/providers/provider-errors.js';
import { type AlimTalkTemplate, fillTemplate } from './alimtalk-templates.js';
import {
  DEFAULT_DELIVERED_RESULTS,
  DEFAULT_DUPLICATE_REQUEST_NUM_CODE,
  popbillRequestNum,
} from './message.client.js';
import { type PopbillApi, parseWith } from './popbill-http.js';

/** KakaoService scopes (research §3.2): ATS, FTS, FMS. */
const KAKAO_SCOPES = ['member', '153', '154', '155'] as const;

/**
 * The AlimTalk `result` that means delivered in KakaoTalk. **[U]**: the result tables (research
 * §3.6) were not read; configurable (`deliveredResults`), the stub answers `0000`.
 */
const DEFAULT_ALIMTALK_DELIVERED_RESULTS = ['0000'] as const;

/**
 * `altSendType` `C`: when KakaoTalk cannot deliver (no KakaoTalk on that number, blocked, …)
 * Popbill sends the same text as SMS (LMS when longer), from our registered sender number.
 */
const FALLBACK_SAME_CONTENT = 'C';

const code = z.union([z.string(), z.number()]).transform(String);
const kakaoSentInfo = z.object({
  templateCode: z.string().nullish(),
  msgs: z.array(
    z.object({
      state: z.number().int(),
      result: code.nullish(),
      altResult: code.nullish(),
      altContentType: z.union([z.string(), z.number()]).nullish(),
      receiptNum: z.string().nullish(),
      resultDT: z.string().nullish(),
    }),
  ),
});

type AlimTalkDeliveryState =
  'pending' | 'delivered' | 'fallback_delivered' | 'failed' | 'cancelled';

/** One AlimTalk's state; no number and no text. */
export interface AlimTalkResult {
  state: AlimTalkDeliveryState;
  result: string | undefined;
  /** The fallback SMS/LMS's carrier result, when one was sent. */
  altResult: string | undefined;
  templateCode: string | undefined;
}

export interface AlimTalk {
  /** Our message id: it becomes the `requestNum`. */
  id: string;
  template: AlimTalkTemplate;
  params: Readonly<Record<string, string>>;
  receiver: string;
}

export interface KakaoClientOptions {
  /** The registered sender number, for the SMS fallback. */
  sender: string;
  duplicateRequestNumCode?: string | undefined;
  deliveredResults?: readonly string[] | undefined;
  altDeliveredResults?: readonly string[] | undefined;
}

/** Popbill KakaoService: AlimTalk (`POST /ATS`) with SMS fallback, and its results (§3.6). */
export class PopbillKakaoClient {
  constructor(
    private readonly api: PopbillApi,
    private readonly options: KakaoClientOptions,
  ) {}

  async sendAlimTalk(message: AlimTalk): Promise<{ receiptNum: string; alreadyAccepted: boolean }> {
    const content = fillTemplate(message.template, message.params);
    try {
      const { receiptNum } = await this.api.request({
        operation: 'alimtalk.send',
        method: 'POST',
        path: '/ATS',
        body: {
          templateCode: message.template.code,
          snd: this.options.sender,
          content,
          altSendType: FALLBACK_SAME_CONTENT,
          requestNum: popbillRequestNum(message.id),
          msgs: [{ rcv: message.receiver }],
        },
        scopes: KAKAO_SCOPES,
        // As for SMS: not retried by the gateway; a redelivery meets Popbill's refusal of a
        // requestNum it already accepted, read as "accepted" below.
        idempotent: false,
        parse: parseWith(z.object({ receiptNum: z.string().min(1) }), 'ATS send'),
      });
      return { receiptNum, alreadyAccepted: false };
    } catch (error) {
      const duplicate = this.options.duplicateRequestNumCode ?? DEFAULT_DUPLICATE_REQUEST_NUM_CODE;
      if (!(error instanceof ProviderRejectedError) || error.providerCode !== duplicate)
        throw error;
      const sent = await this.sentInfo(message.id);
      const receiptNum = sent.msgs[0]?.receiptNum;
      if (!receiptNum) throw error;
      return { receiptNum, alreadyAccepted: true };
    }
  }

  /** `GET /KakaoTalk/Get/{requestNum}`: each receiver's state under our id. */
  async results(messageId: string): Promise<AlimTalkResult[]> {
    const sent = await this.sentInfo(messageId);
    const delivered = this.options.deliveredResults ?? DEFAULT_ALIMTALK_DELIVERED_RESULTS;
    const altDelivered = this.options.altDeliveredResults ?? DEFAULT_DELIVERED_RESULTS;
    return sent.msgs.map((m) => {
      const result = m.result ?? undefined;
      const altResult = m.altResult ?? undefined;
      // The state codes follow MessageService's (0 접수, 1 대기, 2 처리중, 3 완료, 4 취소) [P].
      const state: AlimTalkDeliveryState =
        m.state === 4
          ? 'cancelled'
          : m.state < 3
            ? 'pending'
            : result !== undefined && delivered.includes(result)
              ? 'delivered'
              : altResult !== undefined && altDelivered.includes(altResult)
                ? 'fallback_delivered'
                : 'failed';
      return { state, result, altResult, templateCode: sent.templateCode ?? undefined };
    });
  }

  /**
   * What keeps the templates in code from being sent: each one Popbill does not list as approved
   * under `channel` (`GET /KakaoTalk/ListATSTemplate`), or lists with another body. Kakao refuses
   * such a message, so the worker reports them at start instead of at the first send.
   */
  async templateProblems(
    templates: readonly AlimTalkTemplate[],
    channel: string | undefined,
  ): Promise<string[]> {
    const approved = await this.api.request({
      operation: 'alimtalk.templates',
      method: 'GET',
      path: '/KakaoTalk/ListATSTemplate',
      scopes: KAKAO_SCOPES,
      idempotent: true,
      parse: parseWith(
        z.array(
          z.object({
            templateCode: z.string(),
            template: z.string().nullish(),
            plusFriendID: z.string().nullish(),
          }),
        ),
        'ATS template list',
      ),
    });
    const byCode = new Map(approved.map((t) => [t.templateCode, t]));
    return templates.flatMap((t) => {
      const found = byCode.get(t.code);
      if (!found) return [`${t.code} (${t.name}) is not an approved template`];
      if (channel && found.plusFriendID && found.plusFriendID !== channel) {
        return [`${t.code} (${t.name}) is approved under another channel`];
      }
      return found.template === t.body
        ? []
        : [`${t.code} (${t.name}) differs from the approved text`];
    });
  }

  private sentInfo(messageId: string) {
    return this.api.request({
      operation: 'alimtalk.result',
      method: 'GET',
      path: `/KakaoTalk/Get/${encodeURIComponent(popbillRequestNum(messageId))}`,
      scopes: KAKAO_SCOPES,
      idempotent: true,
      parse: parseWith(kakaoSentInfo, 'ATS result'),
    });
  }
}
