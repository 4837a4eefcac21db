import { describe, expect, it } from 'vitest';
import { alarmEnvelope } from './cloudwatch-alarm.js';

/** What SNS puts on an SQS queue for a CloudWatch alarm (a subscription without raw delivery). */
function snsOf(change: Record<string, unknown>) {
  return {
    Type: 'Notification',
    MessageId: '5f1c2e0a-9a39-5d7b-8f5e-2f0c1a7f6b11',
    TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:workmatch-alarms',
    Subject: 'ALARM: "api-5xx-rate" in Asia Pacific (Seoul)',
    Message: JSON.stringify(change),
    Timestamp: '2026-12-05T03:00:01.000Z',
  };
}

const ALARM = {
  AlarmName: 'api-5xx-rate',
  AlarmDescription: 'More than 1% of API responses are 5xx',
  AWSAccountId: '123456789012',
  NewStateValue: 'ALARM',
  NewStateReason: 'Threshold Crossed: 1 datapoint [3.2 (05/12/26 02:59:00)] was greater than 1.0',
  StateChangeTime: '2026-12-05T03:00:00.512+0000',
  Region: 'Asia Pacific (Seoul)',
  OldStateValue: 'OK',
  Trigger: { MetricName: '5xxRate', Namespace: 'workmatch/api' },
};

describe('CloudWatch alarms through SNS', () => {
  it('makes an alarm entering ALARM an alert: its name the code, its metric the place, its reason the summary', () => {
    expect(alarmEnvelope(snsOf(ALARM), 'prod')).toMatchObject({
      id: 'alarm-5f1c2e0a-9a39-5d7b-8f5e-2f0c1a7f6b11',
      type: 'alert',
      payload: {
        source: 'alarm',
        severity: 'error',
        code: 'api-5xx-rate',
        where: 'workmatch/api 5xxRate',
        summary: ALARM.NewStateReason,
        at: '2026-12-05T03:00:00.512Z',
        process: 'cloudwatch',
        environment: 'prod',
      },
    });
  });

  it('makes an alarm critical when its name or description says so', () => {
    const critical = alarmEnvelope(snsOf({ ...ALARM, AlarmName: 'db-down-critical' }), 'prod');
    expect(critical?.payload).toMatchObject({ severity: 'critical' });
  });

  it('reads a return to OK as resolved, and anything that is not an alarm as not one', () => {
    expect(alarmEnvelope(snsOf({ ...ALARM, NewStateValue: 'OK' }), 'prod')).toMatchObject({
      type: 'alarm.resolved',
      payload: { alarm: 'api-5xx-rate', state: 'OK' },
    });
    expect(alarmEnvelope({ id: 'e1', type: 'alert', payload: {} }, 'prod')).toBeUndefined();
    expect(alarmEnvelope(snsOf({ nonsense: true }), 'prod')).toBeUndefined();
  });
});
