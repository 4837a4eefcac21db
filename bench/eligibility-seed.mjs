// Shared by the eligibility benches: seeds an app through its API (a verified business, verified
// workers, one time-limited shift) and starts the app that serves the eligibility route.
import path from 'node:path';
import { businessNumberCheckDigit } from '../dist/modules/businesses/business-number.js';
import { toKstIso } from '../dist/platform/time/kst.js';
import { awsLikeEnv, createTokenMinter, freePort, migrate, startServer } from './lib.mjs';

const DAY = 24 * 3_600_000;

/** Runs `tasks` (functions returning promises) `width` at a time. */
async function pool(tasks, width) {
  let next = 0;
  const lanes = Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]();
  });
  await Promise.all(lanes);
}

export async function seed(base, minter, workers) {
  const call = async (method, route, sub, groups, body, expected) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${minter.mint(sub, groups)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (response.status !== expected)
      throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const owner = ['bench-owner', ['business']];
  const operator = ['bench-op', ['operator']];
  const nine = '123450000';
  const business = await call(
    'POST',
    '/businesses',
    ...owner,
    {
      businessNumber: `${nine}${businessNumberCheckDigit(nine)}`,
      name: '벤치마크상사',
      representativeName: '박서준',
      openingDate: '2019-03-02',
    },
    201,
  );
  await call(
    'POST',
    `/operator/businesses/${business.id}/verification`,
    ...operator,
    {
      action: 'verify',
      evidence: 'benchmark business',
      ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
      reason: 'benchmark',
    },
    200,
  );
  const ids = Array.from({ length: workers }, (_, i) => `bench-w-${i}`);
  await pool(
    ids.map((id, i) => async () => {
      const me = [id, ['worker']];
      await call(
        'PUT',
        '/workers/me',
        ...me,
        {
          legalName: '김민수',
          birthDate: i % 10 === 0 ? '2011-01-01' : '1995-04-01', // one in ten is too young
          phone: '010-1234-5678',
        },
        200,
      );
      await call(
        'PUT',
        '/workers/me/bank-account',
        ...me,
        {
          bankCode: '088',
          number: '110-123-456789',
          holderName: '김민수',
        },
        200,
      );
      await call(
        'POST',
        `/operator/workers/${id}/identity`,
        ...operator,
        {
          action: 'verify',
          evidence: 'benchmark worker',
          ci: `bench-ci-${i}`,
        },
        200,
      );
      await call(
        'POST',
        `/operator/workers/${id}/bank-account`,
        ...operator,
        {
          action: 'verify',
          evidence: 'benchmark worker',
          holderMatchesLegalName: true,
        },
        200,
      );
    }),
    8,
  );
  const start = new Date(Date.now() + 3 * DAY);
  const shift = await call(
    'POST',
    `/businesses/${business.id}/shifts`,
    ...owner,
    {
      title: 'Benchmark shift',
      startsAt: toKstIso(start),
      endsAt: toKstIso(new Date(start.getTime() + 4 * 3_600_000)),
      place: {
        address: '서울 강남구 테헤란로 152',
        regionCode: '1168010100',
        lat: 37.5,
        lng: 127.04,
      },
      headcount: 10,
      hourlyPayKrw: 12_000,
    },
    201,
  );
  return { shiftId: shift.id, workerIds: ids };
}

/**
 * Migrates a fresh database under `dir`, starts the app (bench/servers/auth-app.mjs, aws-like,
 * trusting the bench's token key) with `extraEnv`, and seeds `workers` workers (one in ten too
 * young, the rest eligible). Pushes the server onto `servers` for the caller to stop.
 */
export async function startSeededApp(dir, workers, servers, extraEnv = {}) {
  const port = await freePort();
  const env = awsLikeEnv(path.join(dir, 'db'), port);
  const minter = createTokenMinter(env);
  migrate(env);
  servers.push(
    await startServer(
      'bench/servers/auth-app.mjs',
      { ...env, BENCH_JWKS: JSON.stringify(minter.jwks), ...extraEnv },
      `http://127.0.0.1:${port}/health/ready`,
    ),
  );
  const base = `http://127.0.0.1:${port}`;
  const seeded = await seed(base, minter, workers);
  return { env, minter, base, ...seeded };
}

/** Fetches `url` and fails unless it is a 200 verdict that says eligible. */
export async function expectEligible(url, headers) {
  const probe = await fetch(url, { headers });
  const verdict = await probe.json();
  if (probe.status !== 200 || !verdict.eligible) {
    throw new Error(`the benchmark verdict is not an eligible 200: ${JSON.stringify(verdict)}`);
  }
}
