import { ShiftsModule } from '../../src/modules/shifts/shifts.module.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShiftsRepository } from '../../src/modules/shifts/shifts.repository.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { registerBusiness } from '../support/marketplace.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const ownerA = mint.access('owner-a', ['business']);
const ownerB = mint.access('owner-b', ['business']);
const worker = mint.access('worker-1', ['worker']);
const operator = mint.access('op-1', ['operator']);

/** Next year, so every date here is in the future whenever the suite runs. */
const YEAR = new Date().getUTCFullYear() + 1;
const kst = (monthDay: string, time: string) => `${YEAR}-${monthDay}T${time}+09:00`;

let api: TestApi;
let db: Database;
let repository: ShiftsRepository;
/** Two real businesses, each with its owner as its only staff: owner-a's and owner-b's. */
let bizA: string;
let bizB: string;

beforeAll(async () => {
  api = await startTestApi();
  api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  db = api.app.get<Database>(DATABASE);
  repository = api.app.select(ShiftsModule).get(ShiftsRepository, { strict: true });
  bizA = await registerBusiness(api, ownerA, { name: '행복베이커리' });
  bizB = await registerBusiness(api, ownerB, { name: '강남웨딩홀' });
});
afterAll(() => api?.close());

/** What an assignment does to a shift: one slot held for `holder`, at the times it has now. */
async function reserve(shiftId: string, holder: string): Promise<void> {
  const shift = await repository.getById(shiftId);
  if (!shift) throw new Error(`no shift ${shiftId}`);
  expect(await repository.reserveSlot(shiftId, holder, new Date(), shift)).toBe('reserved');
}

function call(method: string, path: string, token: string, body?: unknown, key?: string) {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(key ? { 'idempotency-key': key } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

type Json = Record<string, unknown>;

function shiftBody(overrides: Json = {}): Json {
  return {
    title: 'Banquet service',
    description: 'Black trousers, white shirt',
    startsAt: kst('03-10', '09:00:00'),
    endsAt: kst('03-10', '18:00:00'),
    place: {
      address: '서울 강남구 테헤란로 152',
      regionCode: '1168010100',
      lat: 37.5,
      lng: 127.04,
    },
    headcount: 3,
    hourlyPayKrw: 12_000,
    ...overrides,
  };
}

async function post(body: Json, token = ownerA, business = bizA): Promise<Json> {
  const response = await call('POST', `/businesses/${business}/shifts`, token, body);
  expect(response.status).toBe(201);
  return (await response.json()) as Json;
}

const count = () => db.collection('shifts').countDocuments({});

describe('posting a shift', () => {
  it('creates an open shift with defaults and version 1, times given in UTC shown in KST', async () => {
    const shift = await post(
      shiftBody({ startsAt: `${YEAR}-03-10T00:00:00Z`, endsAt: `${YEAR}-03-10T09:00:00Z` }),
    );

    expect(shift).toMatchObject({
      businessId: bizA,
      startsAt: kst('03-10', '09:00:00'),
      endsAt: kst('03-10', '18:00:00'),
      status: 'open',
      filled: 0,
      slotsLeft: 3,
      minimumAge: 15,
      requiredQualifications: [],
      version: 1,
      createdBy: 'owner-a',
      cancelledAt: null,
    });
  });

  it('creates one shift for a retried request with the same Idempotency-Key', async () => {
    const before = await count();
    const body = shiftBody({ title: 'Retried' });
    const first = await call('POST', `/businesses/${bizA}/shifts`, ownerA, body, 'post-once-1');
    const again = await call('POST', `/businesses/${bizA}/shifts`, ownerA, body, 'post-once-1');

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as Json).id).toBe(((await first.json()) as Json).id);
    expect(await count()).toBe(before + 1);
  });

  const invalid: [string, Json, number, string, string?][] = [
    [
      'an end before the start',
      { endsAt: kst('03-10', '08:00:00') },
      400,
      'shift_ends_before_start',
    ],
    [
      'an end equal to the start',
      { endsAt: kst('03-10', '09:00:00') },
      400,
      'shift_ends_before_start',
    ],
    ['more than 24 hours', { endsAt: kst('03-11', '09:00:01') }, 400, 'shift_too_long'],
    [
      'a start in the past',
      { startsAt: '2020-01-01T09:00:00+09:00', endsAt: '2020-01-01T18:00:00+09:00' },
      422,
      'shift_starts_in_past',
    ],
    ['pay below the minimum wage', { hourlyPayKrw: 10_319 }, 422, 'pay_below_minimum_wage'],
    [
      'a region code of no 시도',
      { place: { address: 'x', regionCode: '9968010100', lat: 37.5, lng: 127 } },
      400,
      'validation_failed',
      'place.regionCode',
    ],
    [
      'a region code that is a prefix, not a place',
      { place: { address: 'x', regionCode: '11680', lat: 37.5, lng: 127 } },
      400,
      'validation_failed',
      'place.regionCode',
    ],
    [
      'coordinates outside Korea (Tokyo)',
      { place: { address: 'x', regionCode: '1168010100', lat: 35.68, lng: 139.77 } },
      400,
      'validation_failed',
      'place.lng',
    ],
    [
      'swapped coordinates',
      { place: { address: 'x', regionCode: '1168010100', lat: 127.04, lng: 37.5 } },
      400,
      'validation_failed',
      'place.lat',
    ],
    [
      'a time without an offset',
      { startsAt: `${YEAR}-03-10T09:00:00` },
      400,
      'validation_failed',
      'startsAt',
    ],
    [
      'an impossible date',
      { startsAt: kst('02-30', '09:00:00') },
      400,
      'validation_failed',
      'startsAt',
    ],
    ['a headcount of 0', { headcount: 0 }, 400, 'validation_failed', 'headcount'],
    ['a headcount over 500', { headcount: 501 }, 400, 'validation_failed', 'headcount'],
    ['a minimum age under 15', { minimumAge: 14 }, 400, 'validation_failed', 'minimumAge'],
    ['an unknown field', { urgent: true }, 400, 'validation_failed', 'urgent'],
  ];

  it.each(invalid)(
    'refuses %s with %i %s and writes nothing',
    async (_, change, status, code, field) => {
      const before = await count();

      const response = await call('POST', `/businesses/${bizA}/shifts`, ownerA, shiftBody(change));

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as Json & { errors?: { field: string }[] };
      expect(problem.code).toBe(code);
      if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
      expect(await count()).toBe(before);
    },
  );

  it('names the minimum wage when the pay is below it', async () => {
    const response = await call(
      'POST',
      `/businesses/${bizA}/shifts`,
      ownerA,
      shiftBody({ hourlyPayKrw: 9_860 }),
    );

    expect(await response.json()).toMatchObject({
      code: 'pay_below_minimum_wage',
      minimumHourlyWageKrw: api.config.shifts.minimumHourlyWageKrw,
    });
    expect(api.config.shifts.minimumHourlyWageKrw).toBe(10_320);
  });

  it('accepts pay of exactly the minimum wage', async () => {
    await post(shiftBody({ hourlyPayKrw: 10_320 }));
  });

  it('refuses a worker with 403 and writes nothing', async () => {
    const before = await count();
    const response = await call('POST', `/businesses/${bizA}/shifts`, worker, shiftBody());

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'insufficient_role' });
    expect(await count()).toBe(before);
  });

  it('refuses another business’s staff with 403', async () => {
    const response = await call('POST', `/businesses/${bizA}/shifts`, ownerB, shiftBody());
    expect(response.status).toBe(403);
  });

  it('answers 404 for an unknown business, and 400 for a business id that cannot be one', async () => {
    const unknown = await call(
      'POST',
      '/businesses/0123456789abcdef01234567/shifts',
      ownerA,
      shiftBody(),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'business_not_found' });
    const malformed = await call('POST', '/businesses/biz-zzz/shifts', ownerA, shiftBody());
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe('editing a shift', () => {
  it('applies the changes at the current version and moves the version', async () => {
    const shift = await post(shiftBody());

    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, {
      version: 1,
      hourlyPayKrw: 13_000,
      endsAt: kst('03-10', '20:00:00'),
      headcount: 5,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      hourlyPayKrw: 13_000,
      endsAt: kst('03-10', '20:00:00'),
      headcount: 5,
      version: 2,
    });
  });

  it('refuses a stale version with 409 shift_changed and changes nothing', async () => {
    const shift = await post(shiftBody());
    await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, { version: 1, title: 'First edit' });

    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, {
      version: 1,
      title: 'Second edit',
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'shift_changed', version: 2 });
    expect((await repository.getById(String(shift.id)))?.title).toBe('First edit');
  });

  it('sees a slot reserved since the read as a change', async () => {
    const shift = await post(shiftBody());
    await reserve(String(shift.id), 'assignment-1');

    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, {
      version: 1,
      title: 'Edited',
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'shift_changed' });
  });

  it('refuses a headcount below the slots held with 409', async () => {
    const shift = await post(shiftBody({ headcount: 3 }));
    const id = String(shift.id);
    await reserve(id, 'assignment-1');
    await reserve(id, 'assignment-2');

    const response = await call('PATCH', `/shifts/${id}`, ownerA, { version: 3, headcount: 1 });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'headcount_below_filled', filled: 2 });
    expect((await repository.getById(id))?.headcount).toBe(3);
  });

  it('refuses to move the time of a shift with assigned workers', async () => {
    const shift = await post(shiftBody());
    const id = String(shift.id);
    await reserve(id, 'assignment-1');

    const response = await call('PATCH', `/shifts/${id}`, ownerA, {
      version: 2,
      startsAt: kst('03-10', '10:00:00'),
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'shift_time_locked' });
  });

  it('validates an edited window against the part left unchanged', async () => {
    const shift = await post(shiftBody());

    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, {
      version: 1,
      startsAt: kst('03-10', '19:00:00'),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'shift_ends_before_start' });
  });

  it('refuses pay below the minimum wage on edit', async () => {
    const shift = await post(shiftBody());
    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, {
      version: 1,
      hourlyPayKrw: 10_000,
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'pay_below_minimum_wage' });
  });

  it('refuses another business’s staff with 403 and changes nothing', async () => {
    const shift = await post(shiftBody());

    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerB, {
      version: 1,
      hourlyPayKrw: 50_000,
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'not_business_staff' });
    expect((await repository.getById(String(shift.id)))?.hourlyPayKrw).toBe(12_000);
  });

  it('refuses an edit with nothing to change', async () => {
    const shift = await post(shiftBody());
    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, { version: 1 });
    expect(response.status).toBe(400);
  });

  it('answers 404 for an unknown shift', async () => {
    const response = await call('PATCH', '/shifts/0123456789abcdef01234567', ownerA, {
      version: 1,
      title: 'x',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'shift_not_found' });
  });
});

describe('cancelling a shift', () => {
  it('cancels with the reason, then refuses a second cancel with 409 naming the state', async () => {
    const shift = await post(shiftBody());
    const path = `/shifts/${String(shift.id)}/cancel`;

    const first = await call('POST', path, ownerA, { reason: 'Event postponed' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Event postponed',
    });

    const second = await call('POST', path, ownerA, { reason: 'Again' });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({
      code: 'shift_already_cancelled',
      state: 'cancelled',
    });
  });

  it('writes a shift.cancelled event with ids only, in the same write', async () => {
    const shift = await post(shiftBody());
    await call('POST', `/shifts/${String(shift.id)}/cancel`, ownerA, { reason: 'Rain' });

    const doc = await db.collection('shifts').findOne({ cancelReason: 'Rain' });
    const outbox = (doc?.outbox ?? []) as { type: string; payload: Json }[];
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      type: 'shift.cancelled',
      payload: { shiftId: shift.id, businessId: bizA },
    });
    expect(JSON.stringify(outbox[0]?.payload)).not.toContain('Rain');
  });

  it('refuses to edit a cancelled shift', async () => {
    const shift = await post(shiftBody());
    await call('POST', `/shifts/${String(shift.id)}/cancel`, ownerA, { reason: 'Closed' });

    const response = await call('PATCH', `/shifts/${String(shift.id)}`, ownerA, {
      version: 2,
      title: 'Back on',
    });

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'shift_already_cancelled' });
  });

  it('refuses a worker and another business with 403', async () => {
    const shift = await post(shiftBody());
    for (const token of [worker, ownerB]) {
      const response = await call('POST', `/shifts/${String(shift.id)}/cancel`, token, {
        reason: 'Mine now',
      });
      expect(response.status).toBe(403);
    }
    expect((await repository.getById(String(shift.id)))?.status).toBe('open');
  });
});

describe('reading a shift', () => {
  it('shows the business’s staff and operators every field, workers the public view', async () => {
    const shift = await post(shiftBody());
    const path = `/shifts/${String(shift.id)}`;

    const forStaff = (await (await call('GET', path, ownerA)).json()) as Json;
    const forOperator = (await (await call('GET', path, operator)).json()) as Json;
    const forWorker = (await (await call('GET', path, worker)).json()) as Json;
    const forOtherBusiness = (await (await call('GET', path, ownerB)).json()) as Json;

    expect(forStaff).toMatchObject({ id: shift.id, version: 1, createdBy: 'owner-a', filled: 0 });
    expect(forOperator).toMatchObject({ version: 1 });
    for (const view of [forWorker, forOtherBusiness]) {
      expect(view).toMatchObject({
        id: shift.id,
        slotsLeft: 3,
        startsAt: kst('03-10', '09:00:00'),
      });
      expect(view).not.toHaveProperty('createdBy');
      expect(view).not.toHaveProperty('version');
    }
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await call('GET', '/shifts/0123456789abcdef01234567', worker)).status).toBe(404);
    expect((await call('GET', '/shifts/nonsense', worker)).status).toBe(400);
  });
});

describe('browsing open shifts', () => {
  async function browse(
    query: string,
    token = worker,
  ): Promise<{ items: Json[]; next: string | null }> {
    const response = await call('GET', `/shifts?${query}`, token);
    expect(response.status).toBe(200);
    return (await response.json()) as { items: Json[]; next: string | null };
  }

  it('puts a shift on the KST day it starts, not the UTC one', async () => {
    // 23:30 KST on 12-01 is 14:30 UTC on 12-01; 00:30 KST on 12-02 is 15:30 UTC on 12-01.
    const late = await post(
      shiftBody({
        title: 'Late',
        startsAt: kst('12-01', '23:30:00'),
        endsAt: kst('12-02', '06:00:00'),
      }),
    );
    const early = await post(
      shiftBody({
        title: 'Early',
        startsAt: kst('12-02', '00:30:00'),
        endsAt: kst('12-02', '06:00:00'),
      }),
    );

    const dec1 = await browse(`from=${YEAR}-12-01&to=${YEAR}-12-01`);
    const dec2 = await browse(`from=${YEAR}-12-02&to=${YEAR}-12-02`);
    const both = await browse(`from=${YEAR}-12-01&to=${YEAR}-12-02`);

    expect(dec1.items.map((s) => s.id)).toEqual([late.id]);
    expect(dec2.items.map((s) => s.id)).toEqual([early.id]);
    expect(both.items.map((s) => s.id)).toEqual([late.id, early.id]);
  });

  it('leaves out cancelled and full shifts', async () => {
    const open = await post(
      shiftBody({ startsAt: kst('12-05', '09:00:00'), endsAt: kst('12-05', '12:00:00') }),
    );
    const cancelled = await post(
      shiftBody({ startsAt: kst('12-05', '10:00:00'), endsAt: kst('12-05', '12:00:00') }),
    );
    const full = await post(
      shiftBody({
        headcount: 1,
        startsAt: kst('12-05', '11:00:00'),
        endsAt: kst('12-05', '12:00:00'),
      }),
    );
    await call('POST', `/shifts/${String(cancelled.id)}/cancel`, ownerA, {
      reason: 'No longer needed',
    });
    await reserve(String(full.id), 'assignment-1');

    const page = await browse(`from=${YEAR}-12-05&to=${YEAR}-12-05`);

    expect(page.items.map((s) => s.id)).toEqual([open.id]);
    expect(page.items[0]).not.toHaveProperty('version');
  });

  it('filters by a region prefix of 시도, 시군구 or the full code', async () => {
    const gangnam = await post(
      shiftBody({ startsAt: kst('11-03', '09:00:00'), endsAt: kst('11-03', '12:00:00') }),
    );
    const jongno = await post(
      shiftBody({
        startsAt: kst('11-03', '10:00:00'),
        endsAt: kst('11-03', '12:00:00'),
        place: {
          address: '서울 종로구 세종대로 1',
          regionCode: '1111010100',
          lat: 37.57,
          lng: 126.98,
        },
      }),
    );
    const busan = await post(
      shiftBody({
        startsAt: kst('11-03', '11:00:00'),
        endsAt: kst('11-03', '12:00:00'),
        place: { address: '부산 해운대구 1', regionCode: '2635010500', lat: 35.16, lng: 129.16 },
      }),
    );
    const day = `from=${YEAR}-11-03&to=${YEAR}-11-03`;

    expect((await browse(day)).items.map((s) => s.id)).toEqual([gangnam.id, jongno.id, busan.id]);
    expect((await browse(`${day}&region=11`)).items.map((s) => s.id)).toEqual([
      gangnam.id,
      jongno.id,
    ]);
    expect((await browse(`${day}&region=11680`)).items.map((s) => s.id)).toEqual([gangnam.id]);
    expect((await browse(`${day}&region=2635010500`)).items.map((s) => s.id)).toEqual([busan.id]);
    expect((await call('GET', `/shifts?${day}&region=1`, worker)).status).toBe(400);
    expect((await call('GET', `/shifts?${day}&region=99`, worker)).status).toBe(400);
  });

  it('returns every shift exactly once across pages, even with equal start times', async () => {
    const created: string[] = [];
    const starts = [
      '09:00:00',
      '09:00:00',
      '09:00:00',
      '09:00:00',
      '10:00:00',
      '08:00:00',
      '09:00:00',
    ];
    for (const time of starts) {
      const shift = await post(
        shiftBody({ startsAt: kst('10-14', time), endsAt: kst('10-14', '18:00:00') }),
      );
      created.push(String(shift.id));
    }

    const seen: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await browse(
        `from=${YEAR}-10-14&to=${YEAR}-10-14&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.items);
      cursor = page.next;
      pages += 1;
    } while (cursor && pages < 10);

    expect(pages).toBe(4);
    expect(seen.map((s) => s.id).sort()).toEqual([...created].sort());
    const order = seen.map((s) => [String(s.startsAt), String(s.id)].join(' '));
    expect(order).toEqual([...order].sort());
  });

  it('refuses a range over 31 days, a reversed range and a forged cursor with 400', async () => {
    const tooLong = await call('GET', `/shifts?from=${YEAR}-01-01&to=${YEAR}-02-01`, worker);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ code: 'date_range_too_long' });
    expect((await call('GET', `/shifts?from=${YEAR}-01-01&to=${YEAR}-01-31`, worker)).status).toBe(
      200,
    );

    const reversed = await call('GET', `/shifts?from=${YEAR}-01-02&to=${YEAR}-01-01`, worker);
    expect(await reversed.json()).toMatchObject({ code: 'invalid_date_range' });

    const forged = await call(
      'GET',
      `/shifts?from=${YEAR}-01-01&to=${YEAR}-01-02&cursor=abc`,
      worker,
    );
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: 'invalid_cursor' });

    expect((await call('GET', `/shifts?from=${YEAR}-13-01&to=${YEAR}-13-02`, worker)).status).toBe(
      400,
    );
    expect((await call('GET', '/shifts', worker)).status).toBe(400);
  });

  it('refuses a cursor whose time is out of range, or a second spelling of a real cursor', async () => {
    const range = `from=${YEAR}-01-01&to=${YEAR}-01-02`;
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const id = '0123456789abcdef01234567';
    for (const cursor of [
      cursorOf([9_000_000_000_000_000, id]),
      cursorOf([-9_000_000_000_000_000, id]),
      `${cursorOf([Date.UTC(YEAR, 0, 1), id])}=`,
    ]) {
      const response = await call('GET', `/shifts?${range}&cursor=${cursor}`, worker);
      expect(response.status, cursor).toBe(400);
      expect(await response.json()).toMatchObject({
        code: expect.stringMatching(/cursor|validation/),
      });
    }
    const real = await call(
      'GET',
      `/shifts?${range}&cursor=${cursorOf([Date.UTC(YEAR, 0, 1), id])}`,
      worker,
    );
    expect(real.status).toBe(200);
  });

  it.each(['0x10', '1e1', '16.0', ' 16', '+16', '-1', '0', '101', ''])(
    'refuses limit=%j: page sizes are decimal digits, 1 to 100',
    async (limit) => {
      const response = await call(
        'GET',
        `/shifts?from=${YEAR}-01-01&to=${YEAR}-01-02&limit=${encodeURIComponent(limit)}`,
        worker,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'validation_failed',
        errors: [expect.objectContaining({ field: 'limit' })],
      });
    },
  );
});

describe('OpenAPI', () => {
  it('documents the shift routes with their schemas and the Idempotency-Key of posting', async () => {
    const document = (await (await fetch(`${api.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/businesses/{businessId}/shifts',
        '/shifts',
        '/shifts/{id}',
        '/shifts/{id}/cancel',
      ]),
    );
    const post = document.paths['/businesses/{businessId}/shifts']?.post;
    expect(post?.parameters?.map((p) => p.name)).toContain('idempotency-key');
    expect(document.components.schemas).toHaveProperty('Shift');
    expect(document.components.schemas).toHaveProperty('PublicShiftPage');
  });
});

describe('a business’s own list', () => {
  it('shows its staff every status, in pages', async () => {
    const shift = await post(
      shiftBody({ startsAt: kst('09-01', '09:00:00'), endsAt: kst('09-01', '10:00:00') }),
      ownerB,
      bizB,
    );
    const other = await post(
      shiftBody({ startsAt: kst('09-02', '09:00:00'), endsAt: kst('09-02', '10:00:00') }),
      ownerB,
      bizB,
    );
    await call('POST', `/shifts/${String(shift.id)}/cancel`, ownerB, { reason: 'Double posted' });

    const first = await call('GET', `/businesses/${bizB}/shifts?limit=1`, ownerB);
    const page1 = (await first.json()) as { items: Json[]; next: string };
    const page2 = (await (
      await call('GET', `/businesses/${bizB}/shifts?limit=1&cursor=${page1.next}`, ownerB)
    ).json()) as {
      items: Json[];
      next: string | null;
    };

    expect(page1.items).toMatchObject([{ id: shift.id, status: 'cancelled', version: 2 }]);
    expect(page2.items).toMatchObject([{ id: other.id, status: 'open' }]);
    expect(page2.next).toBeNull();
    const cancelledOnly = (await (
      await call('GET', `/businesses/${bizB}/shifts?status=cancelled`, operator)
    ).json()) as {
      items: Json[];
    };
    expect(cancelledOnly.items.map((s) => s.id)).toEqual([shift.id]);
  });

  it('refuses workers and other businesses with 403', async () => {
    expect((await call('GET', `/businesses/${bizB}/shifts`, worker)).status).toBe(403);
    expect((await call('GET', `/businesses/${bizB}/shifts`, ownerA)).status).toBe(403);
  });
});
