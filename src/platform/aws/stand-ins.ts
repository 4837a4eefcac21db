import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AppConfig } from '../../config/config.js';
import { createCognitoClient, createS3Client, createSqsClient } from './clients.js';

type DependencyName = 'cognito' | 's3' | 'sqs' | 'popbill' | 'nts' | 'nice' | 'danal';

export interface DependencyStatus {
  name: DependencyName;
  status: 'up' | 'down';
  /** The endpoint probed (the stand-in's loopback URL in local mode). */
  url: string;
  latencyMs: number;
  error?: string;
}

export interface ProbeOptions {
  /** Bound on each probe; a readiness check must never hang. */
  timeoutMs?: number;
}

const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

type Probe = { name: DependencyName; url: string; call: (signal: AbortSignal) => Promise<unknown> };

function serviceUrl(endpoint: string | undefined, service: string, region: string): string {
  return endpoint ?? `https://${service}.${region}.amazonaws.com`;
}

/**
 * One cheap call per dependency that proves what the services rely on, not only that a port
 * answers: the seeded pool exists, the bucket exists, the events queue exists.
 */
function buildProbes(config: AppConfig, timeoutMs: number): Probe[] {
  // One attempt: the caller (a readiness probe) polls again anyway.
  const options = { maxAttempts: 1, timeoutMs };
  const cognito = createCognitoClient(config, options);
  const s3 = createS3Client(config, options);
  const sqs = createSqsClient(config, options);
  const { region } = config.aws;
  const queueUrl = config.aws.sqs.eventsQueueUrl;
  return [
    {
      name: 'cognito',
      url: serviceUrl(config.aws.cognito.endpoint, 'cognito-idp', region),
      call: (abortSignal) =>
        cognito.send(new DescribeUserPoolCommand({ UserPoolId: config.aws.cognito.userPoolId }), {
          abortSignal,
        }),
    },
    {
      name: 's3',
      url: serviceUrl(config.aws.s3.endpoint, 's3', region),
      call: (abortSignal) =>
        s3.send(new HeadBucketCommand({ Bucket: config.aws.s3.bucket }), { abortSignal }),
    },
    {
      name: 'sqs',
      url: queueUrl ?? serviceUrl(config.aws.sqs.endpoint, 'sqs', region),
      call: (abortSignal) =>
        queueUrl
          ? sqs.send(
              new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
              { abortSignal },
            )
          : Promise.reject(new Error('SQS_EVENTS_QUEUE_URL is not configured')),
    },
    ...providerStubProbes(config),
    // The identity providers' stubs, which the local stack runs on loopback (in aws mode the
    // providers are not probed: their health is their circuit, not a probe that costs money).
    ...(config.mode === 'local'
      ? (['nice', 'danal'] as const).map((name) =>
          stubProbe(name, config.identity.localPorts[name]),
        )
      : []),
  ];
}

/**
 * Local mode's provider stubs (the launcher runs them): Popbill answers its inbox, and the NTS
 * register answers a `/status` call with the configured serviceKey, which proves the key too.
 * Outside local mode the real providers are not probed (a readiness poll must not spend their
 * quota or points).
 */
function providerStubProbes(config: AppConfig): Probe[] {
  if (config.mode !== 'local') return [];
  const probes: Probe[] = [];
  const { popbill, nts } = config.providers;
  if (popbill) {
    probes.push({
      name: 'popbill',
      url: popbill.apiUrl,
      call: (signal) => expectOk(fetch(new URL('/_inbox', popbill.apiUrl), { signal })),
    });
  }
  if (nts) {
    const url = new URL(`${nts.baseUrl}/status`);
    url.searchParams.set('serviceKey', nts.serviceKey);
    probes.push({
      name: 'nts',
      url: nts.baseUrl,
      call: (signal) =>
        expectOk(
          fetch(url, {
            method: 'POST',
            signal,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ b_no: ['0000000000'] }),
          }),
        ),
    });
  }
  return probes;
}

async function expectOk(response: Promise<Response>): Promise<void> {
  const answer = await response;
  await answer.body?.cancel();
  if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
}

function stubProbe(name: 'nice' | 'danal', port: number): Probe {
  const url = `http://127.0.0.1:${port}`;
  return {
    name,
    url,
    call: async (signal) => {
      const response = await fetch(`${url}/health`, { signal });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    },
  };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unreachable';
  // SDK errors carry the AWS error code as `name` (NotFound, ResourceNotFoundException, …).
  const code = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  const cause = (error as { cause?: unknown }).cause;
  const detail = error.message || (cause instanceof Error ? cause.message : '') || 'failed';
  return `${code}${detail}`;
}

async function runProbe(probe: Probe, timeoutMs: number): Promise<DependencyStatus> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // The abort signal should end the call; the race guarantees it even if a layer ignores it.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([probe.call(controller.signal), deadline]);
    return {
      name: probe.name,
      status: 'up',
      url: probe.url,
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    return {
      name: probe.name,
      status: 'down',
      url: probe.url,
      latencyMs: performance.now() - started,
      error: controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describeError(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

// Readiness is polled every few seconds: build the clients once per configuration, not per poll.
const probeCache = new WeakMap<AppConfig, Map<number, Probe[]>>();

function probesFor(config: AppConfig, timeoutMs: number): Probe[] {
  let byTimeout = probeCache.get(config);
  if (!byTimeout) probeCache.set(config, (byTimeout = new Map()));
  let probes = byTimeout.get(timeoutMs);
  if (!probes) byTimeout.set(timeoutMs, (probes = buildProbes(config, timeoutMs)));
  return probes;
}

/**
 * Probes Cognito, S3 and SQS (the loopback stand-ins in local mode) in parallel, each bounded
 * by `timeoutMs` (≤ 1 s by default). Never throws: a failure is a `down` entry with the reason.
 */
export async function probeDependencies(
  config: AppConfig,
  options: ProbeOptions = {},
): Promise<DependencyStatus[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  return Promise.all(probesFor(config, timeoutMs).map((probe) => runProbe(probe, timeoutMs)));
}
