import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** The services the local stack listens for, in start order. */
export type StackService =
  | 'cognito'
  | 'lambda'
  | 's3'
  | 'sqs'
  | 'popbill'
  | 'nts'
  | 'slack'
  | 'nice'
  | 'danal'
  | 'api'
  | 'worker';

export type StackPorts = Record<StackService, number>;

/** What an operator needs to read in a port conflict message. */
const SERVICE_PORTS: Record<StackService, { label: string; variable: string }> = {
  cognito: { label: 'Cognito stand-in (cognito-local)', variable: 'LOCAL_COGNITO_PORT' },
  lambda: { label: "Cognito triggers' Lambda endpoint", variable: 'LOCAL_LAMBDA_PORT' },
  s3: { label: 'S3 stand-in (s3rver)', variable: 'LOCAL_S3_PORT' },
  sqs: { label: 'SQS stand-in (local-aws-sqs)', variable: 'LOCAL_SQS_PORT' },
  popbill: { label: 'Popbill stub (and its inbox)', variable: 'LOCAL_POPBILL_PORT' },
  nts: { label: 'NTS business register stub', variable: 'LOCAL_NTS_PORT' },
  slack: { label: 'Slack stub (alerts)', variable: 'LOCAL_SLACK_PORT' },
  nice: { label: 'NICE identity verification stub', variable: 'LOCAL_NICE_PORT' },
  danal: { label: 'Danal identity verification stub', variable: 'LOCAL_DANAL_PORT' },
  api: { label: 'API', variable: 'PORT' },
  worker: { label: "worker's health server", variable: 'WORKER_PORT' },
};

export interface PortConflict {
  service: StackService;
  port: number;
  reason: 'in-use' | 'shared';
  /** For `shared`: the other service configured with the same port. */
  other?: StackService;
}

export class PortInUseError extends Error {
  constructor(readonly conflicts: readonly PortConflict[]) {
    super(
      `Cannot start the local stack:\n${conflicts.map((c) => `  - ${describeConflict(c)}`).join('\n')}`,
    );
    this.name = 'PortInUseError';
  }
}

function describeConflict(c: PortConflict): string {
  const { label, variable } = SERVICE_PORTS[c.service];
  if (c.reason === 'shared' && c.other) {
    const other = SERVICE_PORTS[c.other];
    return `port ${c.port} is configured for both the ${other.label} (${other.variable}) and the ${label} (${variable}); give one of them another port`;
  }
  return `port ${c.port} on ${LOOPBACK}, wanted by the ${label}, is already in use; stop what holds it or choose another port with ${variable}=<port>`;
}

/** Whether something already listens on (or holds) `port` on the loopback address. */
export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS just handed out on the loopback address (free now, not reserved). */
export function freePort(host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** `count` distinct free ports (distinct even though none is held open between calls). */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Every conflict among the stack's ports, found before anything starts, so the launcher
 * reports them all at once instead of crashing on the first EADDRINUSE.
 */
export async function findPortConflicts(
  ports: StackPorts,
  services: readonly StackService[] = Object.keys(ports) as StackService[],
): Promise<PortConflict[]> {
  const conflicts: PortConflict[] = [];
  const owner = new Map<number, StackService>();
  for (const service of services) {
    const port = ports[service];
    const other = owner.get(port);
    if (other) conflicts.push({ service, port, reason: 'shared', other });
    else owner.set(port, service);
  }
  const checks = await Promise.all(
    [...owner].map(async ([port, service]) => ({ port, service, free: await isPortFree(port) })),
  );
  for (const { port, service, free } of checks) {
    if (!free) conflicts.push({ service, port, reason: 'in-use' });
  }
  return conflicts;
}
