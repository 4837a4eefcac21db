import { fastify } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { RouteDescription } from '../http/route-table.js';
import { registerRouteAccess } from './route-access.js';

const route = (
  method: RouteDescription['method'],
  path: string,
  routeClass: RouteDescription['routeClass'],
): RouteDescription => ({
  method,
  path,
  routeClass,
  controller: class {},
  handlerName: 'handler',
  doc: undefined,
});

describe('registerRouteAccess', () => {
  it("stamps each request with its route's access, a HEAD with its GET's, and nothing off the table", async () => {
    const app = fastify();
    registerRouteAccess(app, [route('get', '/shifts/{id}', 'member')]);
    // Where the request lifecycle checks it: the preHandler.
    app.addHook('preHandler', (request, reply, done) => {
      void reply.header('x-route-class', request.routeAccess?.routeClass ?? 'none');
      done();
    });
    app.get('/shifts/:id', (request) => ({ access: request.routeAccess ?? null }));
    app.get('/docs', (request) => ({ access: request.routeAccess ?? null }));
    await app.ready();
    const member = await app.inject({ url: '/shifts/7' });
    expect(member.json()).toEqual({ access: { routeClass: 'member' } });
    const head = await app.inject({ method: 'HEAD', url: '/shifts/7' });
    expect(head.headers['x-route-class']).toBe('member');
    expect((await app.inject({ url: '/docs' })).json()).toEqual({ access: null });
    await app.close();
  });

  it('keeps the app from starting while a route of the table was never registered with its access', async () => {
    const app = fastify();
    registerRouteAccess(app, [route('get', '/a', 'public'), route('post', '/b/{id}', 'admin')]);
    app.get('/a', () => 'a');
    // Registered under another path than the table's: its access would be lost.
    app.post('/b/:key', () => 'b');
    await expect(app.ready()).rejects.toThrow(
      'routes never registered with their access: POST /b/:id',
    );
  });
});
