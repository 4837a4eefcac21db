import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlertChannel, AlertEvent, AlertNotice } from './alert.js';
import type { AlertStore, FingerprintState } from './alert-store.js';

export interface AlertPipelineOptions {
  /** Repeats of one fault within this window become one notice with a count. */
  groupWindowMs: number;
  /** Notices across all faults per minute; the rest wait for the next minute's flush. */
  maxNoticesPerMinute: number;
  /** A CloudWatch Logs Insights link for a fault's events (AWS), or undefined locally. */
  logsQueryUrl?: (fault: { code: string; where: string }) => string | undefined;
}

/** The same fault whatever its message: its code, where it happened and the top frame. */
function fingerprintOf(event: Pick<AlertEvent, 'code' | 'where' | 'topFrame'>): string {
  return createHash('sha256')
    .update(`${event.code}\n${event.where}\n${event.topFrame ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * The worker's alert pipeline (the alerts queue's consumer): each event is counted once into its
 * fault's fingerprint (a redelivered message is not counted again), and a notice goes out at the
 * first event of a fault and then at most once per group window with the count of what happened
 * since (`flush`, every minute, sends what waited), within a global budget per minute. Slack gets
 * every notice; AlimTalk (when there is such a channel) only critical ones. A Slack failure
 * leaves the message on the queue for a retry (its claim released, nothing counted twice); an
 * AlimTalk failure is logged and does not hold Slack back.
 */
export class AlertPipeline {
  constructor(
    private readonly deps: {
      store: AlertStore;
      channels: readonly AlertChannel[];
      logger: Logger;
      options: AlertPipelineOptions;
    },
  ) {}

  async handle(event: AlertEvent, now = new Date()): Promise<void> {
    const fingerprint = fingerprintOf(event);
    await this.deps.store.count(fingerprint, event, now);
    await this.notify(fingerprint, now);
    await this.deps.store.markDone(event.id);
  }

  /** Sends the notices that waited for their window or the minute's budget. */
  async flush(now = new Date()): Promise<number> {
    let sent = 0;
    for (const fingerprint of await this.deps.store.due(now, this.deps.options.groupWindowMs)) {
      if (await this.notify(fingerprint, now)) sent += 1;
    }
    return sent;
  }

  private async notify(fingerprint: string, now: Date): Promise<boolean> {
    const { store, options } = this.deps;
    const claim = await store.claimNotice(fingerprint, now, options.groupWindowMs);
    if (!claim) return false;
    if (!(await store.takeMinuteSlot(now, options.maxNoticesPerMinute))) {
      await store.releaseNotice(fingerprint, now, claim.previous);
      return false;
    }
    const { state } = claim;
    const notice = this.noticeOf(state);
    const threads = { ...state.threads };
    for (const channel of this.deps.channels) {
      if (channel.name === 'alimtalk' && notice.severity !== 'critical') continue;
      try {
        const answer = await channel.deliver(notice, state.threads[channel.name]);
        if (answer.thread) threads[channel.name] = answer.thread;
      } catch (error) {
        if (channel.name !== 'slack') {
          this.deps.logger.warn(
            { err: error, channel: channel.name, fingerprint },
            'alert channel failed; the notice went to the others',
          );
          continue;
        }
        await store.releaseNotice(fingerprint, now, claim.previous);
        throw error;
      }
    }
    await store.delivered(fingerprint, state.pending, threads);
    return true;
  }

  private noticeOf(state: FingerprintState): AlertNotice {
    return {
      fingerprint: state._id,
      severity: state.severity,
      source: state.source,
      code: state.code,
      where: state.where,
      summary: state.summary,
      count: state.pending,
      firstAt: state.firstAt ?? state.lastAt,
      lastAt: state.lastAt,
      // Absent until an event brought one (a job's failure has none).
      requestIds: state.requestIds ?? [],
      environment: state.environment,
      logsQueryUrl: this.deps.options.logsQueryUrl?.({ code: state.code, where: state.where }),
      repeat: state.notices > 0,
    };
  }
}
