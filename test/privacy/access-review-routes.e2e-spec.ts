import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MembersService } from '../../src/modules/members/members.service.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { formatKstMonth, kstMonthOf } from '../../src/platform/time/kst.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

/**
 * The access records (접속기록) for the console's access review: admins read a month's records
 * (filtered by actor or data subject, newest first, paged), the month's review of unusual
 * accesses, and the chain's verification. Operators, whose accesses are reviewed, read none.
 */
let api: TestApi;
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-review', ['operator']);
const admin = mint.access('admin-review', ['admin']);
const thisMonth = formatKstMonth(kstMonthOf(new Date()));

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  const members = api.app.get(MembersService);
  await members.ensureProfile({
    id: 'worker-rv',
    username: 'worker-rv',
    role: 'worker',
    email: 'park.review@example.com',
    phone: '+821055556666',
  });
  await members.ensureProfile({
    id: 'worker-other',
    username: 'worker-other',
    role: 'worker',
    email: 'choi.other@example.com',
    phone: '+821077778888',
  });
  // What the review will show: an operator's reveal with its reason, and a read of another member.
  const reveal = await callApi(api, 'POST', '/operator/members/worker-rv/reveal', operator, {
    fields: ['phone'],
    reason: '배정 확인 전화',
  });
  expect(reveal.status, await reveal.clone().text()).toBe(200);
  expect((await callApi(api, 'GET', '/operator/members/worker-other', operator)).status).toBe(200);
});
afterAll(() => api?.close());

interface RecordView {
  seq: number;
  at: string;
  actor: { id: string; role: string };
  action: string;
  dataset: string;
  subjects: string[];
  subjectCount: number;
  fields: string[];
  reason: string | null;
}

describe('the access records, for admins', () => {
  it('lists the month’s records newest first, the reveal with its fields and reason', async () => {
    const response = await callApi(api, 'GET', `/admin/access-records?month=${thisMonth}`, admin);
    expect(response.status, await response.clone().text()).toBe(200);
    const page = (await response.json()) as { items: RecordView[]; next: number | null };
    const seqs = page.items.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(page.items).toContainEqual(
      expect.objectContaining({
        actor: { id: 'op-review', role: 'operator' },
        action: 'reveal',
        dataset: 'members',
        subjects: ['worker-rv'],
        fields: ['phone'],
        reason: '배정 확인 전화',
      }),
    );
    // The records name people by id only: no phone, no email.
    expect(JSON.stringify(page)).not.toMatch(/5555|park\.review/);
  });

  it('filters by data subject or by actor, and pages with `before`', async () => {
    const bySubject = (await (
      await callApi(
        api,
        'GET',
        `/admin/access-records?month=${thisMonth}&subjectId=worker-rv`,
        admin,
      )
    ).json()) as { items: RecordView[] };
    expect(bySubject.items.length).toBeGreaterThan(0);
    expect(bySubject.items.every((r) => r.subjects.includes('worker-rv'))).toBe(true);

    const byActor = (await (
      await callApi(
        api,
        'GET',
        `/admin/access-records?month=${thisMonth}&actorId=op-review&limit=1`,
        admin,
      )
    ).json()) as { items: RecordView[]; next: number | null };
    expect(byActor.items).toHaveLength(1);
    expect(byActor.next).toBe(byActor.items[0]!.seq);
    const second = (await (
      await callApi(
        api,
        'GET',
        `/admin/access-records?month=${thisMonth}&actorId=op-review&limit=1&before=${byActor.next}`,
        admin,
      )
    ).json()) as { items: RecordView[] };
    expect(second.items[0]!.seq).toBeLessThan(byActor.items[0]!.seq);
    expect(second.items[0]!.actor.id).toBe('op-review');
  });

  it('reviews the month: every actor’s counts, and the findings', async () => {
    const response = await callApi(api, 'GET', `/admin/access-review?month=${thisMonth}`, admin);
    expect(response.status).toBe(200);
    const review = (await response.json()) as {
      month: string;
      records: number;
      actors: { actorId: string; counts: Record<string, number> }[];
      findings: unknown[];
    };
    expect(review.month).toBe(thisMonth);
    expect(review.records).toBeGreaterThanOrEqual(2);
    expect(review.actors.find((a) => a.actorId === 'op-review')?.counts.reveal).toBe(1);
    expect(Array.isArray(review.findings)).toBe(true);
  });

  it('verifies the chain of records', async () => {
    const response = await callApi(api, 'POST', '/admin/access-records/verify', admin);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, checked: expect.any(Number) });
  });

  it('refuses operators, and a month that is not YYYY-MM', async () => {
    for (const route of [
      `/admin/access-records?month=${thisMonth}`,
      `/admin/access-review?month=${thisMonth}`,
    ]) {
      expect((await callApi(api, 'GET', route, operator)).status, route).toBe(403);
    }
    const bad = await callApi(api, 'GET', '/admin/access-records?month=2026-13', admin);
    expect(bad.status).toBe(400);
    const tooMany = await callApi(
      api,
      'GET',
      `/admin/access-records?month=${thisMonth}&limit=1000`,
      admin,
    );
    expect(tooMany.status).toBe(400);
  });
});
