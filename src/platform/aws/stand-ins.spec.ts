import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { freePort } from '../../local/ports.js';
import { startNtsStub } from '../../integrations/nts/nts-stub.js';
import { startPopbillStub } from '../../integrations/popbill/stub/popbill-stub.js';
import { probeDependencies } from './stand-ins.js';

describe('probeDependencies', () => {
  let silent: net.Server;
  let silentPort: number;
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: the case a readiness check must not hang on.
    silent = net.createServer((socket) => sockets.add(socket));
    silentPort = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as net.AddressInfo).port)),
    );
  });

  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });

  it('reports a stand-in that never answers as down within the bound', async () => {
    const port = String(silentPort);
    const config = loadConfig({
      APP_MODE: 'local',
      LOCAL_COGNITO_PORT: port,
      LOCAL_S3_PORT: port,
      LOCAL_SQS_PORT: port,
      LOCAL_POPBILL_PORT: port,
      LOCAL_NTS_PORT: port,
      LOCAL_NICE_PORT: port,
      LOCAL_DANAL_PORT: port,
    });

    const started = performance.now();
    const sut = await probeDependencies(config, { timeoutMs: 300 });
    const elapsed = performance.now() - started;

    expect(sut.map((p) => [p.name, p.status, p.error])).toEqual([
      ['cognito', 'down', 'no answer within 300 ms'],
      ['s3', 'down', 'no answer within 300 ms'],
      ['sqs', 'down', 'no answer within 300 ms'],
      ['popbill', 'down', 'no answer within 300 ms'],
      ['nts', 'down', 'no answer within 300 ms'],
      ['nice', 'down', 'no answer within 300 ms'],
      ['danal', 'down', 'no answer within 300 ms'],
    ]);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('reports a stand-in that is not listening as down with the reason, naming its URL', async () => {
    const port = await freePort();
    const config = loadConfig({ APP_MODE: 'local', LOCAL_S3_PORT: String(port) });

    const sut = await probeDependencies(config, { timeoutMs: 500 });
    const s3 = sut.find((p) => p.name === 's3');

    expect(s3).toMatchObject({ status: 'down', url: `http://127.0.0.1:${port}` });
    expect(s3?.error).toMatch(/ECONNREFUSED|connect/);
  });

  it('in local mode reports the Popbill and NTS stubs up when they answer their protocol', async () => {
    const popbill = await startPopbillStub();
    const nts = await startNtsStub();
    try {
      const config = loadConfig({
        APP_MODE: 'local',
        LOCAL_POPBILL_PORT: new URL(popbill.url).port,
        LOCAL_NTS_PORT: new URL(nts.url).port,
      });
      const sut = await probeDependencies(config, { timeoutMs: 500 });
      expect(sut.filter((p) => p.name === 'popbill' || p.name === 'nts')).toEqual([
        expect.objectContaining({ name: 'popbill', status: 'up', url: popbill.url }),
        expect.objectContaining({ name: 'nts', status: 'up', url: nts.baseUrl }),
      ]);
    } finally {
      await popbill.close();
      await nts.close();
    }
  });

  it('reports the NTS stub down when it refuses the configured serviceKey', async () => {
    const nts = await startNtsStub({ serviceKey: 'another key' });
    try {
      const config = loadConfig({ APP_MODE: 'local', LOCAL_NTS_PORT: new URL(nts.url).port });
      const sut = await probeDependencies(config, { timeoutMs: 500 });
      expect(sut.find((p) => p.name === 'nts')).toMatchObject({
        status: 'down',
        error: 'HTTP 401',
      });
    } finally {
      await nts.close();
    }
  });

  it('names the default AWS endpoints in aws mode', async () => {
    const config = loadConfig({
      APP_MODE: 'aws',
      AWS_REGION: 'ap-northeast-2',
      COGNITO_USER_POOL_ID: 'ap-northeast-2_AbCdEf123',
      COGNITO_CLIENT_ID: 'client',
      S3_BUCKET: 'workmatch-files',
      SQS_EVENTS_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/events',
      EMBEDDED_DB_DIR: '/tmp/unused',
      KMS_KEY_ID: 'alias/workmatch-fields',
    });

    // Offline here, so every probe is down; what matters is that it is bounded and named.
    const sut = await probeDependencies(config, { timeoutMs: 200 });

    expect(sut.map((p) => p.url)).toEqual([
      'https://cognito-idp.ap-northeast-2.amazonaws.com',
      'https://s3.ap-northeast-2.amazonaws.com',
      'https://sqs.ap-northeast-2.amazonaws.com/123456789012/events',
    ]);
  });
});
