import { describe, expect, it } from 'vitest';
import { redact, REDACT_CENSOR } from '../platform/logging/redaction.js';
import { ConfigError, loadConfig } from './config.js';

const awsEnv = {
  APP_MODE: 'aws',
  EMBEDDED_DB_DIR: '/tmp/unused',
  FIELD_KEYS_DIR: '/tmp/unused',
  COGNITO_USER_POOL_ID: 'ap-northeast-2_AbCdEf123',
  COGNITO_CLIENT_ID: 'client',
  S3_BUCKET: 'bucket',
  SQS_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/1/events',
};
const TOKEN = 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('loadConfig: Slack alerts', () => {
  it('locally posts to the Slack stub on LOCAL_SLACK_PORT with its token and channels', () => {
    const sut = loadConfig({ APP_MODE: 'local', LOCAL_SLACK_PORT: '9400' });
    expect(sut.local.slackPort).toBe(9400);
    expect(sut.alerts.slack).toEqual({
      token: 'xoxb-0000000000-0000000000000-workmatchlocalstub',
      channel: 'C0ALERTS00',
      criticalChannel: 'C0CRITICAL',
      apiUrl: 'http://127.0.0.1:9400/api/',
    });
  });

  it('uses the Slack stub’s own fixture token and channels by default', async () => {
    const stub = await import('../integrations/slack/stub/slack-stub-fixtures.js');
    const { LOCAL_SLACK_DEFAULTS: d } = await import('./slack-config.js');
    expect(d.token).toBe(stub.STUB_BOT_TOKEN);
    const members = stub.STUB_CHANNELS.filter((c) => c.member).map((c) => c.id);
    expect(members).toEqual(expect.arrayContaining([d.channel, d.criticalChannel]));
  });

  it('locally keeps a channel you name for critical alerts too, not the stub’s critical one', () => {
    const sut = loadConfig({ APP_MODE: 'local', SLACK_ALERT_CHANNEL: 'workmatch-alerts' });
    expect(sut.alerts.slack).toMatchObject({
      channel: 'workmatch-alerts',
      criticalChannel: undefined,
    });
  });

  it('in aws mode without a bot token has no Slack channel', () => {
    expect(loadConfig(awsEnv).alerts.slack).toBeUndefined();
  });

  it("in aws mode with a token and a channel posts to Slack's Web API, critical ones to their channel", () => {
    const sut = loadConfig({
      ...awsEnv,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_ALERT_CHANNEL: 'C0123ABCDE',
      SLACK_CRITICAL_CHANNEL: 'C0999ZZZZZ',
    });
    expect(sut.alerts.slack).toEqual({
      token: TOKEN,
      channel: 'C0123ABCDE',
      criticalChannel: 'C0999ZZZZZ',
      apiUrl: 'https://slack.com/api/',
    });
  });

  it('in aws mode names the token or the channel missing once any SLACK_ variable is set', () => {
    expect(issuesOf({ ...awsEnv, SLACK_BOT_TOKEN: TOKEN })).toEqual([
      'SLACK_ALERT_CHANNEL is not set: required in aws mode when Slack is used: the channel alerts are posted to',
    ]);
    expect(issuesOf({ ...awsEnv, SLACK_CRITICAL_CHANNEL: 'C0999ZZZZZ' })).toEqual([
      "SLACK_BOT_TOKEN is not set: required in aws mode when Slack is used: the Slack app's bot token",
      'SLACK_ALERT_CHANNEL is not set: required in aws mode when Slack is used: the channel alerts are posted to',
    ]);
  });

  it('refuses a token that is not a bot token without echoing it, and a malformed channel', () => {
    const issues = issuesOf({
      APP_MODE: 'local',
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      SLACK_ALERT_CHANNEL: 'Not A Channel',
    });
    expect(issues).toEqual([
      "SLACK_BOT_TOKEN is malformed: expected the Slack app's bot token (xoxb-…)",
      'SLACK_ALERT_CHANNEL is malformed: expected a Slack channel id (C0123ABCDE) or name (workmatch-alerts)',
    ]);
    expect(issues.join('\n')).not.toContain('secret');
  });

  it('keeps the bot token out of a logged configuration', () => {
    const sut = loadConfig({
      ...awsEnv,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_ALERT_CHANNEL: 'C0123ABCDE',
    });
    const logged = JSON.stringify(redact({ config: sut }));
    expect(logged).not.toContain(TOKEN);
    expect(logged).toContain(`"token":"${REDACT_CENSOR}"`);
  });

  it('ends SLACK_API_URL with a slash, as the Web API client joins method names to it', () => {
    const sut = loadConfig({ APP_MODE: 'local', SLACK_API_URL: 'http://127.0.0.1:9500/api' });
    expect(sut.alerts.slack?.apiUrl).toBe('http://127.0.0.1:9500/api/');
  });
});
