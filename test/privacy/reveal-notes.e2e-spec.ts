import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { caller, eligibleWorker, json, postShift, verifiedBusiness } from '../assignments/setup.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { lastAccessRecord } from '../support/access-records.js';

/**
 * Notes (evidence and reasons written about a person) are stored encrypted, read by staff
 * masked, and raw only through the audited reveal: an access record first, then the text.
 */
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const owner = mint.access('biz-owner-r', ['business']);
const operator = mint.access('op-r', ['operator']);
const workerToken = mint.access('w-reveal', ['worker']);
const DAY = 24 * 3_600_000;

let api: TestApi;
let db: Database;
let business: string;
let assignment: string;
const call = caller(() => api.url);

const lastRecord = () => lastAccessRecord(db);

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  business = await verifiedBusiness(call, owner, operator);
  await eligibleWorker(call, workerToken, 'w-reveal', operator);
  await json(
    await call('POST', '/operator/workers/w-reveal/status', operator, {
      status: 'suspended',
      reason: '홍길동 님 민원: 무단 결근 두 번',
    }),
    200,
  );
  await json(
    await call('POST', '/operator/workers/w-reveal/status', operator, {
      status: 'active',
      reason: '소명 확인, ticket 77',
    }),
    200,
  );
  const start = new Date(Date.now() + 5 * DAY);
  start.setUTCHours(0, 0, 0, 0);
  const shift = await postShift(call, owner, business, start);
  const proposed = await json<{ id: string }>(
    await call('POST', `/shifts/${shift.id}/assignments`, owner, { workerId: 'w-reveal' }),
    201,
  );
  assignment = proposed.id;
  await json(
    await call('POST', `/assignments/${assignment}/cancel`, workerToken, {
      reason: '갑자기 아파서 못 갑니다. 연락 010-9999-8888',
    }),
    200,
  );
}, 60_000);
afterAll(() => api?.close());

describe('notes: masked to staff, raw to the parties, revealed with a record', () => {
  it('keeps every note out of the database in plaintext', async () => {
    const all = JSON.stringify([
      await db.collection('workers').find({}).toArray(),
      await db.collection('businesses').find({}).toArray(),
      await db.collection('assignments').find({}).toArray(),
    ]);
    for (const planted of [
      '홍길동',
      '무단 결근',
      '소명 확인',
      '갑자기 아파서',
      '010-9999-8888',
      'ticket 100',
    ]) {
      expect(all).not.toContain(planted);
    }
  });

  it('shows an assignment reason as written to its worker and business, masked to operators', async () => {
    const asWorker = await json<{ cancellation: { reason: string } }>(
      await call('GET', `/assignments/${assignment}`, workerToken),
      200,
    );
    expect(asWorker.cancellation.reason).toBe('갑자기 아파서 못 갑니다. 연락 010-9999-8888');
    const asOwner = await json<{ cancellation: { reason: string } }>(
      await call('GET', `/assignments/${assignment}`, owner),
      200,
    );
    expect(asOwner.cancellation.reason).toBe(asWorker.cancellation.reason);
    const asOperator = await json<{ cancellation: { reason: string } }>(
      await call('GET', `/assignments/${assignment}`, operator),
      200,
    );
    expect(asOperator.cancellation.reason).toMatch(/^\*\*\* \(\d+자\)$/);
  });

  it("reveals a worker's notes and fields raw only with a reason, recorded first", async () => {
    const view = await json<{ statusReason: string; history: { evidence: string }[] }>(
      await call('GET', '/operator/workers/w-reveal', operator),
      200,
    );
    expect(view.statusReason).toMatch(/^\*\*\* /);
    expect(view.history.every((h) => h.evidence.startsWith('***'))).toBe(true);

    const noReason = await call('POST', '/operator/workers/w-reveal/reveal', operator, {
      fields: ['notes'],
    });
    expect(noReason.status).toBe(400);

    const before = await lastRecord();
    const revealed = await json<{
      id: string;
      legalName: string;
      notes: { at: string; text: string }[];
    }>(
      await call('POST', '/operator/workers/w-reveal/reveal', operator, {
        fields: ['legalName', 'notes'],
        reason: '민원 처리 ticket 78',
      }),
      200,
    );
    expect(revealed.legalName).toBe('김민수');
    expect(revealed.notes).toEqual(
      expect.arrayContaining([
        { at: 'statusReason', text: '소명 확인, ticket 77' },
        { at: 'identity.evidence', text: 'Ticket 512: NICE console lookup' },
        expect.objectContaining({ at: expect.stringMatching(/^history\[\d+\]\.evidence$/) }),
      ]),
    );
    expect(await lastRecord()).toMatchObject({
      seq: (before?.seq ?? 0) + 1,
      action: 'reveal',
      dataset: 'workers',
      subjects: ['w-reveal'],
      fields: expect.arrayContaining(['legalName', 'statusReason', 'history[].evidence']),
      reason: '민원 처리 ticket 78',
    });
  });

  it("reveals a business's verification evidence and an assignment's reasons the same way", async () => {
    const businessNotes = await json<{ notes: { at: string; text: string }[] }>(
      await call('POST', `/operator/businesses/${business}/reveal`, operator, {
        fields: ['notes'],
        reason: '감사 대응 ticket 79',
      }),
      200,
    );
    expect(businessNotes.notes).toContainEqual({
      at: 'verification.evidence',
      text: '사업자등록증 사본 확인, ticket 100',
    });
    expect(await lastRecord()).toMatchObject({ action: 'reveal', dataset: 'businesses' });

    const assignmentNotes = await json<{ notes: { at: string; text: string }[] }>(
      await call('POST', `/operator/assignments/${assignment}/reveal`, operator, {
        reason: '분쟁 조정 ticket 80',
      }),
      200,
    );
    expect(assignmentNotes.notes).toContainEqual({
      at: 'cancellation.reason',
      text: '갑자기 아파서 못 갑니다. 연락 010-9999-8888',
    });
    expect(await lastRecord()).toMatchObject({
      action: 'reveal',
      dataset: 'assignments',
      subjects: ['w-reveal'],
    });
  });

  it('refuses a reveal to members', async () => {
    const response = await call('POST', '/operator/workers/w-reveal/reveal', owner, {
      fields: ['notes'],
      reason: '궁금해서 봅니다',
    });
    expect(response.status).toBe(403);
  });
});
