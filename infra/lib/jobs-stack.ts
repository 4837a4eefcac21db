import { Duration, Stack, TimeZone, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.js';
import type { EnvironmentConfig } from './environments.js';
import { useKey } from './keys-stack.js';
import { SCHEDULED_JOBS, SCHEDULE_TIME_ZONE } from './jobs.js';

/**
 * EventBridge Scheduler → ECS RunTask of the CLI, one schedule per job (jobs.ts), in Korean
 * time. A start the scheduler cannot make is retried, then lands in the dead-letter queue; a task
 * that exits 1 (failed or aborted; 3 means another task held the lease, not a failure) raises
 * the job's alarm.
 */
export class JobsStack extends Stack {
  readonly schedules: scheduler.Schedule[] = [];
  readonly deadLetters: sqs.Queue;

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    deps: {
      vpc: ec2.IVpc;
      jobTasks: ReadonlyMap<string, ecs.FargateTaskDefinition>;
      appSecurityGroup: ec2.ISecurityGroup;
      dataKey: kms.IKey;
      alarmTopic: sns.ITopic;
    },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const dataKey = useKey(this, 'DataKey', deps.dataKey);
    this.deadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetters,
      'AwsSolutions-SQS3',
      "This queue is itself the dead-letter queue of the schedules' starts; its own alarm fires on the first message.",
    );
    const group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: `workmatch-${config.name}`,
    });
    const alarm = (name: string, description: string, metric: cloudwatch.IMetric) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(deps.alarmTopic));
      return created;
    };

    // The cluster by its name, so the scheduler role's task ARN pattern reads as it is reviewed.
    const clusterName = `workmatch-${config.name}`;
    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName,
      clusterArn: `arn:${this.partition}:ecs:${this.region}:${this.account}:cluster/${clusterName}`,
      vpc: deps.vpc,
      securityGroups: [],
    });
    acknowledge(
      this,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${this.region}:${this.account}:task/${clusterName}/*]`,
      "EventBridge Scheduler's role tags the tasks it starts; they get their ARNs only when they start, in this cluster.",
    );
    for (const job of SCHEDULED_JOBS) {
      const taskDefinition = deps.jobTasks.get(job.id)!;
      this.schedules.push(
        new scheduler.Schedule(this, job.id, {
          scheduleGroup: group,
          description: job.description,
          schedule: scheduler.ScheduleExpression.cron({
            ...job.cron,
            timeZone: TimeZone.of(SCHEDULE_TIME_ZONE),
          }),
          timeWindow: scheduler.TimeWindow.off(),
          key: dataKey,
          target: new targets.EcsRunFargateTask(cluster, {
            taskDefinition,
            vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [deps.appSecurityGroup],
            propagateTags: true,
            retryAttempts: 3,
            maxEventAge: Duration.hours(1),
            deadLetterQueue: this.deadLetters,
          }),
        }),
      );
      // The job's task stopped with exit code 1 (or any other than 0 and 3).
      const failed = new events.Rule(this, `${job.id}Failed`, {
        description: `${job.id}: the task exited with a failure`,
        eventPattern: {
          source: ['aws.ecs'],
          detailType: ['ECS Task State Change'],
          detail: {
            clusterArn: [cluster.clusterArn],
            lastStatus: ['STOPPED'],
            taskDefinitionArn: [
              {
                prefix: `arn:${this.partition}:ecs:${this.region}:${this.account}:task-definition/${taskDefinition.family}:`,
              },
            ],
            containers: { exitCode: [{ 'anything-but': [0, 3] }] },
          },
        },
      });
      alarm(
        `${job.id}FailedAlarm`,
        `${job.id} failed: its task exited with an error (docs/runbook.md, "Scheduled jobs")`,
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'TriggeredRules',
          dimensionsMap: { RuleName: failed.ruleName },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
      );
    }
    alarm(
      'ScheduleDeadLettersAlarm',
      'a scheduled job could not be started after its retries (docs/runbook.md, "Scheduled jobs")',
      this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    );
    alarm(
      'ScheduleTargetErrors',
      'EventBridge Scheduler failed to call ECS RunTask for a job',
      new cloudwatch.Metric({
        namespace: 'AWS/Scheduler',
        metricName: 'TargetErrorCount',
        dimensionsMap: { ScheduleGroup: group.scheduleGroupName },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
    );
  }
}
