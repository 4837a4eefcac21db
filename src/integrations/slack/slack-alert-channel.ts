import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { SlackAlertConfig } from '../../config/slack-config.js';
import {
  AlertDeliveryError,
  type AlertChannel,
  type AlertNotice,
} from '../../platform/alerts/alert.js';
import { alertMessage, repeatMessage } from './slack-alert-message.js';

interface SlackAlertChannelOptions {
  /** Retries of a failed call (network, 5xx) before it becomes an AlertDeliveryError; default 1. */
  retries?: number;
  /** Bound on one call (default 10 s): a silent Slack must not hold the worker. */
  timeoutMs?: number;
}

/**
 * The SDK's own log goes to the console, past the JSON log and its redaction; every failure here
 * becomes an AlertDeliveryError that the pipeline logs, so the SDK says nothing.
 */
const SILENT: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

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

  constructor(settings: SlackAlertConfig, options: SlackAlertChannelOptions = {}) {
    this.#channel = settings.channel;
    this.#criticalChannel = settings.criticalChannel ?? settings.channel;
    this.#client = new WebClient(settings.token, {
      slackApiUrl: settings.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: options.retries ?? 1, factor: 1, minTimeout: 200, maxTimeout: 200 },
      timeout: options.timeoutMs ?? 10_000,
      logger: SILENT,
      // Calls go to the configured API only, whatever a method name looks like.
      allowAbsoluteUrls: false,
    });
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

/** What went wrong, in Slack's words (its error code, the HTTP status), never a credential. */
function deliveryError(error: unknown): AlertDeliveryError {
  if (error instanceof WebAPIRateLimitedError) {
    return new AlertDeliveryError(
      `Slack rate limited ${METHOD} (retry after ${error.retryAfter} s)`,
      error.retryAfter * 1_000,
    );
  }
  if (error instanceof WebAPIPlatformError) {
    return new AlertDeliveryError(`Slack refused ${METHOD}: ${error.data.error}`);
  }
  if (error instanceof WebAPIHTTPError) {
    return new AlertDeliveryError(`Slack answered HTTP ${error.statusCode} to ${METHOD}`);
  }
  if (error instanceof WebAPIRequestError) {
    const cause = error.original.cause as { code?: unknown } | undefined;
    const reason = typeof cause?.code === 'string' ? cause.code : error.original.message;
    return new AlertDeliveryError(`Slack could not be reached for ${METHOD}: ${reason}`);
  }
  // A 429 without a usable Retry-After, or anything else the client threw.
  const message = error instanceof Error ? error.message : String(error);
  return new AlertDeliveryError(`Slack ${METHOD} failed: ${message}`);
}
