import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EICAR_TEST_FILE } from '../../src/integrations/clamav/stub-scanner.js';
import { freePort } from '../../src/local/ports.js';
import { until } from './until.js';

/**
 * A real clamd (Debian's `clamav-daemon`, which `.ci/run` installs) for the specs. Its database
 * holds one signature of ours, since ClamAV's own cannot be downloaded here (only the npm registry
 * and Debian's archive are reachable): the EICAR test string, found anywhere in a file of any
 * type. clamd refuses to start on an empty database, and it scans with this one through the
 * same engine, protocol and limits as with the full set.
 */
const SIGNATURE = 'Workmatch.Test.EICAR-Anywhere';
/** What clamd reports: it marks the name of a signature not from ClamAV's own databases. */
export const TEST_SIGNATURE = `${SIGNATURE}.UNOFFICIAL`;

/** Where clamd is, or undefined when clamav-daemon is not installed. */
export const CLAMD_BIN = [process.env.CLAMD_BIN, '/usr/sbin/clamd', '/usr/local/sbin/clamd'].find(
  (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
);

export interface RunningClamd {
  port: number;
  /** Stops clamd (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Answers true once clamd answers `zPING` with PONG on the port. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('connect', () => socket.write('zPING\0'));
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(reply === 'PONG\0'));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts clamd on 127.0.0.1 (a free port, or the one given: a restart), with the test signature
 * and the stream limit given (clamd's default is 25 MiB).
 */
export async function startClamd(
  options: { port?: number; streamMaxBytes?: number } = {},
): Promise<RunningClamd> {
  if (!CLAMD_BIN) throw new Error('clamd is not installed: apt-get install clamav-daemon');
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-clamd-'));
  const database = path.join(dir, 'db');
  await mkdir(database);
  // An .ndb body signature: name, target type 0 (any file), offset * (anywhere), the bytes in hex.
  const hex = Buffer.from(EICAR_TEST_FILE, 'latin1').toString('hex');
  await writeFile(path.join(database, 'workmatch.ndb'), `${SIGNATURE}:0:*:${hex}\n`);
  const port = options.port ?? (await freePort());
  const config = path.join(dir, 'clamd.conf');
  await writeFile(
    config,
    [
      'Foreground yes',
      `DatabaseDirectory ${database}`,
      'TCPAddr 127.0.0.1',
      `TCPSocket ${port}`,
      `StreamMaxLength ${options.streamMaxBytes ?? 25 * 1024 * 1024}`,
      // Its own files stay in the temporary directory: no pid file, no log file.
      `TemporaryDirectory ${dir}`,
      '',
    ].join('\n'),
  );
  const child = spawn(CLAMD_BIN, [`--config-file=${config}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`clamd exited: ${stderr.trim()}`);
        return pong(port);
      },
      30_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}
