import { App, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DataStack } from './data-stack.js';
import {
  type AppSettings,
  type EnvironmentConfig,
  type EnvironmentName,
  accountFrom,
  environments,
} from './environments.js';
import { IdentityStack } from './identity-stack.js';
import { IsmsPChecks } from './isms-p/isms-p-checks.js';
import { JobsStack } from './jobs-stack.js';
import { KeysStack } from './keys-stack.js';
import { NetworkStack } from './network-stack.js';
import { ObservabilityStack } from './observability-stack.js';
import { type PipelineSource, PipelineStack } from './pipeline-stack.js';
import { ServiceStack, migrationEnvironment } from './service-stack.js';

export interface EnvironmentStacks {
  keys: KeysStack;
  network: NetworkStack;
  data: DataStack;
  identity: IdentityStack;
  service: ServiceStack;
  observability: ObservabilityStack;
  jobs: JobsStack;
}

/** The stacks of one environment, in dependency order. */
function environmentStacks(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const env = { account: config.account, region: config.region };
  const prefix = `Workmatch-${config.name}`;
  const keys = new KeysStack(app, `${prefix}-Keys`, config, { env });
  const network = new NetworkStack(app, `${prefix}-Network`, config, keys, { env });
  const uploadOrigins = (app.node.tryGetContext(`uploadOrigins:${config.name}`) as
    string[] | undefined) ?? [
    config.name === 'prod' ? 'https://console.workmatch.kr' : 'https://console.dev.workmatch.kr',
  ];
  const data = new DataStack(
    app,
    `${prefix}-Data`,
    config,
    { ...network, ...keys, uploadOrigins },
    { env },
  );
  const identity = new IdentityStack(
    app,
    `${prefix}-Identity`,
    config,
    {
      vpc: network.vpc,
      appSecurityGroup: network.appSecurityGroup,
      logsKey: keys.logsKey,
      legacyAuthSecret: data.secrets.legacyAuth,
      databaseSecret: data.cluster.secret!,
      firestoreCredentials: config.app.migration ? data.firestoreCredentials : undefined,
      environment: {
        // What the app requires in aws mode; the user pool and client come with each event
        // (src/modules/legacy-auth/lambda-environment.ts).
        APP_MODE: 'aws',
        KMS_KEY_ID: keys.fieldsKey.keyArn,
        S3_BUCKET: data.filesBucket.bucketName,
        SQS_EVENTS_QUEUE_URL: data.eventsQueue.queueUrl,
        SQS_ALERTS_QUEUE_URL: data.alertsQueue.queueUrl,
        MONGODB_DB_NAME: 'workmatch',
        ...migrationEnvironment(config.app),
        MONGODB_URI: `mongodb://${data.cluster.clusterEndpoint.hostname}:${data.cluster.clusterEndpoint.port}/?tls=true&replicaSet=rs0&readPreference=secondaryPreferred`,
      },
    },
    { env },
  );
  const service = new ServiceStack(
    app,
    `${prefix}-Service`,
    config,
    {
      vpc: network.vpc,
      appSecurityGroup: network.appSecurityGroup,
      ...keys,
      data,
      userPool: identity.userPool,
      appClient: identity.appClient,
      imageTag: (app.node.tryGetContext('imageTag') as string | undefined) ?? 'release',
      firstDeploy: String(app.node.tryGetContext('firstDeploy')) === 'true',
    },
    { env },
  );
  const observability = new ObservabilityStack(
    app,
    `${prefix}-Observability`,
    config,
    { data, service, identity },
    { env },
  );
  const jobs = new JobsStack(
    app,
    `${prefix}-Jobs`,
    config,
    {
      vpc: network.vpc,
      jobTasks: service.jobTasks,
      appSecurityGroup: network.appSecurityGroup,
      dataKey: keys.dataKey,
      alarmTopic: data.alarmTopic,
    },
    { env },
  );
  const stacks = { keys, network, data, identity, service, observability, jobs };
  for (const stack of Object.values(stacks) as Stack[]) {
    Tags.of(stack).add('project', 'workmatch');
    Tags.of(stack).add('environment', config.name);
  }
  return stacks;
}

/**
 * The whole CDK app: both environments (and, once written, the pipeline), with cdk-nag's AWS
 * Solutions pack checking every stack at synthesis unless `nag` is false (unit tests that only
 * look at a template).
 */
export function workmatchApp(options: { app?: App; nag?: boolean; only?: EnvironmentName[] } = {}) {
  const app = options.app ?? new App();
  const settingsOf = (name: EnvironmentName) => {
    const given = app.node.tryGetContext(`settings:${name}`) as unknown;
    return (typeof given === 'string' ? JSON.parse(given) : given) as AppSettings | undefined;
  };
  const configs = environments(accountFrom(app.node.tryGetContext('account')), {
    ...(settingsOf('dev') ? { dev: settingsOf('dev') } : {}),
    ...(settingsOf('prod') ? { prod: settingsOf('prod') } : {}),
  });
  const stacks = Object.fromEntries(
    (options.only ?? (['dev', 'prod'] as const)).map((name) => [
      name,
      environmentStacks(app, configs[name]),
    ]),
  ) as Partial<Record<EnvironmentName, EnvironmentStacks>>;
  const pipeline =
    stacks.dev && stacks.prod
      ? new PipelineStack(
          app,
          'Workmatch-Pipeline',
          {
            source: pipelineSource(app, configs.prod),
            dev: { name: 'dev', ...stacks.dev },
            prod: { name: 'prod', ...stacks.prod },
          },
          { env: { account: configs.prod.account, region: configs.prod.region } },
        )
      : undefined;
  if (options.nag !== false) Validations.of(app).addPlugins(...rulePacks(app));
  return { app, stacks, pipeline };
}

/** Where the pipeline reads the code: `-c pipeline:connectionArn=… -c pipeline:repo=owner/name`. */
function pipelineSource(app: App, config: EnvironmentConfig): PipelineSource {
  const context = (key: string) => app.node.tryGetContext(`pipeline:${key}`) as string | undefined;
  const [owner, repo] = (context('repo') ?? 'workmatch/workmatch').split('/') as [string, string];
  return {
    connectionArn:
      context('connectionArn') ??
      `arn:aws:codeconnections:${config.region}:${config.account}:connection/00000000-0000-0000-0000-000000000000`,
    owner,
    repo,
    branch: context('branch') ?? 'main',
  };
}

/** The log groups that hold access records (two years): the app's own, API Gateway's, the database's audit log. */
const ACCESS_RECORD_LOG_GROUPS =
  /^\/workmatch\/[^/]+\/(api|worker|cli|apigatewayaccess)$|^\/aws\/docdb\/[^/]+\/audit$/;

/** cdk-nag's AWS Solutions pack and our ISMS-P pack, as synthesis and the tests run them. */
export function rulePacks(app: App) {
  return [
    new AwsSolutionsChecks(app),
    new IsmsPChecks(app, {
      isProduction: (node) => Stack.of(node).stackName.startsWith('Workmatch-prod-'),
      isAccessRecords: (name) => ACCESS_RECORD_LOG_GROUPS.test(name),
    }),
  ];
}
