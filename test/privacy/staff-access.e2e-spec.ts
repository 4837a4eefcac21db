import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MembersService } from '../../src/modules/members/members.service.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import type { AccessRecords } from '../../src/privacy/access/access-records.js';
import { ACCESS_RECORDS } from '../../src/privacy/staff-access.service.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { lastAccessRecord } from '../support/access-records.js';

let api: TestApi;
let records: AccessRecords;
let db: Database;
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-1', ['operator']);
const worker = mint.access('worker-1', ['worker']);

const KIM = { id: 'worker-1', email: 'kim.minsu@example.com', phone: '+821012345678' };
const LEE = { id: 'worker-2', email: 'lee.jiwon@example.com', phone: '+821087654321' };

beforeAll(async () => {
  api = await startTestApi({ env: { LOG_LEVEL: 'debug', ENABLE_ACCESS_LOG: 'true' } });
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  records = api.app.get<AccessRecords>(ACCESS_RECORDS);
  db = api.app.get<Database>(DATABASE);
  const members = api.app.get(MembersService);
  for (const m of [KIM, LEE]) {
    await members.ensureProfile({ ...m, username: m.id, role: 'worker' });
  }
});
afterAll(() => api?.close());

const call = (method: string, path: string, token: string, body?: unknown) =>
  callApi(api, method, path, token, body);

const lastRecord = () => lastAccessRecord(db);

describe('staff access to member records', () => {
  it('finds a member by any format of the phone number, masked, and records the read', async () => {
    const response = await call('POST', '/operator/members/search', operator, {
      phone: '010-1234-5678',
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Record<string, unknown>[] };
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      id: KIM.id,
      email: 'ki***@example.com',
      phone: '010-****-5678',
    });
    expect(await lastRecord()).toMatchObject({
      actor: { id: 'op-1', role: 'operator' },
      action: 'read',
      dataset: 'members',
      subjects: [KIM.id],
      ip: '127.0.0.1',
    });
  });

  it('shows one member masked and records the read', async () => {
    const response = await call('GET', `/operator/members/${LEE.id}`, operator);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ phone: '010-****-4321' });
    expect(await lastRecord()).toMatchObject({ action: 'read', subjects: [LEE.id] });
  });

  it('reveals a raw value only with a reason, and records who, whose, what and why', async () => {
    const without = await call('POST', `/operator/members/${KIM.id}/reveal`, operator, {
      fields: ['phone'],
    });
    expect(without.status).toBe(400);
    const before = await lastRecord();

    const response = await call('POST', `/operator/members/${KIM.id}/reveal`, operator, {
      fields: ['phone'],
      reason: 'Ticket 4411: wage transfer bounced',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: KIM.id, phone: KIM.phone });
    const record = await lastRecord();
    expect(record?.seq).toBe((before?.seq ?? 0) + 1);
    expect(record).toMatchObject({
      action: 'reveal',
      subjects: [KIM.id],
      fields: ['phone'],
      reason: 'Ticket 4411: wage transfer bounced',
    });
  });

  it('refuses staff routes to a worker, without a record', async () => {
    const before = await lastRecord();
    const response = await call('POST', `/operator/members/${KIM.id}/reveal`, worker, {
      fields: ['phone'],
      reason: 'curiosity, mostly',
    });
    expect(response.status).toBe(403);
    expect((await lastRecord())?.seq).toBe(before?.seq);
  });

  it('answers 404 for an unknown member, without a record', async () => {
    const before = await lastRecord();
    const response = await call('POST', '/operator/members/nobody/reveal', operator, {
      fields: ['email'],
      reason: 'Ticket 4412',
    });
    expect(response.status).toBe(404);
    expect((await lastRecord())?.seq).toBe(before?.seq);
  });

  it('exports masked CSV with a reason and records every member in it', async () => {
    const response = await call('POST', '/operator/members/export', operator, {
      role: 'worker',
      reason: 'Monthly payroll reconciliation',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = await response.text();
    expect(csv.split('\r\n')[0]).toBe(
      'id,role,status,email,phone,createdAt,withdrawnAt,destroyedAt',
    );
    expect(csv).toContain('010-****-5678');
    expect(csv).not.toContain('kim.minsu');
    expect(await lastRecord()).toMatchObject({
      action: 'export',
      subjectCount: 2,
      reason: 'Monthly payroll reconciliation',
    });
  });

  it('shows nothing when the access record cannot be written', async () => {
    const append = vi.spyOn(records, 'append').mockRejectedValueOnce(new Error('disk full'));
    const response = await call('POST', `/operator/members/${KIM.id}/reveal`, operator, {
      fields: ['phone'],
      reason: 'Ticket 4413',
    });
    append.mockRestore();
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('1012345678');
  });

  it('answers a ciphertext copied to another record with a 500 naming the record and field', async () => {
    const members = db.collection<{ _id: string; phone?: unknown }>('members');
    const kim = await members.findOne({ _id: KIM.id });
    const third = { ...KIM, id: 'worker-3' };
    await api.app
      .get(MembersService)
      .ensureProfile({ ...third, username: third.id, role: 'worker' });
    await members.updateOne({ _id: third.id }, { $set: { phone: kim?.phone } });

    const response = await call('GET', `/operator/members/${third.id}`, operator);

    expect(response.status).toBe(500);
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      code: 'stored_value_unreadable',
      collection: 'members',
      field: 'phone',
      documentId: 'worker-3',
      reason: 'authentication_failed',
    });
    expect(JSON.stringify(problem)).not.toContain('1012345678');
    expect(
      api.logs.raw.some((line) =>
        line.includes('cannot decrypt members.phone of document worker-3'),
      ),
    ).toBe(true);
  });

  it('writes none of the raw values it handled to any log line', () => {
    const raw = api.logs.raw.join('\n');
    expect(raw).toContain('/operator/members'); // the requests were logged
    for (const value of [KIM.email, KIM.phone, '01012345678', LEE.email, LEE.phone]) {
      expect(raw).not.toContain(value);
    }
  });

  it('leaves a chain of records that verifies', async () => {
    expect(await records.verify()).toMatchObject({ ok: true, problems: [] });
  });
});
