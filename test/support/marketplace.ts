import {
  businessNumberCheckDigit,
  formatBusinessNumber,
} from '../../src/modules/businesses/business-number.js';
import type { TestApi } from './test-api.js';

/**
 * A valid 사업자등록번호 (`NNN-NN-NNNNN`) for `serial`: distinct serials give distinct numbers,
 * each with the right NTS check digit.
 */
export function businessNumber(serial: number): string {
  const nine = `12081${String(serial % 10_000).padStart(4, '0')}`;
  return formatBusinessNumber(`${nine}${String(businessNumberCheckDigit(nine))}`);
}

let serials = 0;

async function send(api: TestApi, path: string, token: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (response.status !== 201) {
    throw new Error(`POST ${path} answered ${String(response.status)}: ${JSON.stringify(answer)}`);
  }
  return answer;
}

/**
 * Registers a business through `POST /businesses` with the token of a `business` member, who
 * becomes its owner; returns its id. Fields of `overrides` replace the defaults.
 */
export async function registerBusiness(
  api: TestApi,
  ownerToken: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  serials += 1;
  const view = (await send(api, '/businesses', ownerToken, {
    businessNumber: businessNumber(serials),
    name: `테스트 가게 ${String(serials)}`,
    representativeName: '홍길동',
    openingDate: '2019-03-02',
    ...overrides,
  })) as { id: string };
  return view.id;
}
