// Shared helpers for the benchmarks: child servers, load, results files, tokens.
import { spawn, spawnSync } from 'node:child_process';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Runs a command pinned to one core when the machine allows it, so server and load don't share. */
export function pinned(core, command, args) {
  return HAS_TASKSET ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitForStatus(url, status = 200, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts `node <script>` (pinned to core 0) and resolves when `readyUrl` answers 200. */
export async function startServer(script, env, readyUrl) {
  const [command, args] = pinned(0, process.execPath, [script]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}: ${stderr}`))),
  );
  await Promise.race([waitForStatus(readyUrl), exited]);
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** autocannon in its own process on core 1; returns requests per second (mean). */
export function load(url, { connections = 50, seconds = 3, headers = {} } = {}) {
  const cli = path.join(ROOT, 'node_modules/autocannon/autocannon.js');
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const [command, args] = pinned(1, process.execPath, [
    cli,
    '-j',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    ...headerArgs,
    url,
  ]);
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`autocannon failed: ${result.stderr}`);
  const report = JSON.parse(result.stdout);
  if (report.non2xx > 0 || report.errors > 0) {
    throw new Error(
      `load on ${url} saw ${report.non2xx} non-2xx answers and ${report.errors} errors`,
    );
  }
  return report.requests.mean;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (n) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 1000) / 1000);

/** Prints one line per figure and writes bench/results/<name>.json. */
export function report(name, figures) {
  for (const f of figures) {
    const vs =
      f.baseline === null || f.baseline === undefined
        ? ''
        : ` (baseline ${round(f.baseline)} ${f.unit}, ratio ${round(f.ratio)}${f.goal ? `, goal ${f.goal}` : ''})`;
    console.log(`${name}: ${f.figure} = ${round(f.value)} ${f.unit}${vs}`);
  }
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const rows = figures.map(({ figure, value, unit, baseline = null, ratio = null }) => ({
    figure,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: ratio === null ? null : round(ratio),
  }));
  writeFileSync(
    path.join(ROOT, 'bench/results', `${name}.json`),
    `${JSON.stringify(rows, null, 2)}\n`,
  );
}

/** The env that runs dist/main.js in aws-like mode on a fresh embedded database. */
export function awsLikeEnv(dbDir, port) {
  return {
    APP_MODE: 'aws',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    EMBEDDED_DB_DIR: dbDir,
    FIELD_KEYS_DIR: `${dbDir}-keys`,
    COGNITO_USER_POOL_ID: 'ap-northeast-2_BenchPool1',
    COGNITO_CLIENT_ID: 'bench',
    S3_BUCKET: 'workmatch-bench',
    SQS_EVENTS_QUEUE_URL: 'http://127.0.0.1:9/000000000000/events',
  };
}

export function migrate(env) {
  const result = spawnSync(process.execPath, ['dist/cli.js', 'db', 'migrate'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`db migrate failed: ${result.stderr}${result.stdout}`);
}

/**
 * Cognito-shaped RS256 access tokens for the app under `env`'s pool and client, signed by a key
 * the benchmark servers are told to trust (`BENCH_JWKS`): they cannot fetch a real pool's keys.
 */
export function createTokenMinter(env) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const region = env.COGNITO_USER_POOL_ID.split('_')[0];
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] },
    mint(sub, groups) {
      const now = Math.floor(Date.now() / 1000);
      const head = encode({ alg: 'RS256', kid, typ: 'JWT' });
      const body = encode({
        sub,
        username: sub,
        'cognito:groups': groups,
        iss: `https://cognito-idp.${region}.amazonaws.com/${env.COGNITO_USER_POOL_ID}`,
        client_id: env.COGNITO_CLIENT_ID,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        auth_time: now,
        iat: now,
        exp: now + 3600,
        jti: randomUUID(),
      });
      const signature = createSign('RSA-SHA256')
        .update(`${head}.${body}`)
        .sign(privateKey, 'base64url');
      return `${head}.${body}.${signature}`;
    },
  };
}
