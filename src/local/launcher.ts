import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_DEFAULTS, loadConfig, type AppConfig } from '../config/config.js';
import { startDanalStub } from '../integrations/danal/danal-stub.js';
import { startNiceStub } from '../integrations/nice/nice-stub.js';
import { createSqsClient } from '../platform/aws/clients.js';
import { probeDependencies, type DependencyStatus } from '../platform/aws/stand-ins.js';
import { cognitoSeedFrom, startCognitoLocal } from './cognito.js';
import { LOCAL_TRIGGER_FUNCTIONS, startLegacyAuthEndpoint } from './lambda-invoke.js';
import { createPrefixer, shouldColor, type LineSink, type Prefixer } from './output.js';
import {
  findPortConflicts,
  LOOPBACK,
  PortInUseError,
  type StackPorts,
  type StackService,
} from './ports.js';
import { describeExit, ManagedProcess, type ChildExit } from './processes.js';
import { spawnS3rver } from './s3.js';
import { startNtsStub } from '../integrations/nts/nts-stub.js';
import { startPopbillStub } from '../integrations/popbill/stub/popbill-stub.js';
import { startSlackStub } from '../integrations/slack/stub/slack-stub.js';
import { ensureQueueWithDlq, queueNameFromUrl, startSqsStandIn } from './sqs.js';

/** The repository root, from `src/local` and from `dist/local` alike. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How to run one of the app processes; the default is `node dist/<entry>.js`. */
interface AppCommand {
  command?: string;
  args: readonly string[];
}

export interface LocalStackOptions {
  /** Base environment (default `process.env`); the stack's own settings override it. */
  env?: NodeJS.ProcessEnv;
  /**
   * State directory (default `DATA_DIR`, `.data`): the embedded database under `db/` (unless
   * `EMBEDDED_DB_DIR` or `MONGODB_URI` say otherwise), cognito under `cognito/`, s3 under `s3/`.
   */
  dataDir?: string;
  /** Port overrides (defaults: PORT, WORKER_PORT, LOCAL_*_PORT from the configuration). */
  ports?: Partial<StackPorts>;
  /** Replace or leave out (`false`) the API and worker processes; tests use both. */
  apps?: { api?: AppCommand | false; worker?: AppCommand | false };
  /**
   * The schema migration step run to completion before the apps start, as in production
   * (default `node dist/cli.js db migrate`; `false` skips it).
   */
  migrate?: AppCommand | false;
  /** Bound on the whole start, up to every `/health/ready` answering 200 (default 60 s). */
  readyTimeoutMs?: number;
  /** Bound on each child's graceful stop before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** Where prefixed output lines go (default stdout). */
  output?: LineSink;
  color?: boolean;
  /** Aborting during start stops whatever had started and rejects. */
  signal?: AbortSignal;
}

interface StackUrls {
  /** The embedded database's file, which every process opens (not with MONGODB_URI). */
  database: string | undefined;
  api: string;
  docs: string;
  apiReady: string;
  workerReady: string;
  cognito: string;
  /** The Lambda Invoke endpoint that serves cognito-local's triggers. */
  lambda: string;
  s3: string;
  sqs: string;
  popbill: string;
  /** The local inbox: every message the Popbill stub delivered and every alert on Slack. */
  inbox: string;
  nts: string;
  /** The Slack stub's Web API (alerts). */
  slack: string;
  /** The identity verification stubs (their windows are under these too). */
  nice: string;
  danal: string;
  eventsQueue: string;
  eventsDeadLetterQueue: string;
}

interface StackStop {
  reason: 'stopped' | 'crashed';
  /** The child whose unexpected exit brought the stack down. */
  crashed?: ChildExit;
}

export interface LocalStack {
  /** The configuration the API and worker run with (parsed from `env`). */
  config: AppConfig;
  /** The environment given to the API and worker. */
  env: NodeJS.ProcessEnv;
  ports: StackPorts;
  urls: StackUrls;
  /** Process ids of the children (cognito and sqs run in this process). */
  pids: Partial<Record<'api' | 'worker' | 's3', number>>;
  /** Settles when the stack has stopped, because of `stop()` or because a child died. */
  stopped: Promise<StackStop>;
  /** Stops every child and stand-in; idempotent. */
  stop(): Promise<StackStop>;
}

export class StackStartError extends Error {
  override readonly name = 'StackStartError';
}

/** Variables that point at stand-ins: the launcher derives them, so outside values are dropped. */
const DERIVED_VARIABLES = [
  'COGNITO_ENDPOINT',
  'S3_ENDPOINT',
  'SQS_ENDPOINT',
  'SQS_EVENTS_QUEUE_URL',
  'SQS_ALERTS_QUEUE_URL',
  'POPBILL_AUTH_URL',
  'POPBILL_API_URL',
  'NTS_BASE_URL',
  'SLACK_API_URL',
  'NICE_API_URL',
  'NICE_WINDOW_URL',
  'DANAL_UAS_URL',
  'DANAL_WINDOW_URL',
] as const;

const PORT_VARIABLES: Record<StackService, string> = {
  api: 'PORT',
  worker: 'WORKER_PORT',
  cognito: 'LOCAL_COGNITO_PORT',
  lambda: 'LOCAL_LAMBDA_PORT',
  s3: 'LOCAL_S3_PORT',
  sqs: 'LOCAL_SQS_PORT',
  popbill: 'LOCAL_POPBILL_PORT',
  nts: 'LOCAL_NTS_PORT',
  slack: 'LOCAL_SLACK_PORT',
  nice: 'LOCAL_NICE_PORT',
  danal: 'LOCAL_DANAL_PORT',
};

/** The stack's input environment: local mode, the chosen ports and data directory. */
function stackEnv(options: LocalStackOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), APP_MODE: 'local' };
  for (const name of DERIVED_VARIABLES) delete env[name];
  if (options.dataDir) env.DATA_DIR = options.dataDir;
  for (const [service, port] of Object.entries(options.ports ?? {})) {
    if (port !== undefined) env[PORT_VARIABLES[service as StackService]] = String(port);
  }
  return env;
}

/**
 * What the API and worker are told: every endpoint and id spelled out from the one parsed
 * configuration, so they cannot disagree with the stand-ins the launcher started.
 */
function childEnvironment(base: NodeJS.ProcessEnv, config: AppConfig): NodeJS.ProcessEnv {
  const { aws, local } = config;
  const defined = (value: string | undefined) => value ?? '';
  return {
    ...base,
    APP_MODE: 'local',
    DATA_DIR: config.dataDir,
    // The console shows warnings and errors; everything else is in the files under .data/logs.
    LOG_CONSOLE_LEVEL: base.LOG_CONSOLE_LEVEL ?? 'warn',
    // Node caches compiled code here: restarts skip most of the parse and compile time.
    NODE_COMPILE_CACHE: base.NODE_COMPILE_CACHE ?? path.join(config.dataDir, 'compile-cache'),
    PORT: String(config.http.port),
    WORKER_PORT: String(config.worker.port),
    AWS_REGION: aws.region,
    COGNITO_USER_POOL_ID: aws.cognito.userPoolId,
    COGNITO_CLIENT_ID: aws.cognito.clientId,
    COGNITO_ENDPOINT: defined(aws.cognito.endpoint),
    S3_BUCKET: aws.s3.bucket,
    S3_ENDPOINT: defined(aws.s3.endpoint),
    SQS_ENDPOINT: defined(aws.sqs.endpoint),
    SQS_EVENTS_QUEUE_URL: defined(aws.sqs.eventsQueueUrl),
    SQS_ALERTS_QUEUE_URL: defined(aws.sqs.alertsQueueUrl),
    LOCAL_COGNITO_PORT: String(local.cognitoPort),
    LOCAL_S3_PORT: String(local.s3Port),
    LOCAL_SQS_PORT: String(local.sqsPort),
    LOCAL_LAMBDA_PORT: String(local.lambdaPort),
    LOCAL_POPBILL_PORT: String(local.popbillPort),
    LOCAL_NTS_PORT: String(local.ntsPort),
    LOCAL_SLACK_PORT: String(local.slackPort),
    POPBILL_AUTH_URL: defined(config.providers.popbill?.authUrl),
    POPBILL_API_URL: defined(config.providers.popbill?.apiUrl),
    NTS_BASE_URL: defined(config.providers.nts?.baseUrl),
    SLACK_API_URL: defined(config.alerts.slack?.apiUrl),
    IDENTITY_PROVIDERS: config.identity.providers.join(','),
    NICE_API_URL: config.identity.nice.apiUrl,
    NICE_WINDOW_URL: config.identity.nice.windowUrl,
    DANAL_UAS_URL: config.identity.danal.uasUrl,
    DANAL_WINDOW_URL: config.identity.danal.windowUrl,
    LOCAL_NICE_PORT: String(config.identity.localPorts.nice),
    LOCAL_DANAL_PORT: String(config.identity.localPorts.danal),
  };
}

function loopbackUrl(host: string, port: number, pathname = ''): string {
  // A wildcard bind is still reached on loopback.
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}${pathname}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function httpStatus(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}

function summarize(statuses: readonly DependencyStatus[]): string {
  return statuses
    .filter((s) => s.status === 'down')
    .map((s) => `${s.name} (${s.url}): ${s.error ?? 'down'}`)
    .join('; ');
}

/**
 * Brings up the whole local system: cognito-local and local-aws-sqs in this process; s3rver,
 * the migration step, the API and the worker as children. The embedded database is a file every
 * process opens itself; nothing serves it. Resolves once every `/health/ready` answers 200.
 * Rejects (after stopping whatever had started) on a port conflict, a child that dies during
 * start, a missing build, an abort or the ready timeout.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const base = stackEnv(options);
  const config = loadConfig(base);
  const env = childEnvironment(base, config);
  const childConfig = loadConfig(env);
  const eventsQueueUrl = config.aws.sqs.eventsQueueUrl;
  if (!eventsQueueUrl) throw new StackStartError('the events queue URL could not be derived');

  const ports: StackPorts = {
    cognito: config.local.cognitoPort,
    lambda: config.local.lambdaPort,
    s3: config.local.s3Port,
    sqs: config.local.sqsPort,
    popbill: config.local.popbillPort,
    nts: config.local.ntsPort,
    slack: config.local.slackPort,
    nice: config.identity.localPorts.nice,
    danal: config.identity.localPorts.danal,
    api: config.http.port,
    worker: config.worker.port,
  };
  const apps = {
    api: options.apps?.api ?? { args: [path.join(PROJECT_ROOT, 'dist', 'main.js')] },
    worker: options.apps?.worker ?? { args: [path.join(PROJECT_ROOT, 'dist', 'worker.js')] },
  };
  const migrate = options.migrate ?? {
    args: [path.join(PROJECT_ROOT, 'dist', 'cli.js'), 'db', 'migrate'],
  };
  const services: StackService[] = [
    'cognito',
    'lambda',
    's3',
    'sqs',
    'popbill',
    'nts',
    'slack',
    'nice',
    'danal',
  ];
  if (apps.api) services.push('api');
  if (apps.worker) services.push('worker');

  for (const app of [apps.api, apps.worker, migrate]) {
    // `node <script>`: a missing script means no build yet (node's own error would be cryptic).
    const entry = app && app.command === undefined ? app.args[0] : undefined;
    if (entry && !entry.startsWith('-') && !existsSync(entry)) {
      throw new StackStartError(
        `${path.relative(PROJECT_ROOT, entry)} does not exist: run \`npm run build\` first (\`npm start\` does)`,
      );
    }
  }
  const conflicts = await findPortConflicts(ports, services);
  if (conflicts.length > 0) throw new PortInUseError(conflicts);

  const color = options.color ?? shouldColor(process.stdout, base);
  if (color && base.FORCE_COLOR === undefined) env.FORCE_COLOR = '1';
  const sink = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const out: Prefixer = createPrefixer(sink, color);
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;

  const children: ManagedProcess[] = [];
  const closers: Array<() => Promise<void>> = [];
  let stopping: Promise<StackStop> | undefined;
  let resolveStopped!: (stop: StackStop) => void;
  const stopped = new Promise<StackStop>((resolve) => (resolveStopped = resolve));
  let rejectCrash!: (error: Error) => void;
  const crashedDuringStart = new Promise<never>((_, reject) => (rejectCrash = reject));
  crashedDuringStart.catch(() => undefined);

  const stop = (crashed?: ChildExit): Promise<StackStop> => {
    stopping ??= (async () => {
      // Apps first (they talk to the stand-ins while draining), then s3rver, then in-process.
      const apps = children.filter((c) => c.name !== 's3');
      await Promise.all(apps.map((c) => c.stop(stopTimeoutMs)));
      await Promise.all(children.filter((c) => c.name === 's3').map((c) => c.stop(stopTimeoutMs)));
      await Promise.allSettled(closers.map((close) => close()));
      const result: StackStop = crashed ? { reason: 'crashed', crashed } : { reason: 'stopped' };
      resolveStopped(result);
      return result;
    })();
    return stopping;
  };

  const watch = (child: ManagedProcess): ManagedProcess => {
    children.push(child);
    void child.exited.then((exit) => {
      if (child.stopping || stopping) return;
      out('stack', `${exit.name} ${describeExit(exit)} unexpectedly; stopping the stack`);
      rejectCrash(
        new StackStartError(
          `${exit.name} ${describeExit(exit)} before it was ready (output above)`,
        ),
      );
      void stop(exit);
    });
    return child;
  };

  const deadline = Date.now() + readyTimeoutMs;
  const aborted = new Promise<never>((_, reject) => {
    const abort = () => reject(new StackStartError('start aborted'));
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener('abort', abort, { once: true });
  });
  aborted.catch(() => undefined);
  /** Every wait of the start gives up as soon as a child dies or the caller aborts. */
  const guard = <T>(step: Promise<T>): Promise<T> =>
    Promise.race([step, crashedDuringStart, aborted]);

  const waitUntil = async (what: string, check: () => Promise<string | undefined>) => {
    for (;;) {
      const problem = await guard(check());
      if (problem === undefined) return;
      if (Date.now() > deadline) {
        throw new StackStartError(`${what} not ready after ${readyTimeoutMs} ms: ${problem}`);
      }
      await guard(delay(150));
    }
  };

  try {
    // Not raced against abort: everything started here must be registered before a stop.
    const started = await Promise.allSettled([
      // cognito-local calls the Firebase migration and pre-sign-up triggers through this
      // endpoint; they reach the database as the apps do (childConfig), opened on first use.
      startLegacyAuthEndpoint(childConfig, ports.lambda, out).then((handle) =>
        closers.push(handle.close),
      ),
      startCognitoLocal({
        dir: path.join(config.dataDir, 'cognito'),
        port: ports.cognito,
        seed: cognitoSeedFrom(config),
        log: (line) => out('cognito', line),
        triggers: {
          lambdaEndpoint: `http://${LOOPBACK}:${ports.lambda}`,
          functions: LOCAL_TRIGGER_FUNCTIONS,
        },
      }).then((handle) => closers.push(handle.close)),
      startSqsStandIn({
        port: ports.sqs,
        region: config.aws.region,
        accountId: LOCAL_DEFAULTS.sqsAccountId,
      }).then((handle) => closers.push(handle.close)),
      // The provider stubs, in this process: the Popbill stub plays the phone network, so every
      // message the stack sends lands in its inbox, and shows the alerts the Slack stub was
      // posted beside them (one local inbox).
      startSlackStub({ port: ports.slack, token: config.alerts.slack?.token }).then(
        async (slack) => {
          closers.push(slack.close);
          const popbill = await startPopbillStub({
            port: ports.popbill,
            otherInboxes: [slack.inbox],
          });
          closers.push(popbill.close);
        },
      ),
      startNtsStub({ port: ports.nts }).then((handle) => closers.push(handle.close)),
      // The identity providers' stubs, with the credentials the apps are configured with.
      startNiceStub({
        port: ports.nice,
        clientId: config.identity.nice.clientId,
        clientSecret: config.identity.nice.clientSecret,
        productId: config.identity.nice.productId,
      }).then((stub) => closers.push(stub.close)),
      startDanalStub({
        port: ports.danal,
        cpId: config.identity.danal.cpId,
        cpPwd: config.identity.danal.cpPwd,
      }).then((stub) => closers.push(stub.close)),
      spawnS3rver({
        dir: path.join(config.dataDir, 's3'),
        configDir: path.join(config.dataDir, 'local-stack'),
        port: ports.s3,
        bucket: config.aws.s3.bucket,
        env: base,
        output: out,
      }).then(watch),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    if (options.signal?.aborted) throw new StackStartError('start aborted');

    const sqsClient = createSqsClient(config);
    const queues = await guard(ensureQueueWithDlq(sqsClient, queueNameFromUrl(eventsQueueUrl)));
    const alertsQueueUrl = config.aws.sqs.alertsQueueUrl;
    if (alertsQueueUrl) {
      await guard(ensureQueueWithDlq(sqsClient, queueNameFromUrl(alertsQueueUrl)));
    }
    sqsClient.destroy();

    await waitUntil('stand-ins', async () => {
      const problems = summarize(await probeDependencies(config));
      return problems === '' ? undefined : problems;
    });

    if (migrate) {
      // Its own step before the services start, never inside them (STYLE.md): the apps report
      // not ready while a migration is pending.
      const step = spawnApp('migrate', migrate, env, out);
      children.push(step);
      const exit = await guard(step.exited);
      if (exit.code !== 0) {
        throw new StackStartError(
          `schema migrations (${migrate.args.join(' ')}) ${describeExit(exit)}`,
        );
      }
    }

    const api = apps.api;
    const worker = apps.worker;
    if (api) watch(spawnApp('api', api, env, out));
    if (worker) watch(spawnApp('worker', worker, env, out));

    const urls: StackUrls = {
      database: childConfig.database.kind === 'embedded' ? childConfig.database.file : undefined,
      api: loopbackUrl(config.http.host, ports.api),
      docs: loopbackUrl(config.http.host, ports.api, '/docs'),
      apiReady: loopbackUrl(config.http.host, ports.api, '/health/ready'),
      workerReady: loopbackUrl(config.http.host, ports.worker, '/health/ready'),
      cognito: config.aws.cognito.endpoint ?? '',
      lambda: `http://${LOOPBACK}:${ports.lambda}`,
      s3: config.aws.s3.endpoint ?? '',
      sqs: config.aws.sqs.endpoint ?? '',
      popbill: `http://${LOOPBACK}:${ports.popbill}`,
      inbox: `http://${LOOPBACK}:${ports.popbill}/inbox`,
      nts: `http://${LOOPBACK}:${ports.nts}`,
      slack: `http://${LOOPBACK}:${ports.slack}`,
      nice: `http://${LOOPBACK}:${ports.nice}`,
      danal: `http://${LOOPBACK}:${ports.danal}`,
      eventsQueue: queues.queueUrl,
      eventsDeadLetterQueue: queues.deadLetterQueueUrl,
    };
    const readyChecks: Array<[string, string]> = [];
    if (api) readyChecks.push(['api', urls.apiReady]);
    if (worker) readyChecks.push(['worker', urls.workerReady]);
    await Promise.all(
      readyChecks.map(([name, url]) =>
        waitUntil(name, async () => {
          const status = await httpStatus(url);
          return status === 200 ? undefined : `GET ${url} → ${status ?? 'no answer'}`;
        }),
      ),
    );

    const pids: LocalStack['pids'] = {};
    for (const child of children) {
      if (child.name !== 'migrate') pids[child.name as 'api' | 'worker' | 's3'] = child.pid;
    }
    return { config: childConfig, env, ports, urls, pids, stopped, stop: () => stop() };
  } catch (error) {
    await stop();
    throw error;
  }
}

function spawnApp(
  name: 'api' | 'worker' | 'migrate',
  app: AppCommand,
  env: NodeJS.ProcessEnv,
  out: Prefixer,
): ManagedProcess {
  return new ManagedProcess(
    { name, command: app.command ?? process.execPath, args: app.args, env, cwd: PROJECT_ROOT },
    out,
  );
}
