// auth: an authenticated GET (a Cognito-shaped RS256 access token) through the whole app, with
// and without the verified-token cache, against a bare Fastify route, in paired short rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  awsLikeEnv,
  createTokenMinter,
  freePort,
  load,
  median,
  migrate,
  report,
  startServer,
} from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-auth-'));
  const servers = [];
  try {
    const start = async (name, extra) => {
      const port = await freePort();
      const env = { ...awsLikeEnv(path.join(dir, name), port), ...extra };
      migrate(env);
      servers.push(
        await startServer(
          'bench/servers/auth-app.mjs',
          env,
          `http://127.0.0.1:${port}/health/ready`,
        ),
      );
      return `http://127.0.0.1:${port}/bench/me`;
    };
    const minter = createTokenMinter(awsLikeEnv('', 0));
    const { jwks } = minter;
    const token = minter.mint('bench-worker', ['worker']);
    const headers = { authorization: `Bearer ${token}` };
    const cachedUrl = await start('cached', { BENCH_JWKS: JSON.stringify(jwks) });
    const uncachedUrl = await start('uncached', {
      BENCH_JWKS: JSON.stringify(jwks),
      BENCH_NO_TOKEN_CACHE: '1',
    });
    const barePort = await freePort();
    servers.push(
      await startServer(
        'bench/servers/bare-fastify.mjs',
        { PORT: String(barePort) },
        `http://127.0.0.1:${barePort}/health/live`,
      ),
    );
    const bareUrl = `http://127.0.0.1:${barePort}/health/live`;

    const probe = await fetch(cachedUrl, { headers });
    if (probe.status !== 200)
      throw new Error(`the benchmark token was refused: ${probe.status} ${await probe.text()}`);
    for (const url of [cachedUrl, uncachedUrl]) load(url, { seconds: 1, headers });
    load(bareUrl, { seconds: 1 });
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bare = load(bareUrl, { seconds: SECONDS });
      const cached = load(cachedUrl, { seconds: SECONDS, headers });
      const uncached = load(uncachedUrl, { seconds: SECONDS, headers });
      rounds.push({ bare, cached, uncached });
    }
    const m = (pick) => median(rounds.map(pick));
    report('auth', [
      {
        figure: `authenticated GET (member route, RS256 access token) with the verified-token cache vs bare Fastify (median of ${ROUNDS} paired ${SECONDS}s rounds)`,
        value: m((r) => r.cached),
        unit: 'req/s',
        baseline: m((r) => r.bare),
        ratio: m((r) => r.cached / r.bare),
        goal: '>= 0.5',
      },
      {
        figure: 'the same without the cache (an RSA verification per request)',
        value: m((r) => r.uncached),
        unit: 'req/s',
        baseline: m((r) => r.bare),
        ratio: m((r) => r.uncached / r.bare),
      },
    ]);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
