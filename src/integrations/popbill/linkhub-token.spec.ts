import { afterEach, describe, expect, it } from 'vitest';
import { ProviderRejectedError } from '../../platform/providers/provider-errors.js';
import { linkhubSignature } from './linkhub-token.js';
import { MESSAGE_SCOPES } from './message.client.js';
import { createPopbillClients } from './popbill.clients.js';
import { popbillUnderTest } from './popbill.test-kit.js';
import { STUB_CODES, STUB_CORP_NUM } from './stub/popbill-stub-fixtures.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setUp(...args: Parameters<typeof popbillUnderTest>) {
  const kit = await popbillUnderTest(...args);
  close = kit.stub.close;
  return kit;
}

describe('linkhubSignature', () => {
  it('signs method, body digest, date, forwarded IP, version and path with the decoded secret (§3.2)', () => {
    // Vector computed independently with openssl dgst -sha256 -mac HMAC over the same target.
    const signature = linkhubSignature(
      {
        body: '{"access_id":"1234567890","scope":["member","150"]}',
        xDate: '2026-12-05T00:00:00.000Z',
        forwardIp: '*',
        path: '/POPBILL_TEST/Token',
      },
      Buffer.from('workmatch-local-popbill-secret-key!').toString('base64'),
    );
    expect(signature).toBe('EK81uJut9M1flV8zerhTQwcgY15tHfQPGUPr7Ba4VRc=');
  });
});

describe('LinkhubTokenSource against the stub', () => {
  it('issues a token once and serves it from the cache until it expires', async () => {
    const { clients, stub } = await setUp();
    const first = await clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES);
    const second = await clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES);
    expect(second).toBe(first);
    expect(stub.tokenRequests).toBe(1);
  });

  it('shares one token request among concurrent callers', async () => {
    const { clients, stub } = await setUp();
    const tokens = await Promise.all(
      [1, 2, 3].map(() => clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES)),
    );
    expect(new Set(tokens).size).toBe(1);
    expect(stub.tokenRequests).toBe(1);
  });

  it('holds one token per scope set: a token is issued for its scopes', async () => {
    const { clients, stub } = await setUp();
    const messages = await clients.tokens.get(STUB_CORP_NUM, ['member', '150']);
    const accounts = await clients.tokens.get(STUB_CORP_NUM, ['member', '182']);
    expect(accounts).not.toBe(messages);
    expect(stub.tokenRequests).toBe(2);
  });

  it('fetches a new token when the cached one reaches its expiration', async () => {
    const { clients, stub, clock } = await setUp({}, { tokenTtlMs: 3_600_000 });
    const first = await clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES);
    clock.advance(3_600_000);
    const second = await clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES);
    expect(second).not.toBe(first);
    expect(stub.tokenRequests).toBe(2);
  });

  it('fetches a new token and repeats the call once when Popbill answers a token error', async () => {
    const { clients, stub } = await setUp();
    await clients.accountCheck.check({ bankCode: '004', accountNumber: '12345678901234' });
    stub.control({ revokeTokens: true });
    const check = await clients.accountCheck.check({
      bankCode: '004',
      accountNumber: '12345678901234',
    });
    expect(check.found).toBe(true);
    expect(stub.tokenRequests).toBe(2);
  });

  it.each([STUB_CODES.tokenGenerationFailed, STUB_CODES.tokenInvalid, STUB_CODES.tokenMissing])(
    'treats Popbill code %i as a token error: a new token, the call made once more',
    async (code) => {
      const { clients, stub } = await setUp();
      await clients.tokens.get(STUB_CORP_NUM, ['member', '182']);
      stub.control({
        fail: { path: '/EasyFin', status: 401, body: { code, message: 'x' }, times: 1 },
      });
      const check = await clients.accountCheck.check({
        bankCode: '004',
        accountNumber: '12345678901234',
      });
      expect(check.found).toBe(true);
      expect(stub.tokenRequests).toBe(2);
    },
  );

  it('does not refresh the token for any other refusal', async () => {
    const { clients, stub } = await setUp();
    stub.control({ points: 0 });
    await expect(
      clients.accountCheck.check({ bankCode: '004', accountNumber: '12345678901234' }),
    ).rejects.toMatchObject({ providerCode: String(STUB_CODES.outOfPoints) });
    expect(stub.tokenRequests).toBe(1);
  });

  it('gives up after one refresh when the new token is refused too', async () => {
    const { clients, stub } = await setUp();
    stub.control({
      fail: {
        path: '/EasyFin',
        status: 401,
        body: { code: STUB_CODES.tokenInvalid, message: 'x' },
      },
    });
    const error = await clients.accountCheck
      .check({ bankCode: '004', accountNumber: '12345678901234' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.tokenInvalid) });
    expect(stub.tokenRequests).toBe(2);
  });

  it('is refused by the stub when the request is signed with the wrong secret', async () => {
    const { clients } = await setUp({
      secretKey: Buffer.from('not the secret').toString('base64'),
    });
    const error = await clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.linkhubBadSignature) });
  });

  it('signs without the forwarded-IP line when the IP restriction is on, and the stub accepts it', async () => {
    const { clients } = await setUp({ forwardIp: undefined });
    await expect(clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES)).resolves.toEqual(
      expect.any(String),
    );
  });

  it('is refused when the body was changed after it was signed', async () => {
    const { stub, settings } = await setUp();
    const xDate = '2026-12-05T00:00:00.000Z';
    const signed = JSON.stringify({ access_id: STUB_CORP_NUM, scope: ['member'] });
    const sent = JSON.stringify({ access_id: STUB_CORP_NUM, scope: ['member', '182'] });
    const signature = linkhubSignature(
      { body: signed, xDate, forwardIp: '*', path: '/POPBILL_TEST/Token' },
      settings.secretKey,
    );
    const response = await fetch(`${stub.url}/POPBILL_TEST/Token`, {
      method: 'POST',
      headers: {
        'x-lh-date': xDate,
        'x-lh-version': '2.0',
        'x-lh-forwarded': '*',
        authorization: `LINKHUB ${settings.linkId} ${signature}`,
      },
      body: sent,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: STUB_CODES.linkhubBadSignature });
  });

  it('is refused when its clock is more than five minutes off the server', async () => {
    const { settings, stub } = await setUp();
    const skewed = createPopbillClients(
      settings,
      { timeoutMs: 300, retries: 0, failuresToOpen: 50, halfOpenAfterMs: 1_000 },
      () => Date.parse('2026-12-05T00:06:00Z'),
    );
    const error = await skewed.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES).catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.linkhubClockSkew) });
    expect(stub.tokenRequests).toBe(1);
  });

  it('is refused for a LinkID Linkhub does not know', async () => {
    const { clients } = await setUp({ linkId: 'SOMEONE_ELSE' });
    const error = await clients.tokens.get(STUB_CORP_NUM, MESSAGE_SCOPES).catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.linkhubUnknownLinkId) });
  });

  it('is refused for a member Linkhub does not know', async () => {
    const { clients } = await setUp();
    const error = await clients.tokens.get('9999999999', MESSAGE_SCOPES).catch((e: unknown) => e);
    expect(error).toMatchObject({ providerCode: String(STUB_CODES.linkhubUnknownMember) });
  });

  it('is refused by Popbill when the token lacks the scope of the service called', async () => {
    const { clients, stub } = await setUp();
    const token = await clients.tokens.get(STUB_CORP_NUM, ['member', '150']);
    const response = await fetch(`${stub.url}/EasyFin/AccountCheck?c=0004&n=12345678901234`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: STUB_CODES.scopeDenied });
  });
});
