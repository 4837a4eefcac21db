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

/**
 * The one way this app configures the official Web API client (the alerts and the monthly
 * statistics notice share it), and the one way its failures are told.
 */

export interface SlackClientOptions {
  /** Retries of a failed call (network, 5xx) before it fails; default 1. */
  retries?: number;
  /** Bound on one call (default 10 s): a silent Slack must not hold the worker. */
  timeoutMs?: number;
}

/**
 * The SDK's own log goes to the console, past the JSON log and its redaction; every failure
 * becomes an error of ours that the caller logs, so the SDK says nothing.
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

/**
 * A 429 fails at once (`rejectRateLimitedCalls`) with Slack's Retry-After, for the caller to
 * schedule; other failures get `retries` quick retries.
 */
export function createSlackWebClient(
  settings: Pick<SlackAlertConfig, 'token' | 'apiUrl'>,
  options: SlackClientOptions = {},
): WebClient {
  return new WebClient(settings.token, {
    slackApiUrl: settings.apiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: options.retries ?? 1, factor: 1, minTimeout: 200, maxTimeout: 200 },
    timeout: options.timeoutMs ?? 10_000,
    logger: SILENT,
    // Calls go to the configured API only, whatever a method name looks like.
    allowAbsoluteUrls: false,
  });
}

interface SlackFailure {
  message: string;
  /** From Slack's Retry-After, when it rate limited the call. */
  retryAfterMs?: number;
}

/**
 * What went wrong with `method`, in Slack's words (its error code, the HTTP status), never a
 * credential: the SDK's errors are not passed on, as their fields hold request details.
 */
export function describeSlackFailure(method: string, error: unknown): SlackFailure {
  if (error instanceof WebAPIRateLimitedError) {
    return {
      message: `Slack rate limited ${method} (retry after ${error.retryAfter} s)`,
      retryAfterMs: error.retryAfter * 1_000,
    };
  }
  if (error instanceof WebAPIPlatformError) {
    return { message: `Slack refused ${method}: ${error.data.error}` };
  }
  if (error instanceof WebAPIHTTPError) {
    return { message: `Slack answered HTTP ${error.statusCode} to ${method}` };
  }
  if (error instanceof WebAPIRequestError) {
    const cause = error.original.cause as { code?: unknown } | undefined;
    const reason = typeof cause?.code === 'string' ? cause.code : error.original.message;
    return { message: `Slack could not be reached for ${method}: ${reason}` };
  }
  // A 429 without a usable Retry-After, or anything else the client threw.
  const message = error instanceof Error ? error.message : String(error);
  return { message: `Slack ${method} failed: ${message}` };
}
