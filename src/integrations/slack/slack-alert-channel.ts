import type { WebClient } from '@slack/web-api';
import type { SlackAlertConfig } from '../../config/slack-config.js';
import {
  AlertDeliveryError,
  type AlertChannel,
  type AlertNotice,
} from '../../platform/alerts/alert.js';
import { alertMessage, repeatMessage } from './slack-alert-message.js';
import {
  createSlackWebClient,
  describeSlackFailure,
  type SlackClientOptions,
} from './slack-web-client.js';

const METHOD = 'chat.postMessage';

/**
 * Alerts on Slack through the official Web API client (chat.postMessage as the app's bot). The
 * first notice of a fault opens a message (its ts is the answer's `thread`); each repeat is a
 * short reply in that thread. Critical notices go to their own channel when one is configured.
 *
 * Retries are the pipeline's: a 429 fails at once (`rejectRateLimitedCalls`) with Slack's
 * Retry-After as `retryAfterMs`, and the message stays on the queue and comes back after its
 * visibility timeout (at least as long as Slack asks, for the waits it names); other failures
 * get one quick retry here, then fail as an AlertDeliveryError naming Slack's error code (never
 * the token, which only the client holds).
 */
export class SlackAlertChannel implements AlertChannel {
  readonly name = 'slack';
  readonly #client: WebClient;
  readonly #channel: string;
  readonly #criticalChannel: string;

  constructor(settings: SlackAlertConfig, options: SlackClientOptions = {}) {
    this.#channel = settings.channel;
    this.#criticalChannel = settings.criticalChannel ?? settings.channel;
    this.#client = createSlackWebClient(settings, options);
  }

  async deliver(notice: AlertNotice, thread: string | undefined): Promise<{ thread?: string }> {
    const channel = notice.severity === 'critical' ? this.#criticalChannel : this.#channel;
    const post = thread ? { ...repeatMessage(notice), thread_ts: thread } : alertMessage(notice);
    let ts: string | undefined;
    try {
      const answer = await this.#client.chat.postMessage({
        channel,
        ...post,
        unfurl_links: false,
        unfurl_media: false,
      });
      ts = answer.ts;
    } catch (error) {
      throw deliveryError(error);
    }
    if (thread) return { thread };
    if (!ts) throw new AlertDeliveryError(`Slack answered ${METHOD} without a ts`);
    return { thread: ts };
  }
}

function deliveryError(error: unknown): AlertDeliveryError {
  const { message, retryAfterMs } = describeSlackFailure(METHOD, error);
  return new AlertDeliveryError(message, retryAfterMs);
}
