import createClient from 'openapi-fetch';
import { useSyncExternalStore } from 'react';
import type { z } from 'zod';
import type { CompleteNewPassword, Login } from '../api/auth-schemas.js';
import { ApiProblem, unwrap } from '../api/problem.js';
import type { components, paths } from '../api/schema.js';

/*
 * The console's session (docs/console.md). The access token lives in this module's memory only:
 * never in localStorage, sessionStorage or a cookie a script can read. The refresh token never
 * reaches the page: the API keeps it in an httpOnly cookie on /auth/console, and these calls send
 * it by going to that path (same origin) with the console's header.
 */

type ConsoleSession = components['schemas']['ConsoleSession'];
export type Staff = ConsoleSession['staff'];

export type SessionState =
  | { status: 'starting' }
  /** `ended`: the problem code that ended the last session, shown on the sign-in page. */
  | { status: 'signed-out'; ended?: string }
  | { status: 'signed-in'; staff: Staff };

/** The header without which the API refuses the console's session routes. */
const CONSOLE_HEADERS = { 'x-workmatch-console': '1' };

/** The session routes: no middleware (a 401 here is an answer, not a reason to refresh). */
const auth = createClient<paths>({
  credentials: 'same-origin',
  headers: CONSOLE_HEADERS,
});

/** Refresh this long before the access token runs out (at most a fifth of its life). */
const REFRESH_LEAD_SECONDS = 60;

let state: SessionState = { status: 'starting' };
let token: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where the session stands now. */
export function sessionState(): SessionState {
  return state;
}

/** The session as React sees it. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, sessionState);
}

/** Called when the session ends (sign-out, a failed refresh): the app drops cached data. */
export function onSignedOut(listener: () => void): void {
  subscribe(() => {
    if (state.status === 'signed-out') listener();
  });
}

/** The access token for the data routes (api/client.ts); null when signed out. */
export function accessToken(): string | null {
  return token;
}

function started(session: ConsoleSession): void {
  token = session.accessToken;
  clearTimeout(refreshTimer);
  const lead = Math.min(REFRESH_LEAD_SECONDS, session.expiresIn / 5);
  refreshTimer = setTimeout(
    () => void refreshSession(),
    Math.max(0, session.expiresIn - lead) * 1000,
  );
  setState({ status: 'signed-in', staff: session.staff });
}

function ended(code?: string): void {
  token = null;
  clearTimeout(refreshTimer);
  setState(code ? { status: 'signed-out', ended: code } : { status: 'signed-out' });
}

/** Signs in; throws the ApiProblem (new_password_required carries the challenge's `session`). */
export async function signIn(body: z.output<typeof Login>): Promise<void> {
  started(await unwrap(auth.POST('/auth/console/login', { body })));
}

/** A staff account's first sign-in: the password of their own, then the session. */
export async function completeNewPassword(
  body: z.output<typeof CompleteNewPassword>,
): Promise<void> {
  started(await unwrap(auth.POST('/auth/console/complete-new-password', { body })));
}

/**
 * A new access token from the session cookie, one request at a time. False when the session is
 * over: the app then shows the sign-in page.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const wasSignedIn = state.status === 'signed-in';
    try {
      started(await unwrap(auth.POST('/auth/console/refresh')));
      return true;
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : undefined;
      // At start, a 401 (no cookie, or a session already over) is no session, not news.
      const silent = !wasSignedIn && problem?.status === 401;
      ended(silent ? undefined : (problem?.code ?? 'network_error'));
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** On start: the httpOnly cookie may still hold a session (a reload, a second tab). */
export function startSession(): Promise<boolean> {
  return refreshSession();
}

/** Signs out everywhere (the API ends the refresh token and clears the cookie). */
export async function signOut(): Promise<void> {
  const sentWith = token;
  try {
    await unwrap(
      auth.POST('/auth/console/logout', { headers: { Authorization: `Bearer ${sentWith}` } }),
    );
    ended();
  } catch {
    // The page forgets the token anyway; the cookie may still hold the session, so say so.
    ended('sign_out_failed');
  }
}
