import { Global, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import {
  BUSINESS_REGISTRY,
  type BusinessAuthenticityQuery,
  type BusinessRegistry,
  type BusinessStatus,
} from '../../src/modules/businesses/business-registry.port.js';
import { BusinessesModule } from '../../src/modules/businesses/businesses.module.js';
import { BusinessesService } from '../../src/modules/businesses/businesses.service.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { lastAccessRecord } from '../support/access-records.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const park = mint.access('biz-park', ['business']);
const choi = mint.access('biz-choi', ['business']);
const kim = mint.access('worker-kim', ['worker']);
const operator = mint.access('op-1', ['operator']);

const BAKERY = {
  businessNumber: '124-81-00998',
  name: '행복베이커리',
  representativeName: '박서준',
  openingDate: '2019-03-02',
  address: '서울특별시 강남구 테헤란로 152',
};

interface View {
  id: string;
  businessNumber: string | null;
  representativeName: string | null;
  verification: { verified: boolean; method: string | null; by?: string | null };
  ntsStatus: { status: string; taxType: string; checkedAt: string; source: string } | null;
  blockedWorkers: { workerId: string; reason: string; by: string }[];
  history?: { action: string; method: string; by: string; evidence: string; reason: string }[];
  version: number;
}

/** The NTS register in tests: a fake of the port, provided the way the NTS client module will be. */
class FakeRegistry implements BusinessRegistry {
  readonly looked: string[] = [];
  readonly validated: BusinessAuthenticityQuery[] = [];
  lookup(businessNumber: string): Promise<BusinessStatus | undefined> {
    this.looked.push(businessNumber);
    return Promise.resolve({ status: 'suspended', taxType: '부가가치세 일반과세자' });
  }
  async lookupMany(numbers: readonly string[]) {
    const answers = new Map<string, BusinessStatus | undefined>();
    for (const number of numbers) answers.set(number, await this.lookup(number));
    return answers;
  }
  validate(query: BusinessAuthenticityQuery) {
    this.validated.push(query);
    return Promise.resolve({ result: 'valid' as const, status: undefined });
  }
}

function caller(api: () => TestApi) {
  return (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${api().url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

describe('businesses: registration, staff, block list and manual verification', () => {
  let api: TestApi;
  let db: Database;
  let id: string;
  const call = caller(() => api);
  const count = () => db.collection('businesses').countDocuments({});

  beforeAll(async () => {
    api = await startTestApi({ modules: [BusinessesModule] });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    db = api.app.get<Database>(DATABASE);
  });
  afterAll(() => api?.close());

  it('registers a business for a business member, masked in the answer and encrypted at rest', async () => {
    const response = await call('POST', '/businesses', park, BAKERY);

    expect(response.status).toBe(201);
    const view = (await response.json()) as View;
    expect(view).toMatchObject({
      businessNumber: '124-81-*****',
      representativeName: '박*준',
      name: '행복베이커리',
      verification: { verified: false },
      ntsStatus: null,
    });
    id = view.id;
    const stored = JSON.stringify(await db.collection('businesses').findOne({}));
    for (const plain of ['1248100998', '124-81-00998', '8100998', '박서준']) {
      expect(stored).not.toContain(plain);
    }
    const mine = (await (await call('GET', '/businesses/mine', park)).json()) as {
      items: View[];
    };
    expect(mine.items.map((b) => b.id)).toEqual([id]);
  });

  it('refuses the same number written without hyphens with 409 business_exists', async () => {
    const response = await call('POST', '/businesses', choi, {
      ...BAKERY,
      businessNumber: '1248100998',
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'business_exists' });
    expect(await count()).toBe(1);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const tomorrow = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...BAKERY, businessNumber: '123-45-67890' }, 'invalid_business_number'],
      [
        { ...BAKERY, businessNumber: '220-81-62517', openingDate: tomorrow },
        'invalid_opening_date',
      ],
      [
        { ...BAKERY, businessNumber: '220-81-62517', openingDate: '2019-02-29' },
        'invalid_opening_date',
      ],
      [{ ...BAKERY, businessNumber: '12-34' }, 'validation_failed'],
      [{ ...BAKERY, businessNumber: '220-81-62517', owner: 'me' }, 'validation_failed'],
    ];
    for (const [body, code] of cases) {
      const response = await call('POST', '/businesses', choi, body);
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { code: string; detail?: string };
      expect(problem.code).toBe(code);
      expect(JSON.stringify(problem)).not.toContain('123-45-67890');
    }
    expect(await count()).toBe(1);
  });

  it('lets only business members register', async () => {
    const response = await call('POST', '/businesses', kim, {
      ...BAKERY,
      businessNumber: '220-81-62517',
    });
    expect(response.status).toBe(403);
    expect(await count()).toBe(1);
  });

  it('refuses another member reading or editing the business with 403', async () => {
    for (const [method, path, body] of [
      ['GET', `/businesses/${id}`, undefined],
      ['PATCH', `/businesses/${id}`, { name: '남의 가게' }],
      ['PUT', `/businesses/${id}/blocked-workers/worker-kim`, { reason: 'x' }],
      ['POST', `/businesses/${id}/staff`, { memberId: 'biz-choi' }],
    ] as const) {
      const response = await call(method, path, choi, body);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'not_business_staff' });
    }
    expect((await call('GET', '/businesses/0123456789abcdef01234567', choi)).status).toBe(404);
  });

  it('lets the owner edit the name and address, guarded by the version', async () => {
    const edited = await call('PATCH', `/businesses/${id}`, park, {
      name: '행복베이커리 강남점',
      version: 0,
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ name: '행복베이커리 강남점', version: 1 });

    const stale = await call('PATCH', `/businesses/${id}`, park, { address: null, version: 0 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ code: 'business_changed', version: 1 });
  });

  it('keeps a block list the eligibility facts see', async () => {
    const blocked = await call('PUT', `/businesses/${id}/blocked-workers/worker-kim`, park, {
      reason: '무단 결근 2회',
    });
    expect(blocked.status).toBe(200);
    expect(((await blocked.json()) as View).blockedWorkers).toMatchObject([
      { workerId: 'worker-kim', reason: '무단 결근 2회', by: 'biz-park' },
    ]);
    const facts = await api.app.get(BusinessesService).eligibilityFacts(id);
    expect(facts?.blockedWorkerIds.has('worker-kim')).toBe(true);

    expect(
      (await call('DELETE', `/businesses/${id}/blocked-workers/worker-kim`, park)).status,
    ).toBe(200);
    expect((await api.app.get(BusinessesService).eligibilityFacts(id))?.blockedWorkerIds.size).toBe(
      0,
    );
    const again = await call('DELETE', `/businesses/${id}/blocked-workers/worker-kim`, park);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: 'worker_not_blocked' });
  });

  it('refuses a manual verification without an NTS status while none is known, and says what shifts still need', async () => {
    const response = await call('POST', `/operator/businesses/${id}/verification`, operator, {
      action: 'verify',
      evidence: '사업자등록증 사본 확인, ticket 122',
      reason: '가입 심사',
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      code: 'nts_status_required',
      errors: [expect.objectContaining({ field: 'ntsStatus' })],
    });
    const view = (await (await call('GET', `/businesses/${id}`, park)).json()) as View & {
      readiness: unknown;
    };
    expect(view.verification).toMatchObject({ verified: false });
    expect(view.readiness).toEqual({
      canPostEligibleShifts: false,
      missing: ['business_not_verified', 'business_not_active'],
    });
  });

  it('lets an operator verify the business by hand on evidence, recorded twice', async () => {
    const before = await lastAccessRecord(db);

    const response = await call('POST', `/operator/businesses/${id}/verification`, operator, {
      action: 'verify',
      evidence: '사업자등록증 사본 확인, ticket 123',
      ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
      reason: '가입 심사',
    });

    expect(response.status).toBe(200);
    const view = (await response.json()) as View;
    expect(view.verification).toMatchObject({ verified: true, method: 'manual', by: 'op-1' });
    expect((view as View & { readiness: unknown }).readiness).toEqual({
      canPostEligibleShifts: true,
      missing: [],
    });
    // Evidence and reasons are notes about the business: stored encrypted, shown masked.
    expect(view.history).toMatchObject([
      {
        action: 'verify',
        method: 'manual',
        by: 'op-1',
        evidence: '*** (24자)',
        reason: '*** (5자)',
      },
    ]);
    const stored = JSON.stringify(
      await db.collection('businesses').findOne({}, { sort: { _id: -1 } }),
    );
    expect(stored).not.toContain('사업자등록증');
    expect(stored).not.toContain('가입 심사');
    expect(await lastAccessRecord(db)).toMatchObject({
      seq: (before?.seq ?? 0) + 1,
      actor: { id: 'op-1', role: 'operator' },
      action: 'update',
      dataset: 'businesses',
      subjects: [id],
    });
    expect(await api.app.get(BusinessesService).eligibilityFacts(id)).toMatchObject({
      id,
      verified: true,
      ntsStatus: 'active',
    });
    // The owner sees that it is verified, not who verified it on what.
    const owner = (await (await call('GET', `/businesses/${id}`, park)).json()) as View;
    expect(owner.verification).toEqual({
      verified: true,
      method: 'manual',
      at: expect.any(String) as string,
    });
  });

  it('refuses a verification without evidence, and to members', async () => {
    const vague = await call('POST', `/operator/businesses/${id}/verification`, operator, {
      action: 'revoke',
      evidence: 'ok',
      reason: 'x',
    });
    expect(vague.status).toBe(400);
    const member = await call('POST', `/operator/businesses/${id}/verification`, park, {
      action: 'verify',
      evidence: '내 가게 맞습니다',
      reason: 'self',
    });
    expect(member.status).toBe(403);
    expect(await api.app.get(BusinessesService).eligibilityFacts(id)).toMatchObject({
      verified: true,
    });
  });

  it('records an operator reading a business through the member route', async () => {
    const response = await call('GET', `/businesses/${id}`, operator);
    expect(response.status).toBe(200);
    expect(await lastAccessRecord(db)).toMatchObject({
      actor: { id: 'op-1' },
      action: 'read',
      dataset: 'businesses',
      subjects: [id],
    });
  });

  it('lets the owner add a business member as manager, who may then act for the business', async () => {
    await db
      .collection<{ _id: string; role: string; status: string }>('members')
      .insertOne({ _id: 'biz-choi', role: 'business', status: 'active' });
    const worker = await call('POST', `/businesses/${id}/staff`, park, { memberId: 'worker-kim' });
    expect(worker.status).toBe(422);
    expect(await worker.json()).toMatchObject({ code: 'not_a_business_member' });

    const added = await call('POST', `/businesses/${id}/staff`, park, { memberId: 'biz-choi' });
    expect(added.status).toBe(201);
    expect((await call('GET', `/businesses/${id}`, choi)).status).toBe(200);
    const byManager = await call('POST', `/businesses/${id}/staff`, choi, { memberId: 'biz-choi' });
    expect(byManager.status).toBe(403);
    expect(await byManager.json()).toMatchObject({ code: 'owner_only' });
    await expect(
      api.app.get(BusinessesService).assertStaff(id, 'biz-choi'),
    ).resolves.toBeUndefined();
  });

  it('replays a registration retried with the same Idempotency-Key instead of registering twice', async () => {
    const send = () =>
      fetch(`${api.url}/businesses`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${choi}`,
          'content-type': 'application/json',
          'idempotency-key': 'register-naver-1',
        },
        body: JSON.stringify({ ...BAKERY, businessNumber: '220-81-62517', name: '두번째 가게' }),
      });
    const first = await send();
    const second = await send();

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as View).id).toBe(((await first.json()) as View).id);
    expect(await count()).toBe(2);
  });

  it('answers the NTS check with 503 registry_unavailable when no register is configured', async () => {
    const response = await call('POST', `/operator/businesses/${id}/nts-check`, operator, {});
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'registry_unavailable' });
  });
});

describe('businesses: the NTS check through a configured register', () => {
  const registry = new FakeRegistry();

  @Global()
  @Module({
    providers: [{ provide: BUSINESS_REGISTRY, useValue: registry }],
    exports: [BUSINESS_REGISTRY],
  })
  class FakeRegistryModule {}

  let api: TestApi;
  let db: Database;
  const call = caller(() => api);

  beforeAll(async () => {
    api = await startTestApi({ modules: [FakeRegistryModule, BusinessesModule] });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    db = api.app.get<Database>(DATABASE);
  });
  afterAll(() => api?.close());

  it('stores the status and check time the register gives, and verifies on an authenticity match', async () => {
    const created = (await (await call('POST', '/businesses', park, BAKERY)).json()) as View;

    const checked = await call(
      'POST',
      `/operator/businesses/${created.id}/nts-check`,
      operator,
      {},
    );
    expect(checked.status).toBe(200);
    const view = (await checked.json()) as View;
    // Asked at registration, and again by the operator's check, with the digits.
    expect(registry.looked).toEqual(['1248100998', '1248100998']);
    expect(view.ntsStatus).toMatchObject({
      status: 'suspended',
      taxType: '부가가치세 일반과세자',
      source: 'nts',
    });
    expect(view.verification.verified).toBe(false);
    expect(await lastAccessRecord(db)).toMatchObject({ action: 'update', subjects: [created.id] });

    const validated = await call('POST', `/operator/businesses/${created.id}/nts-check`, operator, {
      validate: true,
    });
    expect(validated.status).toBe(200);
    expect(registry.validated).toEqual([
      { businessNumber: '1248100998', representativeName: '박서준', openingDate: '2019-03-02' },
    ]);
    expect(await api.app.get(BusinessesService).eligibilityFacts(created.id)).toMatchObject({
      verified: true,
      ntsStatus: 'suspended',
    });
    const logs = api.logs.text();
    expect(logs).not.toContain('1248100998');
    expect(logs).not.toContain('박서준');
  });
});
