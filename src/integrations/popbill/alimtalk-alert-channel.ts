import {
  AlertDeliveryError,
  type AlertChannel,
  type AlertNotice,
} from '../../platform/alerts/alert.js';
import { formatKstMinute, kstTime } from '../../platform/time/kst.js';
import { ALERT_TEMPLATE } from './alimtalk-templates.js';
import type { PopbillKakaoClient } from './kakao.client.js';

export interface AlimTalkAlertOptions {
  /** The on-call phones (`01012345678`). */
  phones: readonly string[];
  /** A repeat of a fault pages again only this long after its last page (AlimTalk costs money). */
  repeatAfterMs: number;
  /** KST `HH:MM` to `HH:MM` (may cross midnight): repeats do not page then; a new fault does. */
  quietHours: { from: string; to: string } | undefined;
  now?: () => Date;
}

function inQuietHours(at: Date, quiet: AlimTalkAlertOptions['quietHours']): boolean {
  if (!quiet) return false;
  const { time } = kstTime(at);
  return quiet.from <= quiet.to
    ? time >= quiet.from && time < quiet.to
    : time >= quiet.from || time < quiet.to;
}

/**
 * Critical alerts to the on-call phones as AlimTalk through Popbill (the approved generic
 * template, SMS when KakaoTalk cannot deliver), throttled harder than Slack: a fault pages at its
 * first notice, then a repeat at most once per `repeatAfterMs`, and never in quiet hours. The
 * channel's `thread` is when it last paged for the fault (the pipeline keeps it per fault). The
 * message id is the fault's and its last event's, so a redelivered notice is one AlimTalk (Popbill
 * refuses a request number twice, which the client reads as accepted).
 */
export class AlimTalkAlertChannel implements AlertChannel {
  readonly name = 'alimtalk';

  constructor(
    private readonly kakao: PopbillKakaoClient,
    private readonly options: AlimTalkAlertOptions,
  ) {}

  async deliver(notice: AlertNotice, thread: string | undefined): Promise<{ thread?: string }> {
    const now = (this.options.now ?? (() => new Date()))();
    const lastPaged = thread ? Date.parse(thread) : Number.NaN;
    if (notice.repeat) {
      if (now.getTime() - lastPaged < this.options.repeatAfterMs) return { thread };
      if (inQuietHours(now, this.options.quietHours)) return { thread };
    }
    const params = {
      environment: notice.environment,
      severity: notice.severity,
      code: notice.code,
      where: notice.where,
      count: String(notice.count),
      lastAt: formatKstMinute(notice.lastAt),
    };
    for (const [index, receiver] of this.options.phones.entries()) {
      try {
        await this.kakao.sendAlimTalk({
          id: `alert-${notice.fingerprint}-${notice.lastAt.getTime()}-${index}`,
          template: ALERT_TEMPLATE,
          params,
          receiver,
        });
      } catch (error) {
        // The phone is personal data: the page is named by its place in the list.
        throw new AlertDeliveryError(
          `AlimTalk to on-call phone #${index + 1} failed: ${error instanceof Error ? error.name : 'error'}`,
        );
      }
    }
    return { thread: now.toISOString() };
  }
}
