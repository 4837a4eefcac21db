/**
 * `npm start`: the whole system on this machine, on loopback, with state under `.data/`.
 * Exit code 0 after Ctrl-C / SIGTERM, 1 when the stack cannot start or a child dies.
 */
import { ConfigError } from '../config/config.js';
import { startLocalStack, StackStartError, type LocalStack } from './launcher.js';
import { createPrefixer, shouldColor } from './output.js';
import { PortInUseError } from './ports.js';
import { killAllProcesses } from './processes.js';

const out = createPrefixer(
  (line) => process.stdout.write(`${line}\n`),
  shouldColor(process.stdout, process.env),
);
const say = (text: string) => out('stack', text);

function banner(stack: LocalStack): string {
  const { urls, config } = stack;
  return [
    'workmatch is running locally:',
    `  API           ${urls.api}`,
    `  OpenAPI docs  ${urls.docs}`,
    `  readiness     ${urls.apiReady} (worker: ${urls.workerReady})`,
    `  Cognito       ${urls.cognito}  pool ${config.aws.cognito.userPoolId}, client ${config.aws.cognito.clientId}`,
    `  triggers      ${urls.lambda}  Firebase migration${config.legacyAuth.hashParameters ? '' : ' (LEGACY_AUTH_HASH_CONFIG unset: legacy sign-ins refused)'}, pre-sign-up`,
    `  S3            ${urls.s3}  bucket ${config.aws.s3.bucket}`,
    `  SQS           ${urls.eventsQueue}  (dead letters: ${urls.eventsDeadLetterQueue})`,
    `  Popbill stub  ${urls.popbill}  (SMS, LMS, AlimTalk; 예금주 조회)`,
    `  inbox         ${urls.inbox}  every message sent (or: npm run cli -- dev inbox)`,
    `  NTS stub      ${urls.nts}  (사업자 status and validate)`,
    `  Slack stub    ${urls.slack}  (alerts${config.alerts.slack ? ` to ${config.alerts.slack.channel}` : ''}; they show in the inbox)`,
    `  NICE stub     ${urls.nice}  (identity window: test persons to pick; order ${config.identity.providers.join(', ') || 'none'})`,
    `  Danal stub    ${urls.danal}`,
    `  database      ${urls.database ?? 'MongoDB (MONGODB_URI)'}`,
    `  data          ${config.dataDir}`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}

function explain(error: unknown): string {
  if (error instanceof PortInUseError || error instanceof ConfigError) return error.message;
  if (error instanceof StackStartError) return `Cannot start the local stack: ${error.message}`;
  return `Cannot start the local stack: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

/**
 * `npm start` is the local stack: stand-ins on loopback, never AWS. Someone who sets
 * APP_MODE=aws expects the AWS wiring, so say where that is rather than quietly ignoring it.
 */
const AWS_MODE_REFUSAL = [
  'APP_MODE=aws: `npm start` runs the local stack only (stand-ins for Cognito, S3, SQS and the',
  'database on 127.0.0.1), so it does not start in aws mode.',
  'To run the service against AWS, build (`npm run build`) and start the image entry points with',
  'the aws variables set (README, "Pointing the same build elsewhere"):',
  '  node dist/cli.js db migrate   then   node dist/main.js   and   node dist/worker.js',
  'Or unset APP_MODE to run everything locally.',
].join('\n');

async function main(): Promise<number> {
  if (process.env.APP_MODE === 'aws') {
    process.stderr.write(`${AWS_MODE_REFUSAL}\n`);
    return 2;
  }
  const abort = new AbortController();
  let stack: LocalStack | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      say(`${signal} again: killing every child now`);
      killAllProcesses();
      process.exit(130);
    }
    say(`${signal} received: stopping the local stack`);
    abort.abort();
    void stack?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal: the same orderly stop (the children are in their own process group and
  // do not get it; if this process is killed outright, their parent watch stops them).
  process.on('SIGHUP', onSignal);
  // Last resort: whatever way this process ends, no child outlives it.
  process.on('exit', killAllProcesses);

  try {
    stack = await startLocalStack({ signal: abort.signal });
  } catch (error) {
    if (abort.signal.aborted) return 0;
    process.stderr.write(`${explain(error)}\n`);
    return 1;
  }
  if (abort.signal.aborted) {
    await stack.stop();
    return 0;
  }
  say(banner(stack));
  const stopped = await stack.stopped;
  if (stopped.reason === 'crashed') return 1;
  say('stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${explain(error)}\n`);
    killAllProcesses();
    process.exit(1);
  },
);
