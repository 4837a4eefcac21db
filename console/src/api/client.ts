import createClient from 'openapi-fetch';
import { accessToken, refreshSession } from '../session/session.js';
import type { paths } from './schema.js';

/** Each request as it was before it was sent, in case a 401 calls for one retry. */
const unsent = new WeakMap<Request, Request>();

/**
 * The API's data routes, typed from its OpenAPI document (schema.d.ts). Every call carries the
 * session's access token; a 401 gets one refresh of the session and one retry, and when the
 * refresh fails the session ends (the app shows the sign-in page).
 */
export const api = createClient<paths>({
  credentials: 'same-origin',
});

api.use({
  onRequest({ request }) {
    const token = accessToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    unsent.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const retry = unsent.get(request);
    unsent.delete(request);
    if (response.status !== 401 || !retry) return undefined;
    // Another call may have refreshed the session since this one left: then only retry.
    const sentWith = request.headers.get('Authorization');
    if (sentWith === `Bearer ${accessToken()}` && !(await refreshSession())) return undefined;
    const token = accessToken();
    if (!token) return undefined;
    retry.headers.set('Authorization', `Bearer ${token}`);
    return fetch(retry);
  },
});
