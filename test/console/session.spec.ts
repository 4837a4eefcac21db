import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/*
 * The console's session (console/src/session, console/src/api/client.ts) against a fake API: the
 * rules of docs/console.md as the page keeps them. Each test loads the modules afresh (their
 * state is module-level, as the page's is).
 */

const ORIGIN = 'http://console.test';

interface Call {
  method: string;
  path: string;
  authorization: string | null;
  consoleHeader: string | null;
  credentials: string;
  body: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status < 400 ? 'application/json' : 'application/problem+json';
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': type, ...headers },
  });
}

function problem(status: number, code: string, extensions: object = {}, headers = {}) {
  return json(
    status,
    { type: code, title: '', status, detail: code, code, ...extensions },
    headers,
  );
}

function session(accessToken: string, expiresIn = 3600) {
  return json(200, {
    tokenType: 'Bearer',
    accessToken,
    expiresIn,
    staff: { id: 'staff-1', role: 'operator' },
  });
}

const STATS = { reports: [] };

/** A fake API: `routes` answers by "METHOD /path"; every call is recorded. */
function fakeApi(routes: Record<string, (call: Call) => Response | Promise<Response>>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    const call: Call = {
      method: input.method,
      path: url.pathname,
      authorization: input.headers.get('authorization'),
      consoleHeader: input.headers.get('x-workmatch-console'),
      credentials: input.credentials,
      body: await input.text(),
    };
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    return route ? route(call) : problem(404, 'not_found');
  });
  vi.stubGlobal('fetch', fetch);
  return calls;
}

async function load() {
  const { accessToken, onSignedOut, sessionState, signIn, signOut, startSession } =
    await import('../../console/src/session/session.js');
  const { api } = await import('../../console/src/api/client.js');
  const { unwrap } = await import('../../console/src/api/problem.js');
  const stats = () => unwrap(api.GET('/operator/stats'));
  return { accessToken, onSignedOut, sessionState, signIn, signOut, startSession, stats };
}

let recorded: Call[] = [];

beforeEach(() => {
  vi.resetModules();
  // The page's relative URLs, resolved as a browser resolves them against the page.
  vi.stubGlobal(
    'Request',
    class PageRequest extends Request {
      constructor(input: Request | string | URL, init?: RequestInit) {
        super(typeof input === 'string' ? new URL(input, ORIGIN) : input, init);
      }
    },
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the console's session", () => {
  it('starts with one refresh from the cookie, sent with the console header on the same origin', async () => {
    recorded = fakeApi({ 'POST /auth/console/refresh': () => session('token-1') });
    const sut = await load();
    await sut.startSession();

    expect(sut.accessToken()).toBe('token-1');
    expect(sut.sessionState()).toEqual({
      status: 'signed-in',
      staff: { id: 'staff-1', role: 'operator' },
    });
    expect(recorded).toEqual([
      {
        method: 'POST',
        path: '/auth/console/refresh',
        authorization: null,
        consoleHeader: '1',
        credentials: 'same-origin',
        body: '',
      },
    ]);
  });

  it('sends the access token from memory with every data call', async () => {
    recorded = fakeApi({
      'POST /auth/console/refresh': () => session('token-1'),
      'GET /operator/stats': () => json(200, STATS),
    });
    const sut = await load();
    await sut.startSession();

    await expect(sut.stats()).resolves.toEqual(STATS);
    expect(recorded.at(-1)).toMatchObject({
      path: '/operator/stats',
      authorization: 'Bearer token-1',
    });
  });

  it('answers a 401 with one refresh and one retry under the new token', async () => {
    let refreshes = 0;
    recorded = fakeApi({
      'POST /auth/console/refresh': () => session(`token-${++refreshes}`),
      'GET /operator/stats': (call) =>
        call.authorization === 'Bearer token-2' ? json(200, STATS) : problem(401, 'unauthorized'),
    });
    const sut = await load();
    await sut.startSession();

    await expect(sut.stats()).resolves.toEqual(STATS);
    expect(recorded.map((c) => `${c.path} ${c.authorization}`)).toEqual([
      '/auth/console/refresh null',
      '/operator/stats Bearer token-1',
      '/auth/console/refresh null',
      '/operator/stats Bearer token-2',
    ]);
  });

  it('retries a call with a body with the same body', async () => {
    let refreshes = 0;
    recorded = fakeApi({
      'POST /auth/console/refresh': () => session(`token-${++refreshes}`),
      'POST /operator/members/search': (call) =>
        call.authorization === 'Bearer token-2'
          ? json(200, { members: [] })
          : problem(401, 'unauthorized'),
    });
    const sut = await load();
    await sut.startSession();

    const { api } = await import('../../console/src/api/client.js');
    const { response } = await api.POST('/operator/members/search', {
      body: { email: 'minsu.kim@example.com' },
    });
    expect(response.status).toBe(200);
    const searches = recorded.filter((c) => c.path === '/operator/members/search');
    expect(searches.map((c) => c.body)).toEqual([
      '{"email":"minsu.kim@example.com"}',
      '{"email":"minsu.kim@example.com"}',
    ]);
  });

  it('refreshes once for calls that meet a 401 together', async () => {
    let refreshes = 0;
    recorded = fakeApi({
      'POST /auth/console/refresh': () => session(`token-${++refreshes}`),
      'GET /operator/stats': (call) =>
        call.authorization === 'Bearer token-2' ? json(200, STATS) : problem(401, 'unauthorized'),
    });
    const sut = await load();
    await sut.startSession();

    await Promise.all([sut.stats(), sut.stats(), sut.stats()]);
    expect(refreshes).toBe(2);
  });

  it('retries only once: a second 401 is the answer', async () => {
    recorded = fakeApi({
      'POST /auth/console/refresh': () => session('token-x'),
      'GET /operator/stats': () => problem(401, 'unauthorized'),
    });
    const sut = await load();
    await sut.startSession();

    await expect(sut.stats()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(recorded.filter((c) => c.path === '/operator/stats')).toHaveLength(2);
  });

  it('ends the session when the refresh fails, saying why', async () => {
    let refreshes = 0;
    const ended = vi.fn();
    recorded = fakeApi({
      'POST /auth/console/refresh': () =>
        ++refreshes === 1 ? session('token-1') : problem(401, 'invalid_refresh_token'),
      'GET /operator/stats': () => problem(401, 'unauthorized'),
    });
    const sut = await load();
    sut.onSignedOut(ended);
    await sut.startSession();

    await expect(sut.stats()).rejects.toMatchObject({ status: 401 });
    expect(sut.accessToken()).toBeNull();
    expect(sut.sessionState()).toEqual({ status: 'signed-out', ended: 'invalid_refresh_token' });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('starts signed out, without a word, when the cookie holds no session', async () => {
    recorded = fakeApi({
      'POST /auth/console/refresh': () => problem(401, 'console_session_missing'),
    });
    const sut = await load();
    const ended = vi.fn();
    sut.onSignedOut(ended);
    await sut.startSession();

    expect(sut.accessToken()).toBeNull();
    expect(sut.sessionState()).toEqual({ status: 'signed-out' });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('shows "operators and admins only" when the session is a member of another role', async () => {
    recorded = fakeApi({ 'POST /auth/console/refresh': () => problem(403, 'staff_only') });
    const sut = await load();
    await sut.startSession();

    expect(sut.sessionState()).toEqual({ status: 'signed-out', ended: 'staff_only' });
  });

  it('refreshes a minute before the access token runs out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let refreshes = 0;
    recorded = fakeApi({ 'POST /auth/console/refresh': () => session(`token-${++refreshes}`) });
    const sut = await load();
    await sut.startSession();

    await vi.advanceTimersByTimeAsync((3600 - 61) * 1000);
    expect(refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(refreshes).toBe(2);
    expect(sut.accessToken()).toBe('token-2');
  });

  it('signs in with the console header, and hands a first sign-in its challenge', async () => {
    recorded = fakeApi({
      'POST /auth/console/refresh': () => problem(401, 'console_session_missing'),
      'POST /auth/console/login': () =>
        problem(403, 'new_password_required', { session: 'challenge-1' }),
    });
    const sut = await load();
    await sut.startSession();

    await expect(
      sut.signIn({ email: 'a@example.com', password: 'Temp-1234' }),
    ).rejects.toMatchObject({
      status: 403,
      code: 'new_password_required',
      extensions: { session: 'challenge-1' },
    });
    expect(recorded.at(-1)).toMatchObject({ path: '/auth/console/login', consoleHeader: '1' });
  });

  it('says when to try again after too many failed sign-ins (Retry-After)', async () => {
    recorded = fakeApi({
      'POST /auth/console/refresh': () => problem(401, 'console_session_missing'),
      'POST /auth/console/login': () =>
        problem(429, 'too_many_failed_logins', {}, { 'retry-after': '300' }),
    });
    const sut = await load();
    await sut.startSession();

    await expect(sut.signIn({ email: 'a@example.com', password: 'x' })).rejects.toMatchObject({
      code: 'too_many_failed_logins',
      retryAfterSeconds: 300,
    });
  });

  it('signs out with the token and the console header, and forgets the token', async () => {
    recorded = fakeApi({
      'POST /auth/console/refresh': () => session('token-1'),
      'POST /auth/console/logout': () => new Response(null, { status: 204 }),
    });
    const sut = await load();
    await sut.startSession();

    await sut.signOut();
    expect(sut.sessionState()).toEqual({ status: 'signed-out' });
    expect(recorded.at(-1)).toMatchObject({
      path: '/auth/console/logout',
      authorization: 'Bearer token-1',
      consoleHeader: '1',
    });
    expect(sut.accessToken()).toBeNull();
  });
});
