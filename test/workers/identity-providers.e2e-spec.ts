import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDanalStub, type DanalStub } from '../../src/integrations/danal/danal-stub.js';
import { startNiceStub, type NiceStub } from '../../src/integrations/nice/nice-stub.js';
import { WorkersModule } from '../../src/modules/workers/workers.module.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const APP_RETURN = 'https://app.example/identity/done';
/** The public host the providers are told; the test's "browser" reaches it at the API. */
const PUBLIC_CALLBACK = 'http://callback.invalid/identity-verifications/callback';

interface Session {
  provider: 'nice' | 'danal';
  transactionId: string;
  form: { action: string; fields: Record<string, string> };
}

/**
 * A worker's identity verification through the real app, the real clients and the providers'
 * stubs: start, the provider's window (a person is picked), the provider's return to our
 * callback, and the redirect to the app.
 */
describe('identity verification through NICE and Danal (e2e)', () => {
  let api: TestApi;
  let nice: NiceStub;
  let danal: DanalStub;
  let n = 0;

  beforeAll(async () => {
    nice = await startNiceStub();
    danal = await startDanalStub();
    api = await startTestApi({
      modules: [WorkersModule],
      env: {
        IDENTITY_PROVIDERS: 'nice,danal',
        NICE_API_URL: nice.url,
        NICE_WINDOW_URL: nice.windowUrl,
        NICE_CLIENT_ID: nice.clientId,
        NICE_CLIENT_SECRET: nice.clientSecret,
        NICE_PRODUCT_ID: nice.productId,
        DANAL_UAS_URL: danal.uasUrl,
        DANAL_WINDOW_URL: danal.windowUrl,
        DANAL_CPID: danal.cpId,
        DANAL_CPPWD: danal.cpPwd,
        IDENTITY_CALLBACK_URL: PUBLIC_CALLBACK,
        IDENTITY_RETURN_ORIGINS: 'https://app.example',
      },
    });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
  });
  afterAll(async () => {
    await api?.close();
    await nice?.close();
    await danal?.close();
  });
  beforeEach(() => {
    nice.setFaults({});
    danal.setFaults({});
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    callApi(api, method, path, token, body);

  const newWorker = async () => {
    n += 1;
    const token = mint.access(`worker-idv-${n}`, ['worker']);
    const put = await call('PUT', '/workers/me', token, {
      legalName: '김임시',
      birthDate: '1990-01-01',
      phone: '010-2222-3333',
    });
    expect(put.status).toBe(200);
    return token;
  };

  const toApi = (url: string) => {
    const target = new URL(url);
    expect(`${target.origin}${target.pathname}`.startsWith(PUBLIC_CALLBACK)).toBe(true);
    return `${api.url}${target.pathname}${target.search}`;
  };

  /** The provider's window: the form posted, a person picked; answers the return request. */
  async function pick(session: Session, choice: string): Promise<Request> {
    const window = await fetch(session.form.action, {
      method: 'POST',
      body: new URLSearchParams(session.form.fields),
    });
    const html = await window.text();
    expect(window.status, html).toBe(200);
    const action = /<form method="POST" action="([^"]+)"/.exec(html)![1]!;
    const key = session.provider === 'nice' ? 'token_version_id' : 'TID';
    const chosen = await fetch(new URL(action, session.form.action), {
      method: 'POST',
      body: new URLSearchParams({ [key]: session.transactionId, choice }),
      redirect: 'manual',
    });
    if (session.provider === 'nice') {
      expect(chosen.status).toBe(302);
      return new Request(toApi(chosen.headers.get('location')!), { redirect: 'manual' });
    }
    // Danal: an auto-submitting form posts the TID to TARGETURL.
    const autoSubmit = await chosen.text();
    const target = /<form method="POST" action="([^"]+)"/.exec(autoSubmit)![1]!;
    const fields = Object.fromEntries(
      [...autoSubmit.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    return new Request(toApi(target.replaceAll('&#38;', '&')), {
      method: 'POST',
      body: new URLSearchParams(fields),
      redirect: 'manual',
    });
  }

  const start = async (token: string, body: object = {}) => {
    const response = await call('POST', '/workers/me/identity-verifications', token, {
      returnUrl: APP_RETURN,
      ...body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Session;
  };

  const resultOf = (response: Response) => {
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(APP_RETURN);
    expect([...location.searchParams.keys()]).toEqual(['result']);
    return location.searchParams.get('result');
  };

  it('verifies a worker through NICE: start, window, callback, redirect to the app', async () => {
    const token = await newWorker();
    const session = await start(token);
    expect(session.provider).toBe('nice');

    const back = await fetch(await pick(session, 'person:hong'));
    expect(resultOf(back)).toBe('verified');

    const me = (await (await call('GET', '/workers/me', token)).json()) as Record<string, unknown>;
    expect(me).toMatchObject({
      legalName: '홍*동',
      birthDate: '1990-**-**',
      identity: { verified: true, provider: 'nice' },
    });
  });

  it('verifies through Danal when NICE is down, and the start says so', async () => {
    nice.setFaults({ down: true });
    const token = await newWorker();
    const session = await start(token, { provider: 'nice' });
    expect(session.provider).toBe('danal');

    const back = await fetch(await pick(session, 'person:park'));
    expect(resultOf(back)).toBe('verified');
    const me = (await (await call('GET', '/workers/me', token)).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ identity: { verified: true, provider: 'danal' } });
  });

  it('refuses a replayed callback: the session is usable once', async () => {
    const token = await newWorker();
    const session = await start(token, { provider: 'danal' });
    const request = await pick(session, 'person:choi');
    const replay = request.clone();
    expect(resultOf(await fetch(request))).toBe('verified');

    const again = await fetch(replay);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'identity_session_unknown' });
  });

  it('lets one of two simultaneous callbacks through: the other finds no session (409)', async () => {
    const token = await newWorker();
    const request = await pick(await start(token, { provider: 'danal' }), 'person:park');
    const responses = await Promise.all([fetch(request.clone()), fetch(request)]);
    expect(responses.map((r) => r.status).sort()).toEqual([303, 409]);
  });

  it('sends the browser back with identity_already_used when the person holds another account', async () => {
    const first = await newWorker();
    expect(resultOf(await fetch(await pick(await start(first), 'person:wang')))).toBe('verified');
    const second = await newWorker();
    const back = await fetch(await pick(await start(second), 'person:wang'));
    expect(resultOf(back)).toBe('identity_already_used');
  });

  it('sends the browser back with identity_verification_failed when the person is not verified', async () => {
    const token = await newWorker();
    const session = await start(token);
    const back = await fetch(await pick(session, 'fail:0001'));
    expect(resultOf(back)).toBe('identity_verification_failed');
    const me = (await (await call('GET', '/workers/me', token)).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ identity: { verified: false } });
  });

  it('sends the browser back with provider_bad_response for a tampered result, verifying no one', async () => {
    const token = await newWorker();
    const session = await start(token);
    nice.setFaults({ tamper: 'integrity_value' });
    expect(resultOf(await fetch(await pick(session, 'person:kim')))).toBe('provider_bad_response');
  });

  it('answers 400 for a callback whose state is not one we make, and 409 for an unknown one', async () => {
    const bad = await fetch(`${api.url}/identity-verifications/callback/not-a-state?TID=1`);
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${api.url}/identity-verifications/callback/${'A'.repeat(43)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'TID=123',
    });
    expect(unknown.status).toBe(409);
  });

  it('refuses a returnUrl outside the app origins (400 return_url_not_allowed): no open redirect', async () => {
    const token = await newWorker();
    const response = await call('POST', '/workers/me/identity-verifications', token, {
      returnUrl: 'https://evil.example/collect',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'return_url_not_allowed' });
  });

  it('still refuses form bodies on every other route (415)', async () => {
    const token = await newWorker();
    const response = await fetch(`${api.url}/workers/me/identity-verifications`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `returnUrl=${encodeURIComponent(APP_RETURN)}`,
    });
    expect(response.status).toBe(415);
  });
});
