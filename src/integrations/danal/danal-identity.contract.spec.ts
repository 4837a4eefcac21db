import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import {
  IdentityVerificationFailed,
  type IdentityVerificationSession,
} from '../../modules/workers/ports/identity-verifier.port.js';
import { decodeDanalForm, encodeDanalForm } from './danal-form.js';
import { DanalIdentityClient, type DanalIdentityOptions } from './danal-identity.client.js';
import { DANAL_CODES, type DanalStub, startDanalStub } from './danal-stub.js';

const RETURN_URL = 'https://app.example/identity/back?from=danal&x=1';
const FAST = { timeoutMs: 300, retries: 0, failuresToOpen: 50, halfOpenAfterMs: 1_000 };

let stub: DanalStub;
let clock: { at: Date };

function client(overrides: Partial<DanalIdentityOptions> = {}): DanalIdentityClient {
  return new DanalIdentityClient({
    uasUrl: stub.uasUrl,
    windowUrl: stub.windowUrl,
    cpId: stub.cpId,
    cpPwd: stub.cpPwd,
    cpTitle: 'workmatch',
    gateway: new ProviderGateway('danal', FAST),
    now: () => clock.at,
    ...overrides,
  });
}

const start = (sut: DanalIdentityClient, requestId = 'order-1') =>
  sut.start({ provider: 'danal', requestId, returnUrl: RETURN_URL });

/** Posts the form to Start.php, then the person's choice; returns what the browser posts back. */
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
  const back = await fetch(new URL(action, stub.url), {
    method: 'POST',
    body: new URLSearchParams({ TID: session.transactionId, choice }),
  });
  const autoSubmit = await back.text();
  expect(back.status).toBe(200);
  const target = /<form method="POST" action="([^"]+)"/
    .exec(autoSubmit)![1]!
    .replaceAll('&#38;', '&');
  expect(target).toBe(RETURN_URL);
  return Object.fromEntries(
    [...autoSubmit.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );
}

const confirm = (
  sut: DanalIdentityClient,
  session: IdentityVerificationSession,
  fields: Record<string, string>,
) =>
  sut.confirm({
    provider: 'danal',
    transactionId: session.transactionId,
    fields,
    secret: session.secret,
  });

beforeEach(async () => {
  clock = { at: new Date() };
  stub = await startDanalStub({ now: () => clock.at });
});
afterEach(() => stub.close());

describe('Danal UAS client against the Danal stub', () => {
  it('verifies a person: the ready call, the form to Start.php, the CONFIRM with the TID', async () => {
    const sut = client();
    const session = await start(sut);
    expect(session).toMatchObject({
      provider: 'danal',
      form: {
        action: stub.windowUrl,
        method: 'POST',
        fields: {
          TID: session.transactionId,
          BgColor: '00',
          BackURL: RETURN_URL,
          IsCharSet: 'EUC-KR',
        },
      },
    });
    expect(session.form.fields).not.toHaveProperty('RETURNCODE');
    expect(session.expiresAt.getTime()).toBe(clock.at.getTime() + 1_200_000);

    const identity = await confirm(sut, session, await throughWindow(session, 'person:park'));

    expect(identity).toEqual({
      provider: 'danal',
      name: '박서준',
      birthDate: '1992-07-14',
      gender: 'male',
      phone: '01023456789',
      ci: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) as string,
      di: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      reference: session.transactionId,
    });
  });

  it('reads SEX 2 as female', async () => {
    const sut = client();
    const session = await start(sut);
    await expect(
      confirm(sut, session, await throughWindow(session, 'person:choi')),
    ).resolves.toMatchObject({
      name: '최지우',
      gender: 'female',
    });
  });

  it('speaks UTF-8 when configured so', async () => {
    const sut = client({ charset: 'UTF-8' });
    const session = await start(sut);
    expect(session.form.fields.IsCharSet).toBe('UTF-8');
    await expect(
      confirm(sut, session, await throughWindow(session, 'person:park')),
    ).resolves.toMatchObject({
      name: '박서준',
    });
  });

  it.each([DANAL_CODES.cancelled, DANAL_CODES.authFailed])(
    'turns the window failure %s into IdentityVerificationFailed with the code',
    async (code) => {
      const sut = client();
      const session = await start(sut);
      const error = await confirm(sut, session, await throughWindow(session, `fail:${code}`)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IdentityVerificationFailed);
      expect(error).toMatchObject({ provider: 'danal', providerCode: code });
    },
  );

  it('reads a return without a TID (BackURL: cancelled or failed) as not verified, without a call', async () => {
    const sut = client();
    const session = await start(sut);
    const error = await confirm(sut, session, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityVerificationFailed);
    expect(error).toMatchObject({ providerCode: 'cancelled' });
    expect(stub.calls.confirm).toBe(0);
  });

  describe('the TID', () => {
    it('confirms once: a replayed callback is refused as used', async () => {
      const sut = client();
      const session = await start(sut);
      const fields = await throughWindow(session, 'person:park');
      await confirm(sut, session, fields);
      await expect(confirm(sut, session, fields)).rejects.toMatchObject({
        providerCode: DANAL_CODES.usedTid,
      });
    });

    it('is refused after it expires', async () => {
      const sut = client();
      const session = await start(sut);
      const fields = await throughWindow(session, 'person:park');
      clock.at = new Date(clock.at.getTime() + 1_201_000);
      await expect(confirm(sut, session, fields)).rejects.toMatchObject({
        providerCode: DANAL_CODES.expiredTid,
      });
    });

    it('is refused when Danal never issued it', async () => {
      const sut = client();
      const session = await start(sut);
      const forged = { ...session, transactionId: '1234567890abcdef' };
      await expect(confirm(sut, forged, { TID: forged.transactionId })).rejects.toMatchObject({
        providerCode: DANAL_CODES.unknownTid,
      });
    });

    it('is refused before the person authenticated', async () => {
      const sut = client();
      const session = await start(sut);
      await expect(confirm(sut, session, { TID: session.transactionId })).rejects.toMatchObject({
        providerCode: DANAL_CODES.notAuthenticated,
      });
    });

    it('is cross-checked with the order id: a callback carried into another session is refused', async () => {
      const sut = client();
      const first = await start(sut, 'order-first');
      const second = await start(sut, 'order-second');
      const fields = await throughWindow(first, 'person:park');
      await expect(
        sut.confirm({
          provider: 'danal',
          transactionId: first.transactionId,
          fields,
          secret: second.secret,
        }),
      ).rejects.toMatchObject({ providerCode: DANAL_CODES.orderMismatch });
      await expect(
        sut.confirm({
          provider: 'danal',
          transactionId: second.transactionId,
          fields,
          secret: second.secret,
        }),
      ).rejects.toMatchObject({ code: 'provider_bad_response' });
    });

    it('opens the window once: a replayed form is refused', async () => {
      const session = await start(client());
      await throughWindow(session, 'person:park');
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
        { returnCode: DANAL_CODES.ipBlocked },
        { kind: 'bad_gateway', code: 'provider_error', providerCode: '0086' },
      ],
      [{ returnCode: '-1' }, { code: 'provider_error', providerCode: '-1' }],
      [{ malformed: true }, { kind: 'bad_gateway', code: 'provider_bad_response' }],
      [{ down: true }, { kind: 'unavailable', code: 'provider_unavailable' }],
      [{ hang: true }, { kind: 'gateway_timeout', code: 'provider_timeout' }],
    ] as const)('maps %j at the ready call to %j', async (faults, expected) => {
      stub.setFaults(faults);
      await expect(start(client())).rejects.toMatchObject(expected);
    });

    it('refuses wrong CPID/CPPWD at the ready call: 502 provider_error with the code', async () => {
      await expect(start(client({ cpPwd: 'wrong' }))).rejects.toMatchObject({
        code: 'provider_error',
        providerCode: DANAL_CODES.badCredentials,
      });
    });

    it.each([
      [{ hang: true }, { code: 'provider_timeout' }],
      [{ malformed: true }, { code: 'provider_bad_response' }],
      [{ down: true }, { code: 'provider_unavailable' }],
    ] as const)(
      'maps %j at CONFIRM to %j, and never retries a CONFIRM',
      async (faults, expected) => {
        const sut = client({ gateway: new ProviderGateway('danal', { ...FAST, retries: 2 }) });
        const session = await start(sut);
        const fields = await throughWindow(session, 'person:park');
        stub.setFaults(faults);
        await expect(confirm(sut, session, fields)).rejects.toMatchObject(expected);
        expect(stub.calls.confirm).toBe(1);
        stub.setFaults({});
        // The TID was not spent by a retry: the person can still be confirmed.
        await expect(confirm(sut, session, fields)).resolves.toMatchObject({ name: '박서준' });
      },
    );

    it('switches faults through POST /_control as well', async () => {
      const response = await fetch(`${stub.url}/_control`, {
        method: 'POST',
        body: JSON.stringify({ returnCode: '0086' }),
      });
      expect(response.status).toBe(204);
      await expect(start(client())).rejects.toMatchObject({ providerCode: '0086' });
    });
  });
});

describe("Danal's key=value bodies", () => {
  it('are EUC-KR bytes both ways, and survive & and = in a value', () => {
    const body = encodeDanalForm(
      { NAME: '홍길동', TARGETURL: 'https://a.example/b?c=1&d=2' },
      'EUC-KR',
    );
    expect(body.toString('latin1')).toBe(
      `NAME=${[...iconv.encode('홍길동', 'EUC-KR')].map((b) => `%${b.toString(16).toUpperCase()}`).join('')}` +
        '&TARGETURL=https%3A%2F%2Fa.example%2Fb%3Fc%3D1%26d%3D2',
    );
    expect(decodeDanalForm(body, 'EUC-KR')).toEqual({
      NAME: '홍길동',
      TARGETURL: 'https://a.example/b?c=1&d=2',
    });
  });

  it("reads raw (not URL-encoded) EUC-KR values as Danal's sample sends them", () => {
    const raw = Buffer.concat([
      Buffer.from('RETURNCODE=0000&NAME='),
      iconv.encode('김철수', 'EUC-KR'),
      Buffer.from('&TID=1'),
    ]);
    expect(decodeDanalForm(raw, 'EUC-KR')).toEqual({
      RETURNCODE: '0000',
      NAME: '김철수',
      TID: '1',
    });
  });
});
