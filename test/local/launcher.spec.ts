import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalStack, StackStartError, type LocalStack } from '../../src/local/launcher.js';
import { PortInUseError, type StackPorts } from '../../src/local/ports.js';
import { probeDependencies } from '../../src/platform/aws/stand-ins.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import { busyPorts, childPids, FAKE_APP, isAlive, stackPorts, tempDir } from './support.js';

/** The whole stack with fake API and worker processes (same /health/ready contract). */
async function startWithFakeApps(
  ports: StackPorts,
  extraEnv: NodeJS.ProcessEnv = {},
  output: string[] = [],
  stopTimeoutMs = 5_000,
): Promise<LocalStack> {
  return startLocalStack({
    env: { ...process.env, LOG_LEVEL: 'warn', ...extraEnv },
    dataDir: await tempDir(),
    ports,
    apps: { api: { args: [FAKE_APP, 'api'] }, worker: { args: [FAKE_APP, 'worker'] } },
    migrate: { args: ['-e', 'console.log("migrated")'] },
    output: (line) => output.push(line),
    color: false,
    readyTimeoutMs: 20_000,
    stopTimeoutMs,
  });
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('startLocalStack', () => {
  let stack: LocalStack | undefined;

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('brings up the stand-ins and both apps, wired to one configuration', async () => {
    const ports = await stackPorts();
    stack = await startWithFakeApps(ports);

    const probes = await probeDependencies(stack.config);
    const apiEnv = (await (await fetch(`${stack.urls.api}/env`)).json()) as Record<string, string>;

    expect(probes.map((p) => [p.name, p.status])).toEqual([
      ['cognito', 'up'],
      ['s3', 'up'],
      ['sqs', 'up'],
      ['popbill', 'up'],
      ['nts', 'up'],
      ['nice', 'up'],
      ['danal', 'up'],
    ]);
    expect(apiEnv).toEqual({
      APP_MODE: 'local',
      DATA_DIR: stack.config.dataDir,
      AWS_REGION: 'us-east-1',
      COGNITO_USER_POOL_ID: 'us-east-1_LocalPool1',
      COGNITO_CLIENT_ID: 'workmatchlocalclient0000001',
      COGNITO_ENDPOINT: `http://127.0.0.1:${ports.cognito}`,
      S3_BUCKET: 'workmatch-local',
      S3_ENDPOINT: `http://127.0.0.1:${ports.s3}`,
      SQS_ENDPOINT: `http://127.0.0.1:${ports.sqs}`,
      SQS_EVENTS_QUEUE_URL: `http://127.0.0.1:${ports.sqs}/000000000000/workmatch-events`,
    });
    expect(stack.urls).toMatchObject({
      api: `http://127.0.0.1:${ports.api}`,
      docs: `http://127.0.0.1:${ports.api}/docs`,
      workerReady: `http://127.0.0.1:${ports.worker}/health/ready`,
      slack: `http://127.0.0.1:${ports.slack}`,
      nice: `http://127.0.0.1:${ports.nice}`,
      danal: `http://127.0.0.1:${ports.danal}`,
    });
    expect(stack.config.alerts.slack?.apiUrl).toBe(`http://127.0.0.1:${ports.slack}/api/`);
    expect(stack.config.database).toMatchObject({ kind: 'embedded' });
    expect(stack.urls.database).toBe(`${stack.config.dataDir}/db/workmatch.sqlite`);
    expect(Object.keys(stack.pids).sort()).toEqual(['api', 's3', 'worker']);
  });

  it('shows the alerts the Slack stub was posted in the local inbox, beside the messages', async () => {
    const ports = await stackPorts();
    stack = await startWithFakeApps(ports);
    const slack = stack.config.alerts.slack;
    if (!slack) throw new Error('local mode has a Slack channel');

    const posted = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${slack.token}`,
        'content-type': 'application/json; charset=utf-8',
      },
      body: JSON.stringify({ channel: slack.channel, text: 'db-timeout at GET /shifts' }),
    });
    const inbox = (await (await fetch(`${stack.urls.popbill}/_inbox`)).json()) as Array<{
      channel: string;
      receiver: string;
      text: string;
    }>;

    expect(await posted.json()).toMatchObject({ ok: true, channel: slack.channel });
    expect(inbox).toEqual([
      expect.objectContaining({
        channel: 'SLACK',
        receiver: '#workmatch-alerts',
        text: 'db-timeout at GET /shifts',
      }),
    ]);
  });

  it('starts no database server: another process opens and writes the database file while the stack runs', async () => {
    const ports = await stackPorts();
    stack = await startWithFakeApps(ports);

    const other = await EmbeddedDatabase.open(`${stack.config.dataDir}/db`, { logger: quiet });
    const notes = other.collection<{ _id: string }>('notes');
    await notes.insertOne({ _id: 'written-beside-the-stack' });
    const found = await notes.findOne({ _id: 'written-beside-the-stack' });
    await other.close();

    expect(found).toEqual({ _id: 'written-beside-the-stack' });
  });

  it('leaves no listening port and no child process after stop()', async () => {
    const ports = await stackPorts();
    stack = await startWithFakeApps(ports);
    const pids = Object.values(stack.pids);

    const result = await stack.stop();

    expect(result).toEqual({ reason: 'stopped' });
    expect(await busyPorts(ports)).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(childPids()).toEqual([]);
  });

  it('SIGKILLs a child that ignores SIGTERM once the stop bound has passed', async () => {
    const ports = await stackPorts();
    stack = await startWithFakeApps(ports, { FAKE_IGNORE_SIGTERM: '1' }, [], 500);
    const pids = Object.values(stack.pids);

    const started = Date.now();
    await stack.stop();

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await busyPorts(ports)).toEqual([]);
  });

  it('reports an occupied port with the service and the variable to change, starting nothing', async () => {
    const ports = await stackPorts();
    const blocker = await occupy(ports.s3);
    try {
      const start = startWithFakeApps(ports);

      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toThrow(
        new RegExp(`port ${ports.s3} .*S3 stand-in \\(s3rver\\).*LOCAL_S3_PORT=<port>`),
      );
      expect(childPids()).toEqual([]);
      expect(await busyPorts({ ...ports, s3: 0 })).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('refuses two services configured on the same port', async () => {
    const ports = await stackPorts();

    await expect(startWithFakeApps({ ...ports, worker: ports.api })).rejects.toThrow(
      /configured for both the API \(PORT\) and the worker's health server \(WORKER_PORT\)/,
    );
  });

  it('names the child that dies and stops everything else', async () => {
    const ports = await stackPorts();
    const output: string[] = [];
    stack = await startWithFakeApps(ports, { FAKE_EXIT_AFTER_MS: '1500' }, output);
    const pids = Object.values(stack.pids);

    const stopped = await stack.stopped;

    expect(stopped.reason).toBe('crashed');
    expect(['api', 'worker']).toContain(stopped.crashed?.name);
    expect(output.join('\n')).toMatch(
      /(api|worker) exited with code 3 unexpectedly; stopping the stack/,
    );
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await busyPorts(ports)).toEqual([]);
  });

  it('fails the start when an app dies before it is ready, leaving nothing behind', async () => {
    const ports = await stackPorts();
    const start = startLocalStack({
      env: { ...process.env },
      dataDir: await tempDir(),
      ports,
      apps: { api: { args: ['-e', 'process.exit(2)'] }, worker: false },
      migrate: false,
      output: () => undefined,
      readyTimeoutMs: 20_000,
    });

    await expect(start).rejects.toThrow(StackStartError);
    await expect(start).rejects.toThrow(/api exited with code 2 before it was ready/);
    expect(childPids()).toEqual([]);
    expect(await busyPorts(ports)).toEqual([]);
  });

  it('runs the schema migration step before the apps and stops the start when it fails', async () => {
    const ports = await stackPorts();
    const output: string[] = [];
    const start = startLocalStack({
      dataDir: await tempDir(),
      ports,
      apps: { api: { args: [FAKE_APP, 'api'] }, worker: false },
      migrate: { args: ['-e', 'console.log("pending: 1-Init"); process.exit(1)'] },
      output: (line) => output.push(line),
      color: false,
    });

    await expect(start).rejects.toThrow(/schema migrations \(.*\) exited with code 1/);
    expect(output).toContain('migrate | pending: 1-Init');
    expect(output.some((line) => line.startsWith('api'))).toBe(false);
    expect(childPids()).toEqual([]);
    expect(await busyPorts(ports)).toEqual([]);
  });

  it('tells to build first when dist/main.js is missing', async () => {
    const ports = await stackPorts();

    await expect(
      startLocalStack({
        ports,
        dataDir: await tempDir(),
        apps: { api: { args: ['/nonexistent/dist/main.js'] } },
        output: () => undefined,
      }),
    ).rejects.toThrow(/does not exist: run `npm run build` first/);
  });
});
