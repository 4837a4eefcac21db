import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLAMD_BIN,
  startClamd,
  TEST_SIGNATURE,
  type RunningClamd,
} from '../../../test/support/clamd.js';
import { freePort } from '../../local/ports.js';
import {
  ProviderBadResponseError,
  ProviderCircuitOpenError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { ClamdVirusScanner } from './clamd.client.js';
import { EICAR_TEST_FILE } from './stub-scanner.js';

const MIB = 1024 * 1024;
const pdf = (body: string | Buffer) =>
  Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(body), Buffer.from('\n%%EOF\n')]);
const eicar = Buffer.from(EICAR_TEST_FILE, 'latin1');

function scanner(port: number, timeoutMs = 5_000) {
  return new ClamdVirusScanner({ host: '127.0.0.1', port, timeoutMs });
}

describe.skipIf(!CLAMD_BIN)('ClamdVirusScanner against a real clamd (clamav-daemon)', () => {
  let clamd: RunningClamd;

  beforeAll(async () => {
    // A limit above the largest file kind (10 MiB), below what the last test sends.
    clamd = await startClamd({ streamMaxBytes: 11 * MIB });
  }, 40_000);
  afterAll(() => clamd?.stop());

  it('says it is a real scanner, ClamAV', () => {
    const sut = scanner(clamd.port);
    expect({ name: sut.name, real: sut.real }).toEqual({ name: 'clamav', real: true });
  });

  it('passes a clean file', async () => {
    await expect(scanner(clamd.port).scan(pdf('a clean certificate'))).resolves.toEqual({
      clean: true,
    });
  });

  it('flags a file carrying a signature, with the signature’s name', async () => {
    await expect(scanner(clamd.port).scan(pdf(eicar))).resolves.toEqual({
      clean: false,
      signature: TEST_SIGNATURE,
    });
  });

  it('finds a signature that straddles two chunks of the stream, deep in a large file', async () => {
    const file = Buffer.concat([randomBytes(5 * MIB + 64 * 1024 - 30), eicar, randomBytes(1000)]);
    await expect(scanner(clamd.port).scan(file)).resolves.toEqual({
      clean: false,
      signature: TEST_SIGNATURE,
    });
  });

  it('refuses, never passes, a file longer than clamd’s StreamMaxLength', async () => {
    const error = await scanner(clamd.port)
      .scan(randomBytes(12 * MIB))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ provider: 'clamav', providerCode: 'size_limit_exceeded' });
  });

  it('scans several files at once on their own connections', async () => {
    const sut = scanner(clamd.port);
    const verdicts = await Promise.all([
      sut.scan(pdf('one')),
      sut.scan(pdf(eicar)),
      sut.scan(pdf('three')),
    ]);
    expect(verdicts.map((v) => v.clean)).toEqual([true, false, true]);
  });
});

/** A server that plays clamd's side of one connection as the test says. */
async function fakeClamd(
  onConnection: (socket: net.Socket, received: () => Buffer) => void,
): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket, () => Buffer.concat(chunks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whether `bytes` ends a complete INSTREAM request (the zero-length chunk). */
function instreamEnded(bytes: Buffer): boolean {
  const command = Buffer.from('zINSTREAM\0');
  let at = command.length;
  if (bytes.length < at) return false;
  while (at + 4 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    at += 4;
    if (length === 0) return at === bytes.length;
    at += length;
  }
  return false;
}

describe('ClamdVirusScanner: the INSTREAM protocol and clamd failing', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('sends zINSTREAM, the file in length-prefixed chunks of at most 64 KiB, then a zero-length chunk', async () => {
    let request: Buffer = Buffer.alloc(0);
    const server = await fakeClamd((socket, received) =>
      socket.on('data', () => {
        if (!instreamEnded(received())) return;
        request = received();
        socket.end('stream: OK\0');
      }),
    );
    servers.push(server);
    const file = randomBytes(200_000);

    await expect(scanner(server.port).scan(file)).resolves.toEqual({ clean: true });

    expect(request.subarray(0, 10).toString('latin1')).toBe('zINSTREAM\0');
    const chunks: Buffer[] = [];
    let at = 10;
    for (;;) {
      const length = request.readUInt32BE(at);
      at += 4;
      if (length === 0) break;
      expect(length).toBeLessThanOrEqual(64 * 1024);
      chunks.push(request.subarray(at, at + length));
      at += length;
    }
    expect(at).toBe(request.length);
    expect(Buffer.concat(chunks).equals(file)).toBe(true);
  });

  it('is unavailable (503) when nothing listens', async () => {
    const error = await scanner(await freePort())
      .scan(pdf('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ kind: 'unavailable', code: 'provider_unavailable' });
  });

  it('times out (504) when clamd never answers, without waiting for it', async () => {
    const server = await fakeClamd(() => undefined);
    servers.push(server);
    const started = performance.now();
    const error = await scanner(server.port, 200)
      .scan(pdf('x'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
    // Two attempts of 200 ms and a backoff, far from a hung request.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('calls an answer it cannot read a bad response (502), never a clean verdict', async () => {
    for (const answer of ['stream: MAYBE\0', 'stream: OK', 'x'.repeat(10_000)]) {
      const server = await fakeClamd((socket, received) =>
        socket.on('data', () => {
          if (instreamEnded(received())) socket.end(answer);
        }),
      );
      servers.push(server);
      await expect(scanner(server.port).scan(pdf('x'))).rejects.toBeInstanceOf(
        ProviderBadResponseError,
      );
    }
  });

  it('flags a file clamd found something in even when the name is unreadable', async () => {
    const server = await fakeClamd((socket, received) =>
      socket.on('data', () => {
        if (instreamEnded(received())) socket.end('stream: \u0001bad name\u0002 FOUND\0');
      }),
    );
    servers.push(server);
    await expect(scanner(server.port).scan(pdf('x'))).resolves.toEqual({
      clean: false,
      signature: 'unnamed',
    });
  });

  it('retries once when clamd reports an error of its own, and passes it on as unavailable', async () => {
    const server = await fakeClamd((socket, received) =>
      socket.on('data', () => {
        if (instreamEnded(received())) socket.end("stream: Can't allocate memory ERROR\0");
      }),
    );
    servers.push(server);
    await expect(scanner(server.port).scan(pdf('x'))).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(server.connections()).toBe(2);
  });

  it('opens its circuit after repeated failures, then fails fast without connecting', async () => {
    const server = await fakeClamd((socket) => socket.destroy());
    servers.push(server);
    const sut = scanner(server.port);
    const errors: unknown[] = [];
    for (let i = 0; i < 4; i += 1) errors.push(await sut.scan(pdf('x')).catch((e: unknown) => e));
    expect(errors.at(-1)).toBeInstanceOf(ProviderCircuitOpenError);
    const before = server.connections();
    await expect(sut.scan(pdf('x'))).rejects.toBeInstanceOf(ProviderCircuitOpenError);
    expect(server.connections()).toBe(before);
    expect(sut.gateway.health()).toMatchObject({ provider: 'clamav', circuit: 'open' });
  });
});
