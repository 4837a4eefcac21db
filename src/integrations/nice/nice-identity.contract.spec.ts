import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import {
  IdentityVerificationFailed,
  type IdentityVerificationSession,
} from '../../modules/workers/ports/identity-verifier.port.js';
import { deriveNiceKeys, niceReqDtim } from './nice-crypto.js';
import { NiceIdentityClient, type NiceIdentityOptions } from './nice-identity.client.js';
import { type NiceStub, startNiceStub } from './nice-stub.js';

const RETURN_URL = 'https://app.example/identity/back';
const FAST = { timeoutMs: 300, retries: 0, failuresToOpen: 50, halfOpenAfterMs: 1_000 };

let stub: NiceStub;
let clock: { at: Date };

function client(overrides: Partial<NiceIdentityOptions> = {}): NiceIdentityClient {
  return new NiceIdentityClient({
    baseUrl: stub.url,
    windowUrl: stub.windowUrl,
    clientId: stub.clientId,
    clientSecret: stub.clientSecret,
    productId: stub.productId,
    gateway: new ProviderGateway('nice', FAST),
    now: () => clock.at,
    ...overrides,
  });
}

/** Posts the session's form to the window, then the person's choice; returns what came back. */
async function throughWindow(
  session: IdentityVerificationSession,
  choice: string,
): Promise<Record<string, string>> {
  const window = await fetch(session.form.action, {
    method: 'POST',
    body: new URLSearchParams(session.form.fields),
  });
  const html = await window.text();
  expect(window.status, html).toBe(200);
  const action = /<form method="POST" action="([^"]+)"/.exec(html)![1]!;
  expect(html).toContain(`value="${choice}"`);
  const back = await fetch(new URL(action, stub.url), {
    method: 'POST',
    body: new URLSearchParams({ token_version_id: session.transactionId, choice }),
    redirect: 'manual',
  });
  expect(back.status).toBe(302);
  const location = new URL(back.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(RETURN_URL);
  return Object.fromEntries(location.searchParams);
}

const start = (sut: NiceIdentityClient, requestId = 'req000000000000000000000000001') =>
  sut.start({ provider: 'nice', requestId, returnUrl: RETURN_URL });

const confirm = (
  sut: NiceIdentityClient,
  session: IdentityVerificationSession,
  fields: Record<string, string>,
) =>
  sut.confirm({
    provider: 'nice',
    transactionId: session.transactionId,
    fields,
    secret: session.secret,
  });

beforeEach(async () => {
  clock = { at: new Date() };
  stub = await startNiceStub({ now: () => clock.at });
});
afterEach(() => stub.close());

describe('NICE 본인확인 client against the NICE stub', () => {
  it('verifies a person: the window form, the return with enc_data, the decrypted identity', async () => {
    const sut = client();
    const session = await start(sut);
    expect(session).toMatchObject({
      provider: 'nice',
      form: { action: stub.windowUrl, method: 'POST' },
    });
    expect(Object.keys(session.form.fields).sort()).toEqual([
      'enc_data',
      'integrity_value',
      'm',
      'token_version_id',
    ]);
    expect(session.form.fields.m).toBe('service');
    expect(session.expiresAt.getTime()).toBe(clock.at.getTime() + 3_600_000);

    const identity = await confirm(sut, session, await throughWindow(session, 'person:hong'));

    expect(identity).toMatchObject({
      provider: 'nice',
      name: '홍길동',
      birthDate: '1990-01-01',
      gender: 'male',
      nationality: 'domestic',
      phone: '01012345678',
    });
    expect(identity.ci).toHaveLength(88);
    expect(identity.di).toHaveLength(64);
    expect(identity.reference).toMatch(/^NSTUB/);
  });

  it('maps a foreign woman: gender 0 is female, nationalinfo 1 is foreign', async () => {
    const sut = client();
    const session = await start(sut);
    const identity = await confirm(sut, session, await throughWindow(session, 'person:wang'));
    expect(identity).toMatchObject({
      name: '왕리',
      gender: 'female',
      nationality: 'foreign',
      birthDate: '2000-03-15',
    });
  });

  it('confirms with another client instance (another task, after a restart) from the session secret alone', async () => {
    const session = await start(client());
    const fields = await throughWindow(session, 'person:kim');
    await expect(confirm(client(), session, fields)).resolves.toMatchObject({ name: '김영희' });
  });

  it('keeps no personal data in the session secret: only what derives the keys', async () => {
    const session = await start(client());
    expect(Object.keys(JSON.parse(session.secret!) as object).sort()).toEqual([
      'expiresAt',
      'reqDtim',
      'reqNo',
      'tokenVal',
      'tokenVersionId',
      'v',
    ]);
  });

  it.each(['0001', '0099'])(
    'turns window result %s into IdentityVerificationFailed with the code',
    async (code) => {
      const sut = client();
      const session = await start(sut);
      const error = await confirm(sut, session, await throughWindow(session, `fail:${code}`)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IdentityVerificationFailed);
      expect(error).toMatchObject({ provider: 'nice', providerCode: code });
    },
  );

  describe('the institution token', () => {
    it('is issued once and reused while it lives', async () => {
      const sut = client();
      await start(sut, 'req-a');
      await start(sut, 'req-b');
      expect(stub.tokensIssued).toBe(1);
    });

    it('is fetched again when it expires', async () => {
      await stub.close();
      stub = await startNiceStub({ now: () => clock.at, accessTokenTtlSeconds: 600 });
      const sut = client();
      await start(sut, 'req-a');
      clock.at = new Date(clock.at.getTime() + 590_000);
      await start(sut, 'req-b');
      expect(stub.tokensIssued).toBe(2);
    });

    it('is dropped and fetched again when NICE refuses it, and the call succeeds', async () => {
      const sut = client();
      await start(sut, 'req-a');
      stub.revokeAccessTokens();
      await expect(start(sut, 'req-b')).resolves.toMatchObject({ provider: 'nice' });
      expect(stub.tokensIssued).toBe(2);
    });

    it('with wrong client credentials is a 502 provider_error with the gateway code', async () => {
      const error = await start(client({ clientSecret: 'wrong' })).catch((e: unknown) => e);
      expect(error).toMatchObject({
        kind: 'bad_gateway',
        code: 'provider_error',
        providerCode: '1700',
      });
    });
  });

  describe('what the stub checks as NICE does', () => {
    const cryptoCall = async (authorization: string, productId = stub.productId) => {
      const response = await fetch(`${stub.url}/digital/niceid/api/v1.0/common/crypto/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization, productID: productId },
        body: JSON.stringify({
          dataBody: { req_dtim: niceReqDtim(clock.at), req_no: 'r1', enc_mode: '1' },
        }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { dataHeader: { GW_RSLT_CD: string } },
      };
    };
    const token = async () => {
      const response = await fetch(`${stub.url}/digital/niceid/oauth/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${stub.clientId}:${stub.clientSecret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials&scope=default',
      });
      return ((await response.json()) as { dataBody: { access_token: string } }).dataBody
        .access_token;
    };
    const bearer = (parts: string) => `bearer ${Buffer.from(parts).toString('base64')}`;

    it('refuses a bearer with epoch milliseconds instead of seconds', async () => {
      const t = await token();
      const refused = await cryptoCall(bearer(`${t}:${clock.at.getTime()}:${stub.clientId}`));
      expect(refused).toMatchObject({ status: 401, body: { dataHeader: { GW_RSLT_CD: '1801' } } });
      const accepted = await cryptoCall(
        bearer(`${t}:${Math.floor(clock.at.getTime() / 1000)}:${stub.clientId}`),
      );
      expect(accepted.body.dataHeader.GW_RSLT_CD).toBe('1200');
    });

    it('refuses another ProductID, which the client reports as 502 provider_error', async () => {
      const t = await token();
      const seconds = Math.floor(clock.at.getTime() / 1000);
      const refused = await cryptoCall(bearer(`${t}:${seconds}:${stub.clientId}`), '9999999999');
      expect(refused.body.dataHeader.GW_RSLT_CD).toBe('1501');
      await expect(start(client({ productId: '9999999999' }))).rejects.toMatchObject({
        code: 'provider_error',
        providerCode: '1501',
      });
    });

    it('refuses a window form whose integrity value was computed over other data', async () => {
      const session = await start(client());
      const response = await fetch(session.form.action, {
        method: 'POST',
        body: new URLSearchParams({ ...session.form.fields, integrity_value: 'AAAA' }),
      });
      expect(response.status).toBe(400);
    });

    it('opens the window once per crypto token: a replayed form is refused', async () => {
      const session = await start(client());
      await throughWindow(session, 'person:hong');
      const replay = await fetch(session.form.action, {
        method: 'POST',
        body: new URLSearchParams(session.form.fields),
      });
      expect(replay.status).toBe(400);
    });
  });

  describe('provider failures', () => {
    it.each([
      [
        { gatewayError: '1500' },
        { kind: 'bad_gateway', code: 'provider_error', providerCode: '1500' },
      ],
      [
        { rspCd: 'EAPI2500' },
        { kind: 'bad_gateway', code: 'provider_error', providerCode: 'EAPI2500' },
      ],
      [{ resultCd: '0001' }, { code: 'provider_error', providerCode: '0001' }],
      [{ resultCd: '0003' }, { code: 'provider_error', providerCode: '0003' }],
      [{ resultCd: '0099' }, { code: 'provider_error', providerCode: '0099' }],
      [{ malformed: true }, { kind: 'bad_gateway', code: 'provider_bad_response' }],
      [{ down: true }, { kind: 'unavailable', code: 'provider_unavailable' }],
      [{ hang: true }, { kind: 'gateway_timeout', code: 'provider_timeout' }],
    ] as const)('maps %j to %j', async (faults, expected) => {
      stub.setFaults(faults);
      await expect(start(client())).rejects.toMatchObject(expected);
    });

    it('switches faults through POST /_control as well', async () => {
      const response = await fetch(`${stub.url}/_control`, {
        method: 'POST',
        body: JSON.stringify({ gatewayError: '1500' }),
      });
      expect(response.status).toBe(204);
      await expect(start(client())).rejects.toMatchObject({ providerCode: '1500' });
    });
  });

  describe('the return through the browser', () => {
    it.each(['integrity_value', 'enc_data'] as const)(
      'refuses a tampered %s with 502 provider_bad_response',
      async (tamper) => {
        const sut = client();
        const session = await start(sut);
        stub.setFaults({ tamper });
        const error = await confirm(
          sut,
          session,
          await throughWindow(session, 'person:hong'),
        ).catch((e: unknown) => e);
        expect(error).toMatchObject({ kind: 'bad_gateway', code: 'provider_bad_response' });
        expect(JSON.stringify(error)).not.toContain('홍길동');
      },
    );

    it("refuses another session's result (a callback replayed into a newer session)", async () => {
      const sut = client();
      const first = await start(sut, 'req-first');
      const fields = await throughWindow(first, 'person:hong');
      const second = await start(sut, 'req-second');
      await expect(
        sut.confirm({
          provider: 'nice',
          transactionId: second.transactionId,
          fields,
          secret: second.secret,
        }),
      ).rejects.toMatchObject({ code: 'provider_bad_response' });
    });

    it('refuses a result after the crypto token period', async () => {
      const sut = client();
      const session = await start(sut);
      const fields = await throughWindow(session, 'person:hong');
      clock.at = new Date(clock.at.getTime() + 3_601_000);
      await expect(confirm(sut, session, fields)).rejects.toMatchObject({
        providerCode: 'expired',
      });
    });

    it('refuses a callback without the session secret', async () => {
      const sut = client();
      const session = await start(sut);
      const fields = await throughWindow(session, 'person:hong');
      await expect(
        sut.confirm({ provider: 'nice', transactionId: session.transactionId, fields }),
      ).rejects.toBeInstanceOf(IdentityVerificationFailed);
    });
  });
});

describe('NICE key derivation (providers.md §1.1)', () => {
  it('takes key, iv and HMAC key from the characters of the base64 digest string', () => {
    const h = createHash('sha256')
      .update('20261205233929' + 'req1' + 'tokenval')
      .digest('base64');
    const keys = deriveNiceKeys('20261205233929', 'req1', 'tokenval');
    expect(keys.key.toString('ascii')).toBe(h.slice(0, 16));
    expect(keys.iv.toString('ascii')).toBe(h.slice(28, 44));
    expect(keys.hmacKey.toString('ascii')).toBe(h.slice(0, 32));
    expect(
      deriveNiceKeys('20261205233929', 'req1', 'tokenval', 'end').hmacKey.toString('ascii'),
    ).toBe(h.slice(12));
  });

  it('writes req_dtim as the KST wall clock, yyyyMMddHHmmss', () => {
    expect(niceReqDtim(new Date('2026-12-05T14:39:29Z'))).toBe('20261205233929');
    expect(niceReqDtim(new Date('2026-12-31T15:00:00Z'))).toBe('20270101000000');
  });
});
