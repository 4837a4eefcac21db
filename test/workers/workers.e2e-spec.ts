import { Global, Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import {
  BANK_ACCOUNT_VERIFIER,
  type BankAccountQuery,
  type BankAccountVerifier,
} from '../../src/modules/workers/ports/bank-account-verifier.port.js';
import { WorkersModule } from '../../src/modules/workers/workers.module.js';
import { WorkersService } from '../../src/modules/workers/workers.service.js';
import { lastAccessRecord } from '../support/access-records.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const kim = mint.access('worker-kim', ['worker']);
const lee = mint.access('worker-lee', ['worker']);
const operator = mint.access('op-1', ['operator']);

const KIM = { legalName: '김민수', birthDate: '2001-05-09', phone: '010-1234-5678' };
const LEE = { legalName: '이지원', birthDate: '1999-11-30', phone: '010-8765-4321' };
const ACCOUNT = { bankCode: '088', number: '110-123-456789', holderName: '김민수' };
const CI = 'bWFkZS11cC1jaS1vZi1raW0tbWluc3UtZm9yLXRoZS1lMmUtdGVzdC1vbmx5LW5vdC1yZWFs';

/** The bank's answers in tests: a port fake, provided the way a provider module would be. */
class FakeBankVerifier implements BankAccountVerifier {
  readonly method = 'popbill' as const;
  readonly queries: BankAccountQuery[] = [];
  check(query: BankAccountQuery) {
    this.queries.push(query);
    return Promise.resolve({
      found: true,
      holderName: '김민수',
      result: '0000',
      resultMessage: 'OK',
      checkedAt: new Date(),
    });
  }
}
const bank = new FakeBankVerifier();

@Global()
@Module({
  providers: [{ provide: BANK_ACCOUNT_VERIFIER, useValue: bank }],
  exports: [BANK_ACCOUNT_VERIFIER],
})
class FakeBankModule {}

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

describe('worker profiles and their manual verification', () => {
  let api: TestApi;
  let db: Database;
  const call = caller(() => api);

  beforeAll(async () => {
    api = await startTestApi({ modules: [WorkersModule] });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    db = api.app.get<Database>(DATABASE);
  });
  afterAll(() => api?.close());

  const facts = async (id: string) =>
    (await api.app.get(WorkersService).eligibilityFacts([id])).get(id);

  const lastRecord = () => lastAccessRecord(db);

  it('creates a profile shown masked and stored without plaintext', async () => {
    const response = await call('PUT', '/workers/me', kim, KIM);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: 'worker-kim',
      status: 'active',
      legalName: '김*수',
      birthDate: '2001-**-**',
      phone: '010-****-5678',
      identity: { verified: false },
    });
    const account = await call('PUT', '/workers/me/bank-account', kim, ACCOUNT);
    expect(account.status).toBe(200);
    expect(((await account.json()) as { bankAccount: unknown }).bankAccount).toMatchObject({
      bankCode: '088',
      verified: false,
      holderMatchesLegalName: true,
    });

    const me = await call('GET', '/workers/me', kim);
    expect(me.status).toBe(200);
    const stored = JSON.stringify(
      await db.collection<{ _id: string }>('workers').findOne({ _id: 'worker-kim' }),
    );
    for (const plain of ['김민수', '2001-05-09', '12345678', '1234-5678', '123456789', '110-123']) {
      expect(stored).not.toContain(plain);
    }
    expect(await facts('worker-kim')).toMatchObject({
      status: 'active',
      birthDate: '2001-05-09',
      identityVerified: false,
      bankAccount: { verified: false, holderMatchesLegalName: true },
    });
  });

  it('refuses an impossible birth date, a future one and unknown fields with 400, writing nothing', async () => {
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    for (const body of [
      { ...LEE, birthDate: '1999-02-30' },
      { ...LEE, birthDate: nextYear },
      { ...LEE, birthDate: '30/11/1999' },
      { ...LEE, nickname: 'jiwon' },
    ]) {
      const response = await call('PUT', '/workers/me', lee, body);
      expect(response.status).toBe(400);
    }
    expect(
      await db.collection<{ _id: string }>('workers').countDocuments({ _id: 'worker-lee' }),
    ).toBe(0);
  });

  it('lets an operator verify identity by hand with a CI and evidence, recorded twice', async () => {
    const before = await lastRecord();
    const response = await call('POST', '/operator/workers/worker-kim/identity', operator, {
      action: 'verify',
      evidence: 'Ticket 512: NICE console lookup, ID card copy on file',
      ci: CI,
    });
    expect(response.status).toBe(200);
    const view = (await response.json()) as { identity: unknown; history: unknown[] };
    expect(view.identity).toMatchObject({ verified: true, provider: 'manual' });
    expect(view.history.at(-1)).toMatchObject({
      subject: 'identity',
      action: 'verify',
      by: 'op-1',
      evidence: '*** (53자)',
    });
    expect(JSON.stringify(view)).not.toContain(CI);
    const stored = JSON.stringify(
      await db.collection<{ _id: string }>('workers').findOne({ _id: 'worker-kim' }),
    );
    expect(stored).not.toContain('NICE console');
    expect(await lastRecord()).toMatchObject({
      seq: (before?.seq ?? 0) + 1,
      actor: { id: 'op-1', role: 'operator' },
      action: 'update',
      dataset: 'workers',
      subjects: ['worker-kim'],
    });
    expect(await facts('worker-kim')).toMatchObject({ identityVerified: true });
  });

  it('refuses the same CI on a second worker account with 409 identity_already_used', async () => {
    expect((await call('PUT', '/workers/me', lee, LEE)).status).toBe(200);

    const response = await call('POST', '/operator/workers/worker-lee/identity', operator, {
      action: 'verify',
      evidence: 'Ticket 513: same person again?',
      ci: `  ${CI} `,
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'identity_already_used' });
    expect(await facts('worker-lee')).toMatchObject({ identityVerified: false });
  });

  it('lets an operator verify the bank account and a qualification, each with evidence', async () => {
    const bankResponse = await call('POST', '/operator/workers/worker-kim/bank-account', operator, {
      action: 'verify',
      evidence: 'Ticket 514: bank book copy shows the holder',
      holderMatchesLegalName: true,
    });
    expect(bankResponse.status).toBe(200);
    expect(await facts('worker-kim')).toMatchObject({
      bankAccount: { verified: true, holderMatchesLegalName: true },
    });

    expect(
      (await call('POST', '/workers/me/qualifications', kim, { code: 'health-certificate' }))
        .status,
    ).toBe(200);
    expect((await facts('worker-kim'))?.qualifications).toEqual([]); // self-declared: not yet
    const expiresAt = '2027-02-28T15:00:00.000Z';
    const qualification = await call(
      'POST',
      '/operator/workers/worker-kim/qualifications/health-certificate',
      operator,
      { action: 'verify', evidence: 'Ticket 515: 보건증 scan, valid one year', expiresAt },
    );
    expect(qualification.status).toBe(200);
    expect((await facts('worker-kim'))?.qualifications).toEqual([
      { code: 'health-certificate', expiresAt: new Date(expiresAt) },
    ]);
    expect(await lastRecord()).toMatchObject({ action: 'update', dataset: 'workers' });

    const view = (await (await call('GET', '/operator/workers/worker-kim', operator)).json()) as {
      history: { subject: string; action: string; by: string }[];
      legalName: string;
    };
    expect(view.legalName).toBe('김*수');
    expect(view.history.map((e) => `${e.subject}:${e.action}:${e.by}`)).toEqual([
      'identity:verify:op-1',
      'bankAccount:verify:op-1',
      'qualification:verify:op-1',
    ]);
    expect(await lastRecord()).toMatchObject({ action: 'read', subjects: ['worker-kim'] });
  });

  it('refuses to verify a holder the system finds mismatched unless the operator overrides it explicitly, recorded everywhere', async () => {
    const park = mint.access('worker-park', ['worker']);
    await call('PUT', '/workers/me', park, { ...KIM, legalName: '박서준', phone: '010-2222-3333' });
    await call('PUT', '/workers/me/bank-account', park, { ...ACCOUNT, holderName: '박서준어머니' });

    const plain = await call('POST', '/operator/workers/worker-park/bank-account', operator, {
      action: 'verify',
      evidence: 'Ticket 601: bank book copy',
      holderMatchesLegalName: true,
    });
    expect(plain.status).toBe(409);
    expect(await plain.json()).toMatchObject({ code: 'holder_mismatch_override_required' });
    expect((await facts('worker-park'))?.bankAccount).toMatchObject({ verified: false });

    const noReason = await call('POST', '/operator/workers/worker-park/bank-account', operator, {
      action: 'verify',
      evidence: 'Ticket 601: bank book copy',
      holderMatchesLegalName: true,
      overrideHolderMismatch: true,
    });
    expect(noReason.status).toBe(400);

    const before = await lastRecord();
    const override = await call('POST', '/operator/workers/worker-park/bank-account', operator, {
      action: 'verify',
      evidence: 'Ticket 601: bank book copy',
      holderMatchesLegalName: true,
      overrideHolderMismatch: true,
      overrideReason: '가족 명의 계좌, 본인 동의서 확인 (ticket 601)',
    });
    expect(override.status).toBe(200);
    const view = (await override.json()) as {
      bankAccount: { holderMismatchOverride: unknown };
      history: { subject: string; override?: boolean }[];
    };
    expect(view.bankAccount.holderMismatchOverride).toMatchObject({
      by: 'op-1',
      reason: '*** (32자)',
    });
    expect(view.history.at(-1)).toMatchObject({ subject: 'bankAccount', override: true });
    expect(await lastRecord()).toMatchObject({
      seq: (before?.seq ?? 0) + 1,
      action: 'update',
      dataset: 'workers',
      subjects: ['worker-park'],
      fields: expect.arrayContaining(['bankAccount.holderMismatchOverride']),
      reason: 'override of the holder name mismatch',
    });
    const facts2 = await facts('worker-park');
    expect(facts2?.bankAccount).toMatchObject({
      verified: true,
      holderMatchesLegalName: true,
      holderMismatchOverride: { by: 'op-1' },
    });
    const stored = JSON.stringify(
      await db.collection<{ _id: string }>('workers').findOne({ _id: 'worker-park' }),
    );
    expect(stored).not.toContain('본인 동의서');
  });

  it('lets an operator suspend and reactivate a worker, with the reason', async () => {
    const suspend = await call('POST', '/operator/workers/worker-kim/status', operator, {
      status: 'suspended',
      reason: 'Ticket 516: three complaints this week',
    });
    expect(suspend.status).toBe(200);
    expect(await facts('worker-kim')).toMatchObject({ status: 'suspended' });

    await call('POST', '/operator/workers/worker-kim/status', operator, {
      status: 'active',
      reason: 'Ticket 516: resolved after review',
    });
    expect(await facts('worker-kim')).toMatchObject({ status: 'active' });
  });

  it('refuses a revoke that carries verify-only fields, and a verify without the holder finding', async () => {
    const revoke = await call('POST', '/operator/workers/worker-kim/identity', operator, {
      action: 'revoke',
      evidence: 'Ticket 517',
      ci: CI,
    });
    expect(revoke.status).toBe(400);
    const verify = await call('POST', '/operator/workers/worker-kim/bank-account', operator, {
      action: 'verify',
      evidence: 'Ticket 517',
    });
    expect(verify.status).toBe(400);
  });

  it('refuses operator routes to a worker, without an access record', async () => {
    const before = await lastRecord();
    for (const [method, path, body] of [
      ['GET', '/operator/workers/worker-kim', undefined],
      [
        'POST',
        '/operator/workers/worker-kim/identity',
        { action: 'verify', evidence: 'myself, honest' },
      ],
      [
        'POST',
        '/operator/workers/worker-kim/status',
        { status: 'active', reason: 'because I say so' },
      ],
    ] as const) {
      expect((await call(method, path, kim, body)).status).toBe(403);
    }
    expect((await lastRecord())?.seq).toBe(before?.seq);
  });

  it('answers 404 worker_not_found for an unknown worker, without an access record', async () => {
    const before = await lastRecord();
    const response = await call('GET', '/operator/workers/nobody', operator);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'worker_not_found' });
    expect((await lastRecord())?.seq).toBe(before?.seq);
  });

  it('answers 503 verifier_unavailable for bank and identity checks while no verifier is configured', async () => {
    const response = await call('POST', '/workers/me/bank-account/verify', kim);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'verifier_unavailable' });
    const identity = await call('POST', '/workers/me/identity-verifications', kim, {
      provider: 'nice',
      returnUrl: 'https://app.example/identity/back',
    });
    expect(identity.status).toBe(503);
    expect(await identity.json()).toMatchObject({ code: 'verifier_unavailable' });
  });

  it('refuses the worker routes to a member who is not a worker', async () => {
    const business = mint.access('biz-1', ['business']);
    expect((await call('PUT', '/workers/me', business, KIM)).status).toBe(403);
  });

  it('writes none of the raw personal values to any log line', () => {
    const raw = api.logs.raw.join('\n');
    for (const value of [KIM.legalName, KIM.phone, '01012345678', ACCOUNT.number, CI]) {
      expect(raw).not.toContain(value);
    }
  });
});

describe('bank account verification through the port', () => {
  let api: TestApi;
  const call = caller(() => api);

  beforeAll(async () => {
    api = await startTestApi({ modules: [WorkersModule, FakeBankModule] });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  });
  afterAll(() => api?.close());

  it("verifies the account with the verifier and matches the bank's holder to the legal name", async () => {
    await call('PUT', '/workers/me', kim, KIM);
    await call('PUT', '/workers/me/bank-account', kim, { ...ACCOUNT, holderName: '김민' });

    const response = await call('POST', '/workers/me/bank-account/verify', kim);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { bankAccount: unknown }).bankAccount).toMatchObject({
      verified: true,
      method: 'popbill',
      holderName: '김*수',
      holderMatchesLegalName: true,
      lastCheck: { result: '0000' },
    });
    expect(bank.queries).toEqual([{ bankCode: '088', accountNumber: '110123456789' }]);
    const facts = await api.app.get(WorkersService).eligibilityFacts(['worker-kim']);
    expect(facts.get('worker-kim')?.bankAccount).toEqual({
      verified: true,
      holderMatchesLegalName: true,
    });
  });

  it('answers 409 no_bank_account when there is no account to verify', async () => {
    await call('PUT', '/workers/me', lee, LEE);
    const response = await call('POST', '/workers/me/bank-account/verify', lee);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'no_bank_account' });
  });
});
