import { AuditLog } from '../../platform/audit/audit-log.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { migration } from '../../migrations/1795600000000-CreateBusinesses.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { openPrivacy } from '../../privacy/privacy.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import type { BusinessCaller } from './business-caller.decorator.js';
import type { BusinessRegistry } from './business-registry.port.js';
import { BusinessesRepository } from './businesses.repository.js';
import { BusinessesService } from './businesses.service.js';
import { StaffBusinessesService } from './staff-businesses.service.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const silent = pino({ level: 'silent' });
const T0 = new Date('2026-03-01T00:00:00Z');
const T1 = new Date('2026-03-02T00:00:00Z');
const member = (sub: string, groups: Principal['groups'] = ['business']): Principal => ({
  sub,
  username: sub,
  groups,
  tokenId: 't',
  expiresAt: 2_000_000_000,
});
const OWNER = member('biz-park');
const STRANGER = member('biz-choi');
const as = (principal: Principal): BusinessCaller => ({ principal, staff: undefined });
const OPERATOR: StaffActor = { id: 'op-1', role: 'operator', ip: '127.0.0.1', requestId: 'r1' };
const BAKERY = {
  businessNumber: '124-81-00998',
  name: '행복베이커리',
  representativeName: '박서준',
  openingDate: '2019-03-02',
  address: '서울특별시 강남구 테헤란로 152',
};

function fakeRegistry(lookup?: BusinessRegistry['lookup']) {
  const lookupOne = vi.fn<BusinessRegistry['lookup']>(
    lookup ?? (() => Promise.resolve({ status: 'active', taxType: '부가가치세 일반과세자' })),
  );
  return {
    lookup: lookupOne,
    lookupMany: vi.fn<BusinessRegistry['lookupMany']>(
      async (numbers) =>
        new Map(await Promise.all(numbers.map(async (n) => [n, await lookupOne(n)] as const))),
    ),
    validate: vi.fn<BusinessRegistry['validate']>(() =>
      Promise.resolve({ result: 'valid', status: undefined }),
    ),
  };
}

/** Medium: the services on the real repository, privacy layer and embedded engine. */
describe(BusinessesService.name, () => {
  let dir: string;
  let db: Database;
  let repository: BusinessesRepository;
  let access: StaffAccess;
  let sut: BusinessesService;
  const staffWith = (registry?: BusinessRegistry) =>
    new StaffBusinessesService(repository, access, new AuditLog(db, silent, 730), registry);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-businesses-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    await migration.up(db);
    const privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    repository = new BusinessesRepository(db, privacy.personalData);
    access = new StaffAccess(privacy.accessRecords);
    sut = new BusinessesService(repository, access, silent);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const businesses = () => db.collection<{ _id: unknown }>('businesses');
  const records = () => db.collection('privacy_access_records').find({}).sort({ _id: 1 }).toArray();

  it('stores the number and representative encrypted and shows them masked, the caller as owner', async () => {
    const view = await sut.register(OWNER, BAKERY, T0);

    expect(view).toMatchObject({
      businessNumber: '124-81-*****',
      representativeName: '박*준',
      name: '행복베이커리',
      openingDate: '2019-03-02',
      verification: { verified: false, method: null },
      ntsStatus: null,
      staff: [{ memberId: 'biz-park', role: 'owner' }],
      version: 0,
    });
    const stored = JSON.stringify(await businesses().findOne({}));
    for (const plain of ['1248100998', '124-81-00998', '00998', '박서준']) {
      expect(stored).not.toContain(plain);
    }
    expect(await repository.getById(view.id, { plaintext: ['businessNumber'] })).toMatchObject({
      businessNumber: '1248100998',
    });
  });

  it('refuses a number already registered, however it is written, and writes nothing', async () => {
    await sut.register(OWNER, BAKERY, T0);

    await expect(
      sut.register(STRANGER, { ...BAKERY, businessNumber: '1248100998' }, T0),
    ).rejects.toMatchObject({ code: 'business_exists' });
    expect(await businesses().countDocuments({})).toBe(1);
  });

  it('refuses a wrong check digit with invalid_business_number and writes nothing', async () => {
    await expect(
      sut.register(OWNER, { ...BAKERY, businessNumber: '124-81-00997' }, T0),
    ).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_business_number' });
    expect(await businesses().countDocuments({})).toBe(0);
  });

  it('takes an opening date up to today in KST, not tomorrow nor an impossible day', async () => {
    // 2026-03-01T15:30Z is already 2026-03-02 00:30 in Seoul.
    const now = new Date('2026-03-01T15:30:00Z');
    await expect(
      sut.register(OWNER, { ...BAKERY, openingDate: '2026-03-02' }, now),
    ).resolves.toBeDefined();
    for (const openingDate of ['2026-03-03', '2025-02-29', '1899-12-31']) {
      await expect(
        sut.register(OWNER, { ...BAKERY, businessNumber: '220-81-62517', openingDate }, now),
      ).rejects.toMatchObject({ code: 'invalid_opening_date' });
    }
    expect(await businesses().countDocuments({})).toBe(1);
  });

  it('lets only business members register', async () => {
    await expect(sut.register(member('w-kim', ['worker']), BAKERY, T0)).rejects.toMatchObject({
      code: 'business_members_only',
    });
  });

  it('answers staff checks: owner passes, others 403, unknown and malformed ids 404', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);

    await expect(sut.assertStaff(id, 'biz-park')).resolves.toBeUndefined();
    await expect(sut.assertStaff(id, 'biz-choi')).rejects.toMatchObject({
      code: 'not_business_staff',
    });
    await expect(sut.assertStaff('0123456789abcdef01234567', 'biz-park')).rejects.toMatchObject({
      code: 'business_not_found',
    });
    await expect(sut.assertStaff('nonsense', 'biz-park')).rejects.toMatchObject({
      code: 'business_not_found',
    });
    expect(await sut.isStaff(id, 'biz-park')).toBe(true);
    expect(await sut.isStaff(id, 'biz-choi')).toBe(false);
    await expect(sut.get(as(STRANGER), id)).rejects.toMatchObject({ code: 'not_business_staff' });
  });

  it('adds a business member as manager (owner only), refusing others and repeats', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    await db.collection<{ _id: string; role: string; status: string }>('members').insertMany([
      { _id: 'biz-choi', role: 'business', status: 'active' },
      { _id: 'w-kim', role: 'worker', status: 'active' },
    ]);

    await expect(sut.addStaff(as(OWNER), id, { memberId: 'w-kim' }, T1)).rejects.toMatchObject({
      code: 'not_a_business_member',
    });
    await expect(sut.addStaff(as(OWNER), id, { memberId: 'nobody' }, T1)).rejects.toMatchObject({
      code: 'not_a_business_member',
    });
    const view = await sut.addStaff(as(OWNER), id, { memberId: 'biz-choi' }, T1);
    expect(view.staff).toEqual([
      { memberId: 'biz-park', role: 'owner', addedAt: T0.toISOString() },
      { memberId: 'biz-choi', role: 'manager', addedAt: T1.toISOString() },
    ]);
    await expect(sut.addStaff(as(OWNER), id, { memberId: 'biz-choi' }, T1)).rejects.toMatchObject({
      code: 'already_staff',
    });
    await expect(
      sut.addStaff(as(member('biz-choi')), id, { memberId: 'biz-choi' }, T1),
    ).rejects.toMatchObject({ code: 'owner_only' });
    expect((await sut.mine(member('biz-choi'))).items.map((b) => b.id)).toEqual([id]);
  });

  it('keeps both of two concurrent blocks (the version guard retries the loser)', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);

    await Promise.all([
      sut.block(as(OWNER), id, 'w-kim', { reason: '무단 결근' }, T1),
      sut.block(as(OWNER), id, 'w-lee', { reason: '지각 반복' }, T1),
    ]);

    const facts = await sut.eligibilityFacts(id);
    expect([...(facts?.blockedWorkerIds ?? [])].sort()).toEqual(['w-kim', 'w-lee']);
    await sut.unblock(as(OWNER), id, 'w-kim', T1);
    expect([...((await sut.eligibilityFacts(id))?.blockedWorkerIds ?? [])]).toEqual(['w-lee']);
    await expect(sut.unblock(as(OWNER), id, 'w-kim', T1)).rejects.toMatchObject({
      code: 'worker_not_blocked',
    });
  });

  it('refuses an edit against a stale version with business_changed', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    await sut.edit(as(OWNER), id, { name: '행복베이커리 본점', version: 0 }, T1);

    await expect(sut.edit(as(OWNER), id, { address: null, version: 0 }, T1)).rejects.toMatchObject({
      code: 'business_changed',
      extensions: { version: 1 },
    });
    expect(await repository.getById(id)).toMatchObject({
      name: '행복베이커리 본점',
      address: BAKERY.address,
    });
  });

  it('records an operator’s read through the member routes', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);

    await sut.get({ principal: member('op-1', ['operator']), staff: OPERATOR }, id);

    expect(await records()).toMatchObject([
      {
        actor: { id: 'op-1', role: 'operator' },
        action: 'read',
        dataset: 'businesses',
        subjects: [id],
        fields: ['businessNumber', 'representativeName'],
      },
    ]);
  });

  it('verifies by hand on evidence: history, access record, then eligible facts', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    const staff = staffWith();

    const view = await staff.decideVerification(
      OPERATOR,
      id,
      {
        action: 'verify',
        evidence: '사업자등록증 사본 확인, ticket 123',
        ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
        reason: '가입 심사',
      },
      T1,
    );

    expect(view.verification).toEqual({
      verified: true,
      method: 'manual',
      at: T1.toISOString(),
      by: 'op-1',
      evidence: '*** (24자)',
    });
    expect(view.ntsStatus).toMatchObject({ status: 'active', source: 'manual' });
    expect(view.history).toEqual([
      {
        action: 'verify',
        method: 'manual',
        by: 'op-1',
        at: T1.toISOString(),
        evidence: '*** (24자)',
        reason: '*** (5자)',
        ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
      },
    ]);
    expect(await records()).toMatchObject([
      { action: 'update', dataset: 'businesses', subjects: [id], actor: { id: 'op-1' } },
    ]);
    const facts = await sut.eligibilityFacts(id);
    expect(facts).toMatchObject({ id, verified: true, ntsStatus: 'active' });
  });

  it('refuses a waiting registration once, without a record the second time', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    const staff = staffWith();
    const decision = { evidence: '사업자등록증 사본 판독 불가, ticket 8', reason: '재제출 요청' };

    const refused = await staff.decideVerification(
      OPERATOR,
      id,
      { action: 'revoke', ...decision },
      T1,
    );
    expect(refused.verification).toMatchObject({ verified: false, method: 'manual' });
    expect(await records()).toHaveLength(1);
    await expect(
      staff.decideVerification(OPERATOR, id, { action: 'revoke', ...decision }, T1),
    ).rejects.toMatchObject({ code: 'business_not_verified' });
    expect(await records()).toHaveLength(1);
  });

  it('revokes a verification', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    const staff = staffWith();
    const decision = { evidence: '서류 위조 확인, ticket 9', reason: '심사 취소' };

    await staff.decideVerification(
      OPERATOR,
      id,
      {
        action: 'verify',
        ...decision,
        ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
      },
      T1,
    );
    const view = await staff.decideVerification(
      OPERATOR,
      id,
      {
        action: 'revoke',
        ...decision,
        ntsStatus: { status: 'closed', taxType: '부가가치세 일반과세자' },
      },
      T1,
    );
    expect(view.verification.verified).toBe(false);
    expect(view.history.map((e) => e.action)).toEqual(['verify', 'revoke']);
    expect(await sut.eligibilityFacts(id)).toMatchObject({ verified: false, ntsStatus: 'closed' });
    expect(await repository.getById(id)).toMatchObject({ closedAt: T1 });
  });

  it('answers the NTS check with 503 registry_unavailable when no registry is configured', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);

    await expect(staffWith().checkNts(OPERATOR, id, { validate: false }, T1)).rejects.toMatchObject(
      { kind: 'unavailable', code: 'registry_unavailable' },
    );
    expect(await records()).toHaveLength(0);
  });

  it('stores the status the register gives, with the time, asking it with the digits', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    const registry = fakeRegistry(() =>
      Promise.resolve({
        status: 'closed',
        taxType: '부가가치세 간이과세자',
        closedAt: '2026-02-27',
      }),
    );

    const view = await staffWith(registry).checkNts(OPERATOR, id, { validate: false }, T1);

    expect(registry.lookup).toHaveBeenCalledWith('1248100998');
    expect(registry.validate).not.toHaveBeenCalled();
    expect(view.ntsStatus).toEqual({
      status: 'closed',
      taxType: '부가가치세 간이과세자',
      checkedAt: T1.toISOString(),
      source: 'nts',
      closedOn: '2026-02-27',
    });
    expect(view.verification.verified).toBe(false);
    expect(view.history).toMatchObject([{ action: 'nts-check', method: 'nts', by: 'op-1' }]);
    expect(await repository.getById(id)).toMatchObject({ closedAt: T1 });
    expect(await records()).toMatchObject([
      { action: 'update', dataset: 'businesses', fields: ['businessNumber', 'representativeName'] },
    ]);
  });

  it('verifies through the authenticity check when asked, sending number, representative and opening date', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    const registry = fakeRegistry();

    const view = await staffWith(registry).checkNts(OPERATOR, id, { validate: true }, T1);

    expect(registry.validate).toHaveBeenCalledWith({
      businessNumber: '1248100998',
      representativeName: '박서준',
      openingDate: '2019-03-02',
    });
    expect(view.verification).toMatchObject({ verified: true, method: 'nts', by: 'op-1' });
    expect(await sut.eligibilityFacts(id)).toMatchObject({ verified: true, ntsStatus: 'active' });

    registry.validate.mockResolvedValueOnce({ result: 'invalid', message: '확인할 수 없습니다' });
    const after = await staffWith(registry).checkNts(OPERATOR, id, { validate: true }, T1);
    expect(after.verification.verified).toBe(false);
    expect(after.history.map((e) => e.action)).toEqual(['verify', 'revoke']);
  });

  it('changes nothing when the register does not know the number (422) or cannot be asked (503)', async () => {
    const { id } = await sut.register(OWNER, BAKERY, T0);
    const unknown = fakeRegistry(() => Promise.resolve(undefined));
    const down = fakeRegistry(() => Promise.reject(new Error('ECONNRESET')));

    await expect(
      staffWith(unknown).checkNts(OPERATOR, id, { validate: false }, T1),
    ).rejects.toMatchObject({ kind: 'unprocessable', code: 'not_registered_at_nts' });
    await expect(
      staffWith(down).checkNts(OPERATOR, id, { validate: false }, T1),
    ).rejects.toMatchObject({ kind: 'unavailable', code: 'registry_unavailable' });
    expect(await repository.getById(id)).toMatchObject({ version: 0, nts: undefined, history: [] });
  });

  describe('registration asks the NTS register first', () => {
    const registeringWith = (registry: BusinessRegistry) =>
      new BusinessesService(repository, access, silent, registry);

    it('stores the status the register answers, with the time, as the business’s first NTS state', async () => {
      const registry = fakeRegistry();

      const view = await registeringWith(registry).register(OWNER, BAKERY, T0);

      expect(registry.lookup).toHaveBeenCalledWith('1248100998');
      expect(view.ntsStatus).toMatchObject({
        status: 'active',
        taxType: '부가가치세 일반과세자',
        checkedAt: T0.toISOString(),
        source: 'nts',
      });
    });

    it('refuses a number the register does not know with 422 not_registered_at_nts, writing nothing', async () => {
      const registry = fakeRegistry(() => Promise.resolve(undefined));

      await expect(registeringWith(registry).register(OWNER, BAKERY, T0)).rejects.toMatchObject({
        kind: 'unprocessable',
        code: 'not_registered_at_nts',
      });
      expect(await businesses().countDocuments({})).toBe(0);
    });

    it('registers the business unchecked when the register cannot be asked (the daily re-check asks again)', async () => {
      const registry = fakeRegistry(() => Promise.reject(new Error('ECONNRESET')));

      const view = await registeringWith(registry).register(OWNER, BAKERY, T0);

      expect(view.ntsStatus).toBeNull();
      expect(await businesses().countDocuments({})).toBe(1);
    });
  });
});
