/**
 * The Slack stub's workspace: the bot token it accepts and its channels, the same values the local
 * stack's configuration defaults to (config/slack-config.ts), so `npm start` posts alerts to the
 * stub with no setup. None of it is real.
 */

export const STUB_BOT_TOKEN = 'xoxb-0000000000-0000000000000-workmatchlocalstub';

export interface SlackStubChannel {
  id: string;
  name: string;
  /** Whether the bot was invited: a post to a channel it is not in answers `not_in_channel`. */
  member: boolean;
}

export const STUB_CHANNELS: readonly SlackStubChannel[] = [
  { id: 'C0ALERTS00', name: 'workmatch-alerts', member: true },
  { id: 'C0CRITICAL', name: 'workmatch-critical', member: true },
  // The monthly statistics notice's channel.
  { id: 'C0STATS000', name: 'workmatch-stats', member: true },
  { id: 'C0GENERAL0', name: 'general', member: false },
];
