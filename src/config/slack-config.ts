import { z } from 'zod';

/**
 * Slack, where alerts go (issue 14), beside the main schema as the identity providers' variables
 * are. Optional as a group: without a bot token there is no Slack channel (`alerts.slack` is
 * undefined); once any of it is given in aws mode, the token and the channel are both needed. In
 * local mode everything defaults to the Slack stub the launcher starts, with its fixture token
 * and channels.
 */

const port = z.coerce.number().int().min(1).max(65_535);

export const SLACK_ENV = {
  SLACK_BOT_TOKEN: z
    .string()
    .regex(/^xoxb-[A-Za-z0-9-]+$/, { message: "expected the Slack app's bot token (xoxb-…)" })
    .optional(),
  // A channel id (C…, G…) or a public channel's name; ids survive a rename.
  SLACK_ALERT_CHANNEL: z
    .string()
    .regex(/^([CG][A-Z0-9]{8,}|#?[a-z0-9][a-z0-9._-]{0,79})$/, {
      message: 'expected a Slack channel id (C0123ABCDE) or name (workmatch-alerts)',
    })
    .optional(),
  SLACK_CRITICAL_CHANNEL: z
    .string()
    .regex(/^([CG][A-Z0-9]{8,}|#?[a-z0-9][a-z0-9._-]{0,79})$/, {
      message: 'expected a Slack channel id (C0123ABCDE) or name (workmatch-critical)',
    })
    .optional(),
  // Where the monthly statistics are announced; SLACK_ALERT_CHANNEL when not given.
  SLACK_STATS_CHANNEL: z
    .string()
    .regex(/^([CG][A-Z0-9]{8,}|#?[a-z0-9][a-z0-9._-]{0,79})$/, {
      message: 'expected a Slack channel id (C0123ABCDE) or name (workmatch-stats)',
    })
    .optional(),
  SLACK_API_URL: z
    .url({
      protocol: /^https?$/,
      message: 'expected the Web API base URL, such as https://slack.com/api/',
    })
    .transform((u) => (u.endsWith('/') ? u : `${u}/`))
    .optional(),
  LOCAL_SLACK_PORT: port.default(9342),
};

type SlackEnv = z.infer<z.ZodObject<typeof SLACK_ENV>> & { APP_MODE: 'local' | 'aws' };

/** Where alerts are posted, through the Web API's chat.postMessage. */
export interface SlackAlertConfig {
  /** The bot token (`xoxb-…`, scope `chat:write`). Secret: named `token` so logs redact it. */
  token: string;
  /** Every alert's channel (an id, or a public channel's name). */
  channel: string;
  /** Critical alerts' channel, when they have their own; else `channel`. */
  criticalChannel: string | undefined;
  /** The Web API's base URL, ending in `/` (Slack's; the stub's in local mode). */
  apiUrl: string;
}

/**
 * What the local Slack stub accepts: its fixtures (src/integrations/slack/stub; config sits below
 * the integrations and cannot import them, so a spec checks the two agree). Not a real token.
 */
export const LOCAL_SLACK_DEFAULTS = {
  token: 'xoxb-0000000000-0000000000000-workmatchlocalstub',
  channel: 'C0ALERTS00',
  criticalChannel: 'C0CRITICAL',
} as const;

const SLACK_API = 'https://slack.com/api/';

const GROUP: Array<[keyof SlackEnv, string]> = [
  ['SLACK_BOT_TOKEN', "the Slack app's bot token"],
  ['SLACK_ALERT_CHANNEL', 'the channel alerts are posted to'],
];

/** In aws mode Slack is optional, but once one SLACK_ variable is given, token and channel are needed. */
export function refineSlackEnv(env: SlackEnv, ctx: z.RefinementCtx): void {
  if (env.APP_MODE !== 'aws') return;
  const given =
    env.SLACK_BOT_TOKEN !== undefined ||
    env.SLACK_ALERT_CHANNEL !== undefined ||
    env.SLACK_CRITICAL_CHANNEL !== undefined ||
    env.SLACK_API_URL !== undefined;
  if (!given) return;
  for (const [name, what] of GROUP) {
    if (env[name] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `required in aws mode when Slack is used: ${what}`,
      });
    }
  }
}

export function slackConfig(e: SlackEnv): SlackAlertConfig | undefined {
  const local = e.APP_MODE === 'local';
  const d = LOCAL_SLACK_DEFAULTS;
  const token = e.SLACK_BOT_TOKEN ?? (local ? d.token : undefined);
  const channel = e.SLACK_ALERT_CHANNEL ?? (local ? d.channel : undefined);
  if (!token || !channel) return undefined;
  return {
    token,
    channel,
    // The stub's critical channel only beside its alert channel, never beside a channel of yours.
    criticalChannel:
      e.SLACK_CRITICAL_CHANNEL ?? (local && !e.SLACK_ALERT_CHANNEL ? d.criticalChannel : undefined),
    apiUrl: e.SLACK_API_URL ?? (local ? `http://127.0.0.1:${e.LOCAL_SLACK_PORT}/api/` : SLACK_API),
  };
}
