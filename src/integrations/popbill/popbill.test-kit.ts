import type { ProviderCallRecord } from '../../platform/providers/provider-gateway.js';
import { createPopbillClients, type PopbillSettings } from './popbill.clients.js';
import {
  STUB_CORP_NUM,
  STUB_LINK_ID,
  STUB_SECRET_KEY,
  STUB_SENDER_NUMBERS,
  STUB_SERVICE_ID,
} from './stub/popbill-stub-fixtures.js';
import { type PopbillStub, startPopbillStub } from './stub/popbill-stub.js';

/** A clock both the clients and the stub read, so a spec can move time for both. */
function testClock(start = Date.parse('2026-12-05T00:00:00Z')) {
  let at = start;
  return {
    now: () => at,
    advance: (ms: number) => void (at += ms),
  };
}

/** The stub and clients wired to it, with fast gateway policies and the call records. */
export async function popbillUnderTest(
  overrides: Partial<PopbillSettings> = {},
  stubOptions: Parameters<typeof startPopbillStub>[0] = {},
) {
  const clock = testClock();
  const stub: PopbillStub = await startPopbillStub({ now: clock.now, ...stubOptions });
  const settings: PopbillSettings = {
    authUrl: stub.url,
    apiUrl: stub.url,
    linkId: STUB_LINK_ID,
    secretKey: STUB_SECRET_KEY,
    serviceId: STUB_SERVICE_ID,
    corpNum: STUB_CORP_NUM,
    forwardIp: '*',
    sender: STUB_SENDER_NUMBERS[0]!,
    ...overrides,
  };
  const clients = createPopbillClients(
    settings,
    { timeoutMs: 300, retries: 2, failuresToOpen: 50, halfOpenAfterMs: 1_000 },
    clock.now,
  );
  const records: ProviderCallRecord[] = [];
  clients.gateway.onCall((record) => records.push(record));
  return { stub, clients, clock, records, settings };
}
