import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Size, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { APP_SECRETS, type AppSecretName, type DataStack } from './data-stack.js';
import { acknowledge } from './acknowledge.js';
import { type AppSettings, type EnvironmentConfig, bucketName } from './environments.js';
import { SCHEDULED_JOBS, WORKER_JOBS } from './jobs.js';
import { FIELD_KEY_CONTEXT } from './keys-stack.js';

const ROUTES_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../routes.json');

/** `routes.json`: every route the API serves to the outside, with its class. */
export interface RouteTable {
  edgeHeader: string;
  routes: Array<{
    method: string;
    path: string;
    class: 'public' | 'member' | 'operator' | 'admin';
  }>;
}

export function routeTable(): RouteTable {
  return JSON.parse(readFileSync(ROUTES_FILE, 'utf8')) as RouteTable;
}

/** What API Gateway sets on every request it forwards (internal routes refuse it). */
const EDGE_VALUE = 'api-gateway';
const API_PORT = 3000;
const WORKER_PORT = 3001;

/**
 * The virus scanner of uploads: ClamAV beside the API, in its task, reached on the task's
 * loopback (no port mapping: nothing outside the task can reach clamd, and the tasks' security
 * group admits the ALB on the API's port only). The official multi-arch Debian image (ARM64 like
 * the task) at its feature tag: 1.4 is an LTS line, the tag follows its patch releases, and each
 * image carries a recent signature database, which freshclam in the container keeps current.
 * clamd holds the signatures in memory (about 1.3 GiB) and twice that while it loads an update
 * beside the old set, hence its share of the task.
 */
const CLAMAV = { image: 'clamav/clamav-debian:1.4', port: 3310, memoryMiB: 3072 };

type TaskKind = 'api' | 'worker' | 'cli';

/**
 * The secrets each task gets (data-stack.ts APP_SECRETS), for the providers this environment
 * turns on only: a provider's secret present makes the app require the rest of its settings.
 */
function taskSecrets(task: TaskKind, app: AppSettings): AppSecretName[] {
  const names: AppSecretName[] = [];
  if (task !== 'worker') names.push('legacyAuth');
  if (task === 'api') names.push(...(app.identity?.providers ?? []));
  if (app.popbill) names.push('popbill');
  if (app.nts) names.push('nts');
  if (task !== 'api' && app.slack) names.push('slack');
  if (task === 'worker' && app.oncall) names.push('alerts');
  return names;
}

/** The migration's plain settings (its key is a secret: data-stack.ts `firestoreCredentials`). */
export function migrationEnvironment(app: AppSettings): Record<string, string> {
  if (!app.migration) return { MIGRATION_ENABLED: 'false' };
  return {
    MIGRATION_SOURCE: 'live',
    MIGRATION_FIRESTORE_PROJECT_ID: app.migration.projectId,
    ...(app.migration.databaseId ? { MIGRATION_FIRESTORE_DATABASE: app.migration.databaseId } : {}),
  };
}

/** The providers' plain settings, as the variables the app reads. */
function providerEnvironment(task: TaskKind, app: AppSettings): Record<string, string> {
  return {
    ...migrationEnvironment(app),
    ...(app.popbill
      ? {
          POPBILL_CORP_NUM: app.popbill.corpNum,
          POPBILL_SENDER_NUMBER: app.popbill.senderNumber,
          POPBILL_KAKAO_CHANNEL: app.popbill.kakaoChannel,
          POPBILL_SERVICE_ID: app.popbill.testBed ? 'POPBILL_TEST' : 'POPBILL',
        }
      : {}),
    ...(task === 'api' && app.identity
      ? {
          IDENTITY_PROVIDERS: app.identity.providers.join(','),
          IDENTITY_CALLBACK_URL: app.identity.callbackUrl,
          IDENTITY_RETURN_ORIGINS: app.identity.returnOrigins.join(','),
        }
      : {}),
    ...(task !== 'api' && app.slack
      ? {
          SLACK_ALERT_CHANNEL: app.slack.alertChannel,
          ...(app.slack.criticalChannel
            ? { SLACK_CRITICAL_CHANNEL: app.slack.criticalChannel }
            : {}),
          ...(app.slack.statsChannel ? { SLACK_STATS_CHANNEL: app.slack.statsChannel } : {}),
        }
      : {}),
  };
}

/**
 * The running service: the image repository, the ECS cluster on Fargate with the API and the
 * worker (one image), the private ALB, the HTTP API in front of it (VPC link, Cognito JWT
 * authorizer, its routes from `routes.json`), and the one-off task definitions (`db migrate`,
 * the CLI the scheduled jobs run). Dev rolls with the circuit breaker and alarm rollback; prod
 * deploys blue/green (ECS built-in) with the same rollbacks and a bake time.
 */
export class ServiceStack extends Stack {
  readonly repository: ecr.Repository;
  readonly cluster: ecs.Cluster;
  readonly api: ecs.FargateService;
  readonly worker: ecs.FargateService;
  readonly httpApi: apigwv2.HttpApi;
  /** `db migrate`, run before a release serves traffic. */
  readonly migrateTask: ecs.FargateTaskDefinition;
  /** One task definition per scheduled job, its command fixed (jobs.ts). */
  readonly jobTasks: Map<string, ecs.FargateTaskDefinition>;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly apiTargetGroup: elbv2.ApplicationTargetGroup;
  readonly logGroups: Record<'api' | 'worker' | 'cli' | 'access', logs.LogGroup>;
  readonly deploymentAlarms: cloudwatch.Alarm[];

  constructor(
    scope: Construct,
    id: string,
    config: EnvironmentConfig,
    deps: {
      vpc: ec2.IVpc;
      appSecurityGroup: ec2.ISecurityGroup;
      fieldsKey: kms.IKey;
      dataKey: kms.IKey;
      logsKey: kms.IKey;
      data: DataStack;
      userPool: cognito.IUserPool;
      appClient: cognito.IUserPoolClient;
      /** The image tag to run (the pipeline passes the commit's). */
      imageTag: string;
      /**
       * The very first deployment, before any image exists: the services start with no task
       * (docs/deploy.md, "First deployment").
       */
      firstDeploy: boolean;
    },
    props: StackProps = {},
  ) {
    super(scope, id, props);
    const { data } = deps;
    const removal = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // The tasks' security group, imported: the rules between it and the ALB are made in this
    // stack, not in the network stack (which would then depend on this one).
    const appSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'AppTasks',
      deps.appSecurityGroup.securityGroupId,
      { mutable: true, allowAllOutbound: true },
    );

    this.repository = new ecr.Repository(this, 'Images', {
      repositoryName: `workmatch-${config.name}`,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: deps.dataKey,
      lifecycleRules: [
        {
          description: 'untagged layers',
          tagStatus: ecr.TagStatus.UNTAGGED,
          maxImageAge: Duration.days(7),
        },
        { description: 'the last 50 releases', maxImageCount: 50 },
      ],
      removalPolicy: removal,
      emptyOnDelete: !config.retainData,
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: `workmatch-${config.name}`,
      vpc: deps.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    // Two years: the app's audit category (who changed what) is an access record.
    const logGroup = (name: string) =>
      new logs.LogGroup(this, `${name}Logs`, {
        logGroupName: `/workmatch/${config.name}/${name.toLowerCase()}`,
        retention: logs.RetentionDays.TWO_YEARS,
        encryptionKey: deps.logsKey,
        removalPolicy: removal,
      });
    this.logGroups = {
      api: logGroup('Api'),
      worker: logGroup('Worker'),
      cli: logGroup('Cli'),
      access: logGroup('ApiGatewayAccess'),
    };

    const image = ecs.ContainerImage.fromEcrRepository(this.repository, deps.imageTag);
    const environment: Record<string, string> = {
      APP_MODE: 'aws',
      AWS_REGION: this.region,
      COGNITO_USER_POOL_ID: deps.userPool.userPoolId,
      COGNITO_CLIENT_ID: deps.appClient.userPoolClientId,
      KMS_KEY_ID: deps.fieldsKey.keyArn,
      S3_BUCKET: data.filesBucket.bucketName,
      SQS_EVENTS_QUEUE_URL: data.eventsQueue.queueUrl,
      SQS_ALERTS_QUEUE_URL: data.alertsQueue.queueUrl,
      MONGODB_DB_NAME: 'workmatch',
      // Credentials come apart, from the cluster's secret (MONGODB_USERNAME, MONGODB_PASSWORD).
      MONGODB_URI: `mongodb://${data.cluster.clusterEndpoint.hostname}:${data.cluster.clusterEndpoint.port}/?tls=true&replicaSet=rs0&readPreference=secondaryPreferred`,
      ALERTS_ENVIRONMENT: config.name,
      ALERTS_LOG_GROUP: `/workmatch/${config.name}/api`,
    };
    const secretsOf = (task: 'api' | 'worker' | 'cli'): Record<string, ecs.Secret> => ({
      MONGODB_USERNAME: ecs.Secret.fromSecretsManager(data.cluster.secret!, 'username'),
      MONGODB_PASSWORD: ecs.Secret.fromSecretsManager(data.cluster.secret!, 'password'),
      // The API (one user on demand) and the CLI (the daily job) read the old project.
      ...(config.app.migration && task !== 'worker'
        ? {
            MIGRATION_FIRESTORE_CREDENTIALS: ecs.Secret.fromSecretsManager(
              data.firestoreCredentials,
            ),
          }
        : {}),
      ...Object.fromEntries(
        taskSecrets(task, config.app).flatMap((name) =>
          APP_SECRETS[name].map((key) => [
            key,
            ecs.Secret.fromSecretsManager(data.secrets[name], key),
          ]),
        ),
      ),
    });

    // One task role and one execution role per kind of task: the CLI's are shared by `db
    // migrate` and every scheduled job, so each permission is written (and reviewed) once.
    const roles = Object.fromEntries(
      (['api', 'worker', 'cli'] as const).map((name) => {
        const ecsTasks = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
        const task = new iam.Role(this, `${name}TaskRole`, {
          assumedBy: ecsTasks,
          description: `workmatch ${config.name} ${name} task: what the app calls`,
        });
        this.grantApp(task, deps, name, config);
        const execution = new iam.Role(this, `${name}ExecutionRole`, {
          assumedBy: ecsTasks,
          description: `workmatch ${config.name} ${name} task: image pull, logs, secrets`,
        });
        acknowledge(
          execution,
          'AwsSolutions-IAM5[Resource::*]',
          'ecr:GetAuthorizationToken, which ECS calls to pull the image, has no resource-level permissions; the image pull itself is limited to the repository.',
        );
        return [name, { task, execution }];
      }),
    ) as Record<'api' | 'worker' | 'cli', { task: iam.Role; execution: iam.Role }>;

    const taskDefinition = (
      id: string,
      name: 'api' | 'worker' | 'cli',
      sizes: { cpu: number; memoryMiB: number },
      container: {
        command: string[];
        port?: number;
        env?: Record<string, string>;
        /** ClamAV runs beside it ({@link CLAMAV}). */
        scanner?: boolean;
      },
    ) => {
      const task = new ecs.FargateTaskDefinition(this, id, {
        // A readable family: the pipeline's policies and the runbook name it.
        family: `workmatch-${config.name}-${id.replace(/Task$/, '').replace(/[A-Z]/g, (c, i: number) => `${i ? '-' : ''}${c.toLowerCase()}`)}`,
        taskRole: roles[name].task,
        executionRole: roles[name].execution,
        cpu: sizes.cpu,
        memoryLimitMiB: sizes.memoryMiB + (container.scanner ? CLAMAV.memoryMiB : 0),
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.ARM64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      const app = task.addContainer(name, {
        image,
        command: container.command,
        environment: { ...environment, ...providerEnvironment(name, config.app), ...container.env },
        secrets: secretsOf(name),
        readonlyRootFilesystem: true,
        user: 'node',
        memoryLimitMiB: sizes.memoryMiB,
        stopTimeout: Duration.seconds(30),
        logging: ecs.LogDrivers.awsLogs({
          logGroup: this.logGroups[name],
          streamPrefix: name,
          // The app writes stdout synchronously: a blocked log driver must not stall it.
          mode: ecs.AwsLogDriverMode.NON_BLOCKING,
          maxBufferSize: Size.mebibytes(25),
        }),
        ...(container.port
          ? {
              portMappings: [{ containerPort: container.port, name: 'http' }],
              healthCheck: {
                command: [
                  'CMD',
                  'node',
                  '-e',
                  `fetch('http://127.0.0.1:${container.port}/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
                ],
                interval: Duration.seconds(15),
                timeout: Duration.seconds(3),
                startPeriod: Duration.seconds(20),
                retries: 3,
              },
            }
          : {}),
      });
      acknowledge(
        task,
        'AwsSolutions-ECS2',
        'Plain variables hold configuration only (ids, URLs, names, switches); every credential reaches the container through `secrets` from Secrets Manager, which the ISMS-P pack checks by name.',
      );
      // The compile cache and temporary files: the root filesystem is read-only.
      task.addVolume({ name: 'tmp' });
      app.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
      if (container.scanner) {
        const clamav = task.addContainer('clamav', {
          image: ecs.ContainerImage.fromRegistry(CLAMAV.image),
          essential: true,
          memoryLimitMiB: CLAMAV.memoryMiB,
          // freshclam writes the updated signatures where the image keeps them; a volume there
          // would hide the image's set and make every task download all of it again.
          readonlyRootFilesystem: false,
          // freshclam every two hours; ClamAV's mirrors ask for no more than once an hour.
          environment: { FRESHCLAM_CHECKS: '12' },
          // The image's own check (zPING over clamd's socket); loading the signatures takes a
          // minute or two, within ECS's longest start period.
          healthCheck: {
            command: ['CMD', 'clamdcheck.sh'],
            interval: Duration.seconds(30),
            timeout: Duration.seconds(10),
            startPeriod: Duration.seconds(300),
            retries: 3,
          },
          logging: ecs.LogDrivers.awsLogs({
            logGroup: this.logGroups[name],
            streamPrefix: 'clamav',
            mode: ecs.AwsLogDriverMode.NON_BLOCKING,
          }),
        });
        // The API takes no traffic before it can scan: it starts once clamd answers. A clamd
        // that stops answering fails its check, and the task, essential containers both, is
        // replaced.
        app.addContainerDependencies({
          container: clamav,
          condition: ecs.ContainerDependencyCondition.HEALTHY,
        });
      }
      return task;
    };

    const apiTask = taskDefinition('ApiTask', 'api', config.api, {
      command: ['node', 'dist/main.js'],
      port: API_PORT,
      scanner: true,
      env: { VIRUS_SCANNER: 'clamd', CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(CLAMAV.port) },
    });
    const workerTask = taskDefinition('WorkerTask', 'worker', config.worker, {
      command: ['node', 'dist/worker.js'],
      port: WORKER_PORT,
      // The jobs EventBridge Scheduler runs are left out (jobs.ts).
      env: { WORKER_JOBS: WORKER_JOBS.join(',') },
    });
    const cliSize = { cpu: 1024, memoryMiB: 2048 };
    this.migrateTask = taskDefinition('MigrateTask', 'cli', cliSize, {
      command: ['node', 'dist/cli.js', 'db', 'migrate'],
    });
    this.jobTasks = new Map(
      SCHEDULED_JOBS.map((job) => [
        job.id,
        taskDefinition(`${job.id}Task`, 'cli', cliSize, { command: job.command }),
      ]),
    );

    // ── the private load balancer ───────────────────────────────────────────────────────
    const albSecurityGroup = new ec2.SecurityGroup(this, 'AlbAccess', {
      vpc: deps.vpc,
      description: 'workmatch private ALB: the API Gateway VPC link only',
      allowAllOutbound: false,
    });
    const vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'VpcLinkAccess', {
      vpc: deps.vpc,
      description: 'workmatch API Gateway VPC link',
      allowAllOutbound: false,
    });
    albSecurityGroup.addIngressRule(vpcLinkSecurityGroup, ec2.Port.tcp(80), 'API Gateway');
    vpcLinkSecurityGroup.addEgressRule(albSecurityGroup, ec2.Port.tcp(80), 'to the ALB');
    albSecurityGroup.addEgressRule(appSecurityGroup, ec2.Port.tcp(API_PORT), 'to the API tasks');
    appSecurityGroup.addIngressRule(
      albSecurityGroup,
      ec2.Port.tcp(API_PORT),
      'from the private ALB',
    );

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc: deps.vpc,
      internetFacing: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: albSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: config.retainData,
    });
    this.loadBalancer.logAccessLogs(data.accessLogsBucket, 'alb');
    this.firewall(config, this.loadBalancer, deps.logsKey);
    const targetGroup = (name: string) =>
      new elbv2.ApplicationTargetGroup(this, name, {
        vpc: deps.vpc,
        port: API_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: '/health/ready',
          healthyThresholdCount: 2,
          interval: Duration.seconds(10),
        },
      });
    this.apiTargetGroup = targetGroup('ApiBlue');
    const listener = this.loadBalancer.addListener('Http', {
      port: 80,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: '{}',
      }),
    });
    const productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: elbv2.ListenerAction.forward([this.apiTargetGroup]),
    });

    // ── deployment alarms: a release that makes them fire rolls back ──────────────────
    this.deploymentAlarms = [
      new cloudwatch.Alarm(this, 'ApiTarget5xx', {
        alarmDescription: 'API answers 5xx through the ALB (deployment rollback)',
        metric: this.apiTargetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
          period: Duration.minutes(1),
        }),
        threshold: 10,
        evaluationPeriods: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'ApiUnhealthyHosts', {
        alarmDescription: 'API tasks failing the ALB health check (deployment rollback)',
        metric: this.apiTargetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    const deployment = {
      circuitBreaker: { enable: true, rollback: true },
      deploymentAlarms: {
        alarmNames: this.deploymentAlarms.map((a) => a.alarmName),
        behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    };

    this.api = new ecs.FargateService(this, 'Api', {
      cluster: this.cluster,
      taskDefinition: apiTask,
      desiredCount: deps.firstDeploy ? 0 : config.api.desiredCount,
      securityGroups: [appSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      enableExecuteCommand: false,
      healthCheckGracePeriod: Duration.seconds(60),
      ...deployment,
      ...(config.deployment === 'blue-green'
        ? { deploymentStrategy: ecs.DeploymentStrategy.BLUE_GREEN, bakeTime: Duration.minutes(10) }
        : { deploymentStrategy: ecs.DeploymentStrategy.ROLLING }),
    });
    if (config.deployment === 'blue-green') {
      const testListener = this.loadBalancer.addListener('Test', {
        port: 8080,
        open: false,
        defaultAction: elbv2.ListenerAction.fixedResponse(404),
      });
      const testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
        listener: testListener,
        priority: 1,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: elbv2.ListenerAction.forward([this.apiTargetGroup]),
      });
      this.api
        .loadBalancerTarget({
          containerName: 'api',
          containerPort: API_PORT,
          alternateTarget: new ecs.AlternateTarget('Green', {
            alternateTargetGroup: targetGroup('ApiGreen'),
            productionListener:
              ecs.ListenerRuleConfiguration.applicationListenerRule(productionRule),
            testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(testRule),
          }),
        })
        .attachToApplicationTargetGroup(this.apiTargetGroup);
      acknowledge(
        this.api,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
        "ECS's built-in blue/green moves the listener rules between the two target groups with the role AWS defines for it.",
      );
    } else {
      this.api.attachToApplicationTargetGroup(this.apiTargetGroup);
    }

    this.worker = new ecs.FargateService(this, 'Worker', {
      cluster: this.cluster,
      taskDefinition: workerTask,
      desiredCount: deps.firstDeploy ? 0 : config.worker.desiredCount,
      securityGroups: [appSecurityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });

    // ── the HTTP API ──────────────────────────────────────────────────────────────────────
    const vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc: deps.vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [vpcLinkSecurityGroup],
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `workmatch-${config.name}`,
      createDefaultStage: false,
      disableExecuteApiEndpoint: false,
    });
    new apigwv2.HttpStage(this, 'MainStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.logGroups.access),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    const authorizer = new authorizers.HttpUserPoolAuthorizer('Cognito', deps.userPool, {
      userPoolClients: [deps.appClient],
    });
    const integration = new integrations.HttpAlbIntegration('Api', listener, {
      vpcLink,
      parameterMapping: new apigwv2.ParameterMapping().overwriteHeader(
        routeTable().edgeHeader,
        apigwv2.MappingValue.custom(EDGE_VALUE),
      ),
    });
    for (const route of routeTable().routes) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as apigwv2.HttpMethod],
        integration,
        ...(route.class === 'public' ? {} : { authorizer }),
      });
      if (route.class === 'public') {
        acknowledge(
          created!,
          'AwsSolutions-APIG4',
          `Public by design (routes.json class "public": sign-up, sign-in, provider callbacks, health); the API throttles it, and the stage is rate-limited.`,
        );
      }
    }
  }

  /**
   * AWS WAF in front of the app. An HTTP API takes no WebACL, so the WebACL guards the private
   * ALB, which every request the API forwards reaches and nothing else can: the same protection,
   * with no way around it. AWS's managed rules for common attacks, known bad inputs and SQL
   * injection; the client's rate is limited by the API stage and the app's login throttle.
   */
  private firewall(
    config: EnvironmentConfig,
    alb: elbv2.ApplicationLoadBalancer,
    logsKey: kms.IKey,
  ): void {
    const managed = (name: string, priority: number, excluded: string[] = []) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          // The app's bodies are JSON under its own 1 MiB limit (files go straight to S3):
          // the common set's 8 KiB body rule would refuse legitimate requests, so it only counts.
          ruleActionOverrides: excluded.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: {
        sampledRequestsEnabled: true,
        cloudWatchMetricsEnabled: true,
        metricName: name,
      },
    });
    const acl = new wafv2.CfnWebACL(this, 'Firewall', {
      name: `workmatch-${config.name}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        sampledRequestsEnabled: true,
        cloudWatchMetricsEnabled: true,
        metricName: `workmatch-${config.name}`,
      },
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 1, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managed('AWSManagedRulesSQLiRuleSet', 3),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'FirewallOnAlb', {
      resourceArn: alb.loadBalancerArn,
      webAclArn: acl.attrArn,
    });
    // WAF delivers only to log groups named aws-waf-logs-*. A year: security logs.
    const wafLogs = new logs.LogGroup(this, 'FirewallLogs', {
      logGroupName: `aws-waf-logs-workmatch-${config.name}`,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: logsKey,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    new wafv2.CfnLoggingConfiguration(this, 'FirewallLogging', {
      resourceArn: acl.attrArn,
      logDestinationConfigs: [wafLogs.logGroupArn],
      // WAF logs no body; the headers that carry tokens, and the query string (a provider's
      // callback carries the identity result there), are redacted, as the app's own access log
      // keeps the path but no query.
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
    });
  }

  /**
   * What each task's role may do, and no more (infra/REQUIREMENTS.md): written out action by
   * action rather than with the constructs' `grant*` helpers, whose wildcard actions
   * (`s3:GetObject*`, `kms:ReEncrypt*`) give more than the app uses.
   */
  private grantApp(
    role: iam.Role,
    deps: { fieldsKey: kms.IKey; dataKey: kms.IKey; data: DataStack; userPool: cognito.IUserPool },
    task: 'api' | 'worker' | 'cli',
    config: EnvironmentConfig,
  ): void {
    const { data } = deps;
    // By name, not by reference: a reviewer reads the same ARN in the policy and in the
    // acknowledgement of its object wildcard.
    const bucketArn = (purpose: 'files' | 'exports') =>
      `arn:${this.partition}:s3:::${bucketName(config, purpose)}`;
    const allow = (
      sid: string,
      actions: string[],
      resources: string[],
      conditions?: Record<string, unknown>,
    ) =>
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid, actions, resources, ...(conditions ? { conditions } : {}) }),
      );
    allow('FieldDataKeys', ['kms:GenerateDataKey', 'kms:Decrypt'], [deps.fieldsKey.keyArn], {
      StringEquals: { 'kms:EncryptionContext:purpose': FIELD_KEY_CONTEXT.purpose },
    });
    // SSE-KMS objects and queue messages: S3 and SQS call KMS on the task's behalf.
    allow('DataKeyThroughServices', ['kms:GenerateDataKey', 'kms:Decrypt'], [deps.dataKey.keyArn], {
      StringEquals: {
        'kms:ViaService': [`s3.${this.region}.amazonaws.com`, `sqs.${this.region}.amazonaws.com`],
      },
    });
    allow(
      'SendEventsAndAlerts',
      ['sqs:SendMessage', 'sqs:GetQueueUrl'],
      [data.eventsQueue.queueArn, data.alertsQueue.queueArn],
    );
    if (task === 'worker') {
      allow(
        'ConsumeEventsAndAlerts',
        [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        [
          data.eventsQueue.queueArn,
          data.alertsQueue.queueArn,
          data.eventsDlq.queueArn,
          data.alertsDlq.queueArn,
        ],
      );
    }
    const objects = (prefix: 'files' | 'stats') => {
      const arn = `${bucketArn('files')}/${prefix}/*`;
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketName(config, 'files')}/${prefix}/*]`,
        `Object actions need object ARNs: the wildcard is the app's own ${prefix}/ prefix of its bucket.`,
      );
      return arn;
    };
    allow('Files', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [objects('files')]);
    if (task === 'api') {
      allow('ReadStatistics', ['s3:GetObject'], [objects('stats')]);
      allow('ListStatistics', ['s3:ListBucket'], [bucketArn('files')], {
        StringLike: { 's3:prefix': ['stats/*'] },
      });
    }
    if (task === 'cli') {
      allow(
        'WriteStatistics',
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        [objects('stats')],
      );
      allow('ListStatistics', ['s3:ListBucket'], [bucketArn('files')], {
        StringLike: { 's3:prefix': ['stats/*'] },
      });
      allow('ReadExports', ['s3:GetObject'], [`${bucketArn('exports')}/*`]);
      allow('ListExports', ['s3:ListBucket'], [bucketArn('exports')]);
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketName(config, 'exports')}/*]`,
        'The migration reads whichever Firestore export an operator copied into the exports bucket: every object of that bucket, read only.',
      );
    }
    const cognitoActions = {
      // What src/modules/auth/aws-cognito-auth.ts sends from the API: a user's attributes, a new
      // member's role, the groups at confirmation, an account deleted, staff's blocks.
      api: [
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:AdminListGroupsForUser',
        'cognito-idp:AdminDeleteUser',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminEnableUser',
      ],
      worker: [],
      cli: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminAddUserToGroup'],
    }[task];
    if (cognitoActions.length > 0) allow('UserPool', cognitoActions, [deps.userPool.userPoolArn]);
  }
}
