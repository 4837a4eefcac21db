import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SCHEDULED_JOBS } from '../lib/jobs.js';
import { templateOf } from './app.js';

type Resources = Record<string, { Properties: Record<string, unknown> }>;

describe('the jobs stack', () => {
  it('schedules every job in Korean time, as cron on the hour the runbook names', () => {
    const schedules = Object.values(
      templateOf('prod', 'jobs').findResources('AWS::Scheduler::Schedule') as Resources,
    );
    expect(schedules).toHaveLength(SCHEDULED_JOBS.length);
    const byExpression = schedules.map((s) => [
      s.Properties.ScheduleExpression,
      s.Properties.ScheduleExpressionTimezone,
    ]);
    expect(byExpression).toEqual(
      expect.arrayContaining([
        ['cron(0 3 * * ? *)', 'Asia/Seoul'],
        ['cron(0 6 1 * ? *)', 'Asia/Seoul'],
      ]),
    );
    for (const [, zone] of byExpression) expect(zone).toBe('Asia/Seoul');
  });

  it('runs each job as a Fargate task of its own command, with retries and a dead-letter queue', () => {
    templateOf('prod', 'jobs').hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        EcsParameters: Match.objectLike({
          LaunchType: 'FARGATE',
          TaskDefinitionArn: Match.anyValue(),
        }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
    const service = templateOf('prod', 'service');
    for (const job of SCHEDULED_JOBS) {
      service.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [Match.objectLike({ Command: job.command })],
      });
    }
  });

  it('raises an alarm when a job task exits with a failure, but not with 3 (another task held the lease)', () => {
    const template = templateOf('prod', 'jobs');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: Match.objectLike({ containers: { exitCode: [{ 'anything-but': [0, 3] }] } }),
      }),
    });
    expect(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length,
    ).toBeGreaterThanOrEqual(SCHEDULED_JOBS.length + 2);
  });
});
