import { expect } from 'vitest';
import { toKstIso } from '../../src/platform/time/kst.js';
import { businessNumber as validBusinessNumber } from '../support/marketplace.js';

/** Calls the API as someone (a bearer token), JSON in and out. */
export type Call = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>;

export function caller(url: () => string): Call {
  return (method, path, token, body, headers = {}) =>
    fetch(`${url()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
}

export async function json<T = Record<string, unknown>>(
  response: Response,
  status: number,
): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

let serial = 0;

/** A business number with a valid NTS check digit, different on every call. */
export const businessNumber = (): string => validBusinessNumber((serial += 1));

/** A business registered by `owner` and verified (active at NTS) by `operator`. */
export async function verifiedBusiness(call: Call, owner: string, operator: string) {
  const business = await json<{ id: string }>(
    await call('POST', '/businesses', owner, {
      businessNumber: businessNumber(),
      name: '행복베이커리',
      representativeName: '박서준',
      openingDate: '2019-03-02',
      address: '서울특별시 강남구 테헤란로 152',
    }),
    201,
  );
  await json(
    await call('POST', `/operator/businesses/${business.id}/verification`, operator, {
      action: 'verify',
      evidence: '사업자등록증 사본 확인, ticket 100',
      ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
      reason: 'Onboarding',
    }),
    200,
  );
  return business.id;
}

let ciSerial = 0;

/**
 * A worker profile for the caller (`token`, sub `workerId`), adult, identity and bank account
 * verified by `operator`: eligible for any open shift of a verified business.
 */
export async function eligibleWorker(
  call: Call,
  token: string,
  workerId: string,
  operator: string,
  birthDate = '1995-04-01',
) {
  ciSerial += 1;
  await json(
    await call('PUT', '/workers/me', token, {
      legalName: '김민수',
      birthDate,
      phone: '010-1234-5678',
    }),
    200,
  );
  await json(
    await call('PUT', '/workers/me/bank-account', token, {
      bankCode: '088',
      number: '110-123-456789',
      holderName: '김민수',
    }),
    200,
  );
  await json(
    await call('POST', `/operator/workers/${workerId}/identity`, operator, {
      action: 'verify',
      evidence: 'Ticket 512: NICE console lookup',
      ci: `CI-${process.pid}-${ciSerial}-${workerId}`,
    }),
    200,
  );
  await json(
    await call('POST', `/operator/workers/${workerId}/bank-account`, operator, {
      action: 'verify',
      evidence: 'Ticket 514: bank book copy',
      holderMatchesLegalName: true,
    }),
    200,
  );
}

/** `2026-12-01T09:00:00+09:00` for an instant. */
export const kst = toKstIso;

const HOUR = 3_600_000;

/** A shift of `business` posted by `owner`: starting at `start`, `hours` long. */
export async function postShift(
  call: Call,
  owner: string,
  business: string,
  start: Date,
  options: { hours?: number; headcount?: number } = {},
): Promise<{ id: string }> {
  return json(
    await call('POST', `/businesses/${business}/shifts`, owner, {
      title: 'Banquet service',
      startsAt: kst(start),
      endsAt: kst(new Date(start.getTime() + (options.hours ?? 4) * HOUR)),
      place: {
        address: '서울 강남구 테헤란로 152',
        regionCode: '1168010100',
        lat: 37.5,
        lng: 127.04,
      },
      headcount: options.headcount ?? 3,
      hourlyPayKrw: 12_000,
    }),
    201,
  );
}
