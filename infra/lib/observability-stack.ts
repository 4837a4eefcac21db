import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { DataStack } from './data-stack.js';
import type { EnvironmentConfig } from './environments.js';
import type { IdentityStack } from './identity-stack.js';
import { WORKER_JOBS } from './jobs.js';
import type { ServiceStack } from './service-stack.js';

/** The app's EMF namespace (src/platform/metrics/metrics.ts). */
const APP_NAMESPACE = 'workmatch';
const ROUTE_CLASSES = ['public', 'member', 'operator', 'admin'] as const;
/** The app's provider gateways (src/platform/providers): clamav is the API's virus scanner. */
const PROVIDERS = ['nice', 'danal', 'popbill', 'nts', 'clamav'] as const;
/** The outbox's sources (src/worker.module.ts): `OutboxLag` is timed per source on delivery. */
const OUTBOX_SOURCES = ['assignments', 'shifts', 'businesses'];

interface AlarmSpec {
  description: string;
  metric: cloudwatch.IMetric;
  threshold: number;
  evaluationPeriods?: number;
  comparison?: cloudwatch.ComparisonOperator;
}

/**
 * CloudWatch: the alarms AWS recommends for each service we run (ECS, ALB, API Gateway,
 * DocumentDB, SQS, Lambda), the app's own EMF metrics (server errors per route class, provider
 * failures, job failures) and log metric filters; every alarm publishes to the alarm topic, which
 * feeds the app's alert pipeline. And one dashboard. Each alarm's meaning and first steps are in
 * docs/runbook.md, under its name.
 */
export class ObservabilityStack extends Stack {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    deps: { data: DataStack; service: ServiceStack; identity: IdentityStack },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const { data, service, identity } = deps;
    const topic: sns.ITopic = data.alarmTopic;
    const five = Duration.minutes(5);
    const alarm = (name: string, spec: AlarmSpec) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: `workmatch-${config.name}-${name}`,
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods ?? 1,
        comparisonOperator:
          spec.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(topic));
      created.addOkAction(new actions.SnsAction(topic));
      this.alarms.push(created);
      return created;
    };

    // ECS
    for (const [name, svc] of [
      ['Api', service.api],
      ['Worker', service.worker],
    ] as const) {
      alarm(`${name}Cpu`, {
        description: `${name} tasks above 80% CPU for 15 minutes`,
        metric: svc.metricCpuUtilization({ period: five }),
        threshold: 80,
        evaluationPeriods: 3,
      });
      alarm(`${name}Memory`, {
        description: `${name} tasks above 80% memory for 15 minutes`,
        metric: svc.metricMemoryUtilization({ period: five }),
        threshold: 80,
        evaluationPeriods: 3,
      });
      alarm(`${name}RunningTasks`, {
        description: `critical: fewer ${name} tasks running than desired for 10 minutes`,
        metric: new cloudwatch.Metric({
          namespace: 'ECS/ContainerInsights',
          metricName: 'RunningTaskCount',
          dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: svc.serviceName },
          statistic: 'Minimum',
          period: five,
        }),
        threshold: 1,
        evaluationPeriods: 2,
        comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      });
    }

    // ALB
    const alb = service.loadBalancer.metrics;
    alarm('AlbElb5xx', {
      description: 'the load balancer itself answers 5xx (no healthy target, or a timeout)',
      metric: alb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: five }),
      threshold: 10,
    });
    alarm('AlbTargetLatency', {
      description: 'API p90 response time above 2 s for 15 minutes',
      metric: service.apiTargetGroup.metrics.targetResponseTime({ period: five, statistic: 'p90' }),
      threshold: 2,
      evaluationPeriods: 3,
    });
    alarm('AlbRejectedConnections', {
      description: 'the load balancer rejected connections (its limit reached)',
      metric: alb.rejectedConnectionCount({ period: five }),
      threshold: 1,
    });

    // API Gateway (HTTP API)
    const api = service.httpApi;
    alarm('ApiGateway5xx', {
      description: 'more than 5% of API Gateway requests answered 5xx',
      metric: api.metricServerError({ period: five, statistic: 'Average' }),
      threshold: 0.05,
      evaluationPeriods: 2,
    });
    alarm('ApiGateway4xx', {
      description:
        'more than 25% of API Gateway requests answered 4xx (a broken client, or a scan)',
      metric: api.metricClientError({ period: five, statistic: 'Average' }),
      threshold: 0.25,
      evaluationPeriods: 3,
    });
    alarm('ApiGatewayLatency', {
      description: 'API Gateway p90 latency above 3 s',
      metric: api.metricLatency({ period: five, statistic: 'p90' }),
      threshold: 3000,
      evaluationPeriods: 3,
    });

    // DocumentDB
    const docdb = (metricName: string, statistic = 'Average', period = five) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DocDB',
        metricName,
        dimensionsMap: { DBClusterIdentifier: data.cluster.clusterIdentifier },
        statistic,
        period,
      });
    alarm('DocDbCpu', {
      description: 'DocumentDB CPU above 90% for 15 minutes',
      metric: docdb('CPUUtilization'),
      threshold: 90,
      evaluationPeriods: 3,
    });
    alarm('DocDbFreeableMemory', {
      description: 'DocumentDB freeable memory below 256 MiB',
      metric: docdb('FreeableMemory', 'Minimum'),
      threshold: 256 * 1024 * 1024,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
    });
    alarm('DocDbConnections', {
      description: 'DocumentDB connections above 80% of what the instance allows',
      metric: docdb('DatabaseConnections', 'Maximum'),
      threshold: config.docdb.instanceType.startsWith('t4g') ? 400 : 1600,
    });

    // SQS
    for (const [name, queue] of [
      ['EventsDlq', data.eventsDlq],
      ['AlertsDlq', data.alertsDlq],
    ] as const) {
      alarm(name, {
        description: `critical: a message the app could not handle is in the ${name} dead-letter queue`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
        threshold: 1,
      });
    }
    for (const [name, queue, seconds] of [
      ['EventsAge', data.eventsQueue, 300],
      ['AlertsAge', data.alertsQueue, 120],
    ] as const) {
      alarm(name, {
        description: `the oldest message of ${name.replace('Age', '')} waits over ${seconds} s (the worker is behind or down)`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: seconds,
        evaluationPeriods: 3,
      });
    }

    // Lambda (the Cognito trigger)
    alarm('LegacyAuthTriggerErrors', {
      description: 'the Cognito migration trigger failed: legacy members cannot sign in',
      metric: identity.trigger.metricErrors({ period: five }),
      threshold: 1,
    });
    alarm('LegacyAuthTriggerThrottles', {
      description: 'the Cognito migration trigger was throttled',
      metric: identity.trigger.metricThrottles({ period: five }),
      threshold: 1,
    });

    // The app's EMF metrics
    const appMetric = (
      metricName: string,
      dimensionsMap: Record<string, string>,
      statistic: 'Sum' | 'Maximum' = 'Sum',
    ) =>
      new cloudwatch.Metric({
        namespace: APP_NAMESPACE,
        metricName,
        dimensionsMap,
        statistic,
        period: five,
      });
    for (const routeClass of ROUTE_CLASSES) {
      alarm(`ServerErrors-${routeClass}`, {
        description: `the API answered 5xx on ${routeClass} routes`,
        metric: appMetric('ServerErrors', { RouteClass: routeClass }),
        threshold: 5,
      });
    }
    for (const provider of PROVIDERS) {
      alarm(`ProviderErrors-${provider}`, {
        description: `calls to ${provider} failing (its circuit may be open)`,
        metric: appMetric('ProviderErrors', { Provider: provider }),
        threshold: 5,
        evaluationPeriods: 2,
      });
    }
    for (const job of WORKER_JOBS) {
      alarm(`JobFailures-${job}`, {
        description: `the worker's ${job} job failed`,
        metric: appMetric('JobFailures', { Job: job }),
        threshold: 1,
      });
    }

    for (const source of OUTBOX_SOURCES) {
      alarm(`OutboxLag-${source}`, {
        description: `events of ${source} wait over 5 minutes for delivery (notifications late)`,
        metric: appMetric('OutboxLag', { Source: source }, 'Maximum'),
        threshold: 5 * 60_000,
        evaluationPeriods: 2,
      });
    }

    // Log metric filters
    const auditNotStored = new logs.MetricFilter(this, 'AuditNotStoredFilter', {
      logGroup: service.logGroups.api,
      filterPattern: logs.FilterPattern.stringValue('$.code', '=', 'audit_event_not_stored'),
      metricNamespace: APP_NAMESPACE,
      metricName: 'AuditEventsNotStored',
      metricValue: '1',
      defaultValue: 0,
    });
    alarm('AuditEventNotStored', {
      description: 'critical: an audit event only its log line holds (docs/logging-policy.md)',
      metric: auditNotStored.metric({ period: five, statistic: 'Sum' }),
      threshold: 1,
    });

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `workmatch-${config.name}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API Gateway requests and errors',
            left: [api.metricCount({ period: five })],
            right: [
              api.metricServerError({ period: five }),
              api.metricClientError({ period: five }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency p90 (ms / s)',
            left: [api.metricLatency({ period: five, statistic: 'p90' })],
            right: [
              service.apiTargetGroup.metrics.targetResponseTime({ period: five, statistic: 'p90' }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'ECS CPU and memory',
            left: [service.api.metricCpuUtilization(), service.worker.metricCpuUtilization()],
            right: [
              service.api.metricMemoryUtilization(),
              service.worker.metricMemoryUtilization(),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'DocumentDB',
            left: [docdb('CPUUtilization')],
            right: [docdb('DatabaseConnections', 'Maximum')],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Queues: oldest message (s)',
            left: [
              data.eventsQueue.metricApproximateAgeOfOldestMessage(),
              data.alertsQueue.metricApproximateAgeOfOldestMessage(),
            ],
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
      ],
    });
  }
}
