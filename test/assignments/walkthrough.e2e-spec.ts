import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../src/modules/auth/create-staff.command.js';
import { SentMessagesRepository } from '../../src/modules/notifications/sent-messages.repository.js';
import type { Database } from '../../src/platform/storage/database.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { openPrivacy } from '../../src/privacy/privacy.js';
import { NTS_RECHECK_JOB } from '../../src/modules/businesses/nts-recheck.js';
import { ScheduledJobs } from '../../src/platform/jobs/scheduled-jobs.js';
import { WorkerModule } from '../../src/worker.module.js';
import { type CognitoApi, startApiWithCognito } from '../support/cognito-api.js';
import { businessNumber, caller, json, kst } from './setup.js';

const silent = pino({ level: 'silent' });
const PASSWORD = 'Shift-Work1';
const HOUR = 3_600_000;

function until(predicate: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(() => void tick(), 25);
    };
    void tick();
  });
}

/**
 * The whole marketplace through the API, as its users meet it: a business and a worker sign up
 * on Cognito (cognito-local), the operator verifies both, the business posts a shift, the worker
 * applies, is proposed and accepts, and the business marks the shift worked. The worker process
 * (the real WorkerModule, on the same database) delivers the notifications.
 */
describe('from sign-up to a completed shift', () => {
  let dir: string;
  let engine: EmbeddedDatabase;
  let harness: CognitoApi;
  let worker: INestApplicationContext;
  const call = caller(() => harness.api.url);
  /** Who the first test signed up, for the second. */
  const people = {
    business: { userId: '', token: '' },
    worker: { userId: '', token: '' },
    businessId: '',
    businessNumber: '',
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-walk-'));
    engine = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: silent });
    harness = await startApiWithCognito({
      env: {
        EMBEDDED_DB_DIR: path.join(dir, 'db'),
        OUTBOX_POLL_MS: '50',
        LOGIN_THROTTLE_MAX_PER_IP: '1000',
      },
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(harness.api.config, silent),
      { logger: false },
    );
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await harness?.close();
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function signUp(email: string, role: 'worker' | 'business') {
    const { userId } = await json<{ userId: string }>(
      await fetch(`${harness.api.url}/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD, phone: '010-2222-3333', role }),
      }),
      201,
    );
    await json(
      await fetch(`${harness.api.url}/auth/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, code: harness.codeFor(userId) }),
      }),
      200,
    );
    return { userId, token: await login(email, PASSWORD) };
  }

  async function login(email: string, password: string): Promise<string> {
    const { accessToken } = await json<{ accessToken: string }>(
      await fetch(`${harness.api.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      }),
      200,
    );
    return accessToken;
  }

  async function operatorToken(): Promise<string> {
    const db = harness.api.app.get<Database>(DATABASE);
    let out = '';
    const code = await createStaff({
      argv: ['--email', 'ops.walk@example.com', '--role', 'operator'],
      config: harness.api.config,
      logger: silent,
      db,
      privacy: () => openPrivacy(harness.api.config, db),
      out: { write: (text: string) => (out += text) },
      err: { write: () => true },
    });
    expect(code).toBe(0);
    const temporary = /temporary password \(shown once\): (\S+)/.exec(out)?.[1] ?? '';
    // The first sign-in of a staff account sets a password of its own before any token.
    const { session } = await json<{ session: string }>(
      await fetch(`${harness.api.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops.walk@example.com', password: temporary }),
      }),
      403,
    );
    const { accessToken } = await json<{ accessToken: string }>(
      await fetch(`${harness.api.url}/auth/complete-new-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: 'ops.walk@example.com',
          session,
          newPassword: 'Operator-own1!',
        }),
      }),
      200,
    );
    return accessToken;
  }

  it('walks a business and a worker through sign-up, verification, one shift and its completion', async () => {
    const business = await signUp('owner.walk@example.com', 'business');
    const member = await signUp('worker.walk@example.com', 'worker');
    const operator = await operatorToken();
    Object.assign(people, { business, worker: member });

    // The business registers; an operator verifies it by hand on the registration certificate.
    people.businessNumber = businessNumber();
    const { id: businessId } = await json<{ id: string }>(
      await call('POST', '/businesses', business.token, {
        businessNumber: people.businessNumber,
        name: '행복베이커리',
        representativeName: '박서준',
        openingDate: '2019-03-02',
      }),
      201,
    );
    people.businessId = businessId;
    await json(
      await call('POST', `/operator/businesses/${businessId}/verification`, operator, {
        action: 'verify',
        evidence: '사업자등록증 사본 확인, ticket 200',
        ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
        reason: 'Onboarding',
      }),
      200,
    );

    // The worker fills in the profile and payout account; the operator verifies both.
    await json(
      await call('PUT', '/workers/me', member.token, {
        legalName: '김민수',
        birthDate: '1998-07-15',
        phone: '010-2222-3333',
      }),
      200,
    );
    await json(
      await call('PUT', '/workers/me/bank-account', member.token, {
        bankCode: '088',
        number: '110-555-123456',
        holderName: '김민수',
      }),
      200,
    );
    await json(
      await call('POST', `/operator/workers/${member.userId}/identity`, operator, {
        action: 'verify',
        evidence: 'Ticket 201: NICE console lookup',
        ci: `walk-ci-${process.pid}`,
      }),
      200,
    );
    await json(
      await call('POST', `/operator/workers/${member.userId}/bank-account`, operator, {
        action: 'verify',
        evidence: 'Ticket 202: bank book copy',
        holderMatchesLegalName: true,
      }),
      200,
    );

    // A one-hour shift starting in a few seconds (so it can be completed within the test).
    const startsAt = new Date(Date.now() + 4_000);
    const shift = await json<{ id: string }>(
      await call('POST', `/businesses/${businessId}/shifts`, business.token, {
        title: 'Bakery counter',
        startsAt: kst(startsAt),
        endsAt: kst(new Date(startsAt.getTime() + HOUR)),
        place: {
          address: '서울 강남구 테헤란로 152',
          regionCode: '1168010100',
          lat: 37.5,
          lng: 127.04,
        },
        headcount: 1,
        hourlyPayKrw: 10_320,
      }),
      201,
    );
    const day = kst(startsAt).slice(0, 10);
    const browse = await json<{ items: { id: string }[] }>(
      await call('GET', `/shifts?from=${day}&to=${day}&region=11`, member.token),
      200,
    );
    expect(browse.items.map((s) => s.id)).toContain(shift.id);

    const applied = await json<{ id: string }>(
      await call('POST', `/shifts/${shift.id}/applications`, member.token),
      201,
    );
    await json(
      await call('POST', `/shifts/${shift.id}/assignments`, business.token, {
        workerId: member.userId,
      }),
      201,
    );
    await json(await call('POST', `/assignments/${applied.id}/accept`, member.token), 200);

    // Before the start it cannot be completed; after it, it can.
    const early = await json<{ code: string }>(
      await call('POST', `/assignments/${applied.id}/complete`, business.token, { hoursWorked: 1 }),
      409,
    );
    expect(early.code).toBe('shift_not_started');
    await until(async () => Date.now() > startsAt.getTime(), 10_000);
    const completed = await json<{ state: string; hoursWorked: number }>(
      await call('POST', `/assignments/${applied.id}/complete`, business.token, { hoursWorked: 1 }),
      200,
    );
    expect(completed).toMatchObject({ state: 'completed', hoursWorked: 1 });

    // The worker process delivered every change: the worker heard of the proposal, the
    // confirmation and the completion; the business of the confirmation.
    const sent = worker.get(SentMessagesRepository);
    await until(async () => (await sent.getMany({ memberId: member.userId })).length >= 3);
    const toWorker = (await sent.getMany({ memberId: member.userId })).map((m) => m.template);
    expect(toWorker).toEqual(
      expect.arrayContaining([
        'assignment.proposed.worker',
        'assignment.confirmed.worker',
        'assignment.completed.worker',
      ]),
    );
    const toBusiness = (await sent.getMany({ memberId: business.userId })).map((m) => m.template);
    expect(toBusiness).toContain('assignment.confirmed.business');
    // Locally they went out as AlimTalk through the Popbill stub, and are in its inbox.
    const alimTalk = harness.popbill.inbox().filter((m) => m.channel === 'ALIMTALK');
    expect(alimTalk.map((m) => m.templateCode)).toEqual(
      expect.arrayContaining([
        'WM_ASGN_PROPOSED_W',
        'WM_ASGN_CONFIRMED_W',
        'WM_ASGN_COMPLETED_W',
        'WM_ASGN_CONFIRMED_B',
      ]),
    );
    expect(alimTalk.every((m) => m.receiver === '01022223333')).toBe(true);
    await until(async () => {
      const doc = await engine
        .collection<{ _id: unknown; outbox: unknown[] }>('assignments')
        .findOne({ state: 'completed' });
      return doc?.outbox.length === 0;
    });
  }, 60_000);

  it('ends the assignments of a cancelled shift through the worker process', async () => {
    const { business, worker: member, businessId } = people;
    const startsAt = new Date(Date.now() + 48 * HOUR);
    const shift = await json<{ id: string }>(
      await call('POST', `/businesses/${businessId}/shifts`, business.token, {
        title: 'Bakery counter',
        startsAt: kst(startsAt),
        endsAt: kst(new Date(startsAt.getTime() + 4 * HOUR)),
        place: {
          address: '서울 강남구 테헤란로 152',
          regionCode: '1168010100',
          lat: 37.5,
          lng: 127.04,
        },
        headcount: 2,
        hourlyPayKrw: 11_000,
      }),
      201,
    );
    const proposed = await json<{ id: string }>(
      await call('POST', `/shifts/${shift.id}/assignments`, business.token, {
        workerId: member.userId,
      }),
      201,
    );
    await json(await call('POST', `/assignments/${proposed.id}/accept`, member.token), 200);

    await json(
      await call('POST', `/shifts/${shift.id}/cancel`, business.token, { reason: 'Oven broke' }),
      200,
    );

    await until(async () => {
      const view = await json<{ state: string }>(
        await call('GET', `/assignments/${proposed.id}`, member.token),
        200,
      );
      return view.state === 'cancelled';
    });
    const view = await json<{ cancellation: { by: { role: string }; late: boolean } }>(
      await call('GET', `/assignments/${proposed.id}`, member.token),
      200,
    );
    expect(view.cancellation).toMatchObject({ by: { role: 'system' }, late: false });
    const sent = worker.get(SentMessagesRepository);
    await until(async () =>
      (await sent.getMany({ memberId: member.userId })).some(
        (m) => m.template === 'assignment.cancelled.worker',
      ),
    );
  }, 30_000);

  it('ends the confirmed assignment of a business the daily NTS check finds closed, telling both sides', async () => {
    const { business, worker: member, businessId } = people;
    const startsAt = new Date(Date.now() + 72 * HOUR);
    const shift = await json<{ id: string }>(
      await call('POST', `/businesses/${businessId}/shifts`, business.token, {
        title: 'Weekend bakery shift',
        startsAt: kst(startsAt),
        endsAt: kst(new Date(startsAt.getTime() + 4 * HOUR)),
        place: {
          address: '서울 강남구 테헤란로 152',
          regionCode: '1168010100',
          lat: 37.5,
          lng: 127.04,
        },
        headcount: 1,
        hourlyPayKrw: 11_000,
      }),
      201,
    );
    const proposed = await json<{ id: string }>(
      await call('POST', `/shifts/${shift.id}/assignments`, business.token, {
        workerId: member.userId,
      }),
      201,
    );
    await json(await call('POST', `/assignments/${proposed.id}/accept`, member.token), 200);

    // The business closes (폐업) at the NTS; the daily re-check finds it.
    const digits = people.businessNumber.replaceAll('-', '');
    harness.nts.control({ register: { [digits]: { statusCode: '03', endDate: '20261204' } } });
    const job = worker.get(ScheduledJobs).get(NTS_RECHECK_JOB);
    expect(await job?.run(new AbortController().signal)).toMatchObject({ changed: 1 });

    await until(async () => {
      const view = await json<{ state: string }>(
        await call('GET', `/assignments/${proposed.id}`, member.token),
        200,
      );
      return view.state === 'cancelled';
    });
    const view = await json<{ cancellation: { by: { role: string } } }>(
      await call('GET', `/assignments/${proposed.id}`, member.token),
      200,
    );
    expect(view.cancellation).toMatchObject({ by: { role: 'system' } });
    const mine = await json<{ ntsStatus: { status: string; source: string } }>(
      await call('GET', `/businesses/${businessId}`, business.token),
      200,
    );
    expect(mine.ntsStatus).toMatchObject({ status: 'closed', source: 'nts' });
    // Both sides hear of it, as AlimTalk through the Popbill stub.
    await until(async () => {
      const codes = harness.popbill.inbox().map((m) => m.templateCode);
      return codes.includes('WM_ASGN_CANCELLED_W') && codes.includes('WM_ASGN_CANCELLED_B');
    });
  }, 30_000);
});
