import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { lastAccessRecord } from '../support/access-records.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * The operators' verification queue of workers: bank accounts no provider confirmed and declared
 * qualifications, oldest request first, each leaving the queue once decided. Read from an index
 * of what waits (never a scan of every worker), masked, and recorded as a read.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-queue', ['operator']);
const workers = ['wq-kim', 'wq-lee', 'wq-park'] as const;
const tokens = Object.fromEntries(workers.map((id) => [id, mint.access(id, ['worker'])]));

let api: TestApi;
let db: Database;

const call = (method: string, path: string, token: string, body?: unknown) =>
  callApi(api, method, path, token, body);

async function ok(response: Promise<Response>, status = 200) {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(status);
  return answered;
}

interface QueueItem {
  workerId: string;
  since: string;
  legalName: string | null;
  bankAccount: { bankCode: string; holderMatchesLegalName: boolean } | null;
  qualifications: { code: string; addedAt: string; certificateFileId: string | null }[];
}
interface QueuePage {
  items: QueueItem[];
  next: string | null;
}

const queue = async (kind: string, query = '') =>
  (await (
    await ok(call('GET', `/operator/workers/review-queue?kind=${kind}${query}`, operator))
  ).json()) as QueuePage;

beforeAll(async () => {
  // aws mode without Popbill: a bank account waits for an operator, as when Popbill is down.
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  const names = { 'wq-kim': '김민수', 'wq-lee': '이지원', 'wq-park': '박서준' };
  for (const id of workers) {
    await ok(
      call('PUT', '/workers/me', tokens[id]!, {
        legalName: names[id],
        birthDate: '1998-03-04',
        phone: '010-3456-7890',
      }),
    );
  }
  // Kim, then Lee, register accounts; Park declares a qualification; Kim one too.
  for (const id of ['wq-kim', 'wq-lee'] as const) {
    await ok(
      call('PUT', '/workers/me/bank-account', tokens[id]!, {
        bankCode: '088',
        number: '110-123-456789',
        holderName: names[id],
      }),
    );
  }
  await ok(call('POST', '/workers/me/qualifications', tokens['wq-park']!, { code: 'forklift' }));
  await ok(
    call('POST', '/workers/me/qualifications', tokens['wq-kim']!, { code: 'health-certificate' }),
  );
});
afterAll(() => api?.close());

describe('the workers’ review queue', () => {
  it('lists the bank accounts waiting for an operator, oldest first, masked, and records the read', async () => {
    const page = await queue('bank_account');

    expect(page.items.map((i) => i.workerId)).toEqual(['wq-kim', 'wq-lee']);
    expect(page.items[0]).toMatchObject({
      legalName: '김*수',
      bankAccount: { bankCode: '088', holderMatchesLegalName: true },
    });
    expect(JSON.stringify(page)).not.toMatch(/123-456789|김민수/);
    expect(await lastAccessRecord(db)).toMatchObject({
      actor: { id: 'op-queue' },
      action: 'read',
      dataset: 'workers',
      subjects: ['wq-kim', 'wq-lee'],
    });
  });

  it('lists declared qualifications waiting for a decision, with their evidence file', async () => {
    const page = await queue('qualification');

    expect(page.items.map((i) => i.workerId)).toEqual(['wq-park', 'wq-kim']);
    expect(page.items[0]!.qualifications).toEqual([
      { code: 'forklift', addedAt: expect.any(String), certificateFileId: null },
    ]);
  });

  it('pages with `after`', async () => {
    const first = await queue('bank_account', '&limit=1');
    expect(first.items.map((i) => i.workerId)).toEqual(['wq-kim']);
    expect(first.next).toEqual(expect.any(String));
    const second = await queue('bank_account', `&limit=1&after=${encodeURIComponent(first.next!)}`);
    expect(second.items.map((i) => i.workerId)).toEqual(['wq-lee']);
    expect(second.next).toBeNull();
  });

  it('lets a decided request leave the queue: verified, or refused', async () => {
    await ok(
      call('POST', '/operator/workers/wq-kim/bank-account', operator, {
        action: 'verify',
        evidence: 'Ticket 700: bank book copy',
        holderMatchesLegalName: true,
      }),
    );
    await ok(
      call('POST', '/operator/workers/wq-park/qualifications/forklift', operator, {
        action: 'verify',
        evidence: 'Ticket 701: license scan',
      }),
    );

    expect((await queue('bank_account')).items.map((i) => i.workerId)).toEqual(['wq-lee']);
    expect((await queue('qualification')).items.map((i) => i.workerId)).toEqual(['wq-kim']);
  });

  it('refuses a request still waiting with revoke and its reason, which takes it off the queue, once', async () => {
    const refuse = (path: string) =>
      call('POST', `/operator/workers/${path}`, operator, {
        action: 'revoke',
        evidence: 'Ticket 702: the bank book copy is unreadable',
      });
    await ok(refuse('wq-lee/bank-account'));
    await ok(refuse('wq-kim/qualifications/health-certificate'));

    expect((await queue('bank_account')).items).toEqual([]);
    expect((await queue('qualification')).items).toEqual([]);
    // Nothing waits any more: a second refusal has nothing to refuse.
    expect((await refuse('wq-lee/bank-account')).status).toBe(409);
    expect((await refuse('wq-kim/qualifications/health-certificate')).status).toBe(404);
    const view = (await (await call('GET', '/operator/workers/wq-lee', operator)).json()) as {
      history: { subject: string; action: string }[];
    };
    expect(view.history.map((e) => `${e.subject}:${e.action}`)).toContain('bankAccount:revoke');
  });

  it('comes back when a worker registers another account', async () => {
    await ok(
      call('PUT', '/workers/me/bank-account', tokens['wq-kim']!, {
        bankCode: '004',
        number: '123-45-678901',
        holderName: '김민수',
      }),
    );
    expect((await queue('bank_account')).items.map((i) => i.workerId)).toEqual(['wq-kim']);
  });

  it('is for operators, and refuses an unknown kind or cursor', async () => {
    expect(
      (await call('GET', '/operator/workers/review-queue?kind=bank_account', tokens['wq-kim']!))
        .status,
    ).toBe(403);
    expect(
      (await call('GET', '/operator/workers/review-queue?kind=identity', operator)).status,
    ).toBe(400);
    expect(
      (await call('GET', '/operator/workers/review-queue?kind=bank_account&after=x', operator))
        .status,
    ).toBe(400);
  });
});
