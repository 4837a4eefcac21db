import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * The operator console's files (console/, built into dist/console) served by the API at
 * /console, in local mode and in AWS alike: the page for every client route, hashed assets
 * cached for good, and headers that keep the page to its own origin.
 */
const INDEX =
  '<!doctype html><html><head><script type="module" src="/console/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("console");';

describe('the console, served by the API', () => {
  let dir: string;
  let api: TestApi;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-console-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), INDEX);
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), SCRIPT);
    await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    api = await startTestApi({ env: { CONSOLE_DIR: dir } });
  });

  afterAll(async () => {
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (route: string) => fetch(`${api.url}${route}`, { redirect: 'manual' });

  it('answers the page for the console and for every client route, never cached, with a policy that keeps it to its own origin', async () => {
    for (const route of ['/console/', '/console/verification', '/console/members/abc/detail']) {
      const response = await get(route);
      expect(response.status, route).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe(INDEX);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("object-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('sends /console on to /console/', async () => {
    const response = await get('/console');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/console/');
  });

  it('serves the hashed assets as what they are, cached for a year', async () => {
    const response = await get('/console/assets/index-abc123.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe(SCRIPT);
    expect((await get('/console/favicon.svg')).headers.get('content-type')).toMatch(/svg/);
  });

  it('answers a missing file 404, not with the page', async () => {
    for (const route of ['/console/assets/gone-000.js', '/console/missing.png']) {
      const response = await get(route);
      expect(response.status, route).toBe(404);
      expect(await response.text()).not.toContain('<div id="root">');
    }
  });

  it('never serves a file outside the console’s directory', async () => {
    await writeFile(path.join(path.dirname(dir), 'outside-console.txt'), 'secret');
    const name = path.basename(dir);
    for (const route of [
      '/console/../outside-console.txt',
      '/console/%2e%2e/outside-console.txt',
      '/console/assets/%2e%2e%2f%2e%2e%2foutside-console.txt',
      `/console/..%2f..%2f${name}/index.html`,
    ]) {
      const response = await get(route);
      expect(await response.text(), route).not.toContain('secret');
      // Refused or a client route's page: never a file from elsewhere, never a 500.
      expect(response.status, route).toBeLessThan(500);
    }
  });
});

describe('the console before it is built', () => {
  it('answers 404 console_not_built, saying how to build it', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'wm-console-empty-'));
    const api = await startTestApi({ env: { CONSOLE_DIR: empty } });
    try {
      const response = await fetch(`${api.url}/console/`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await response.json()) as { code: string; detail: string };
      expect(problem.code).toBe('console_not_built');
      expect(problem.detail).toContain('npm run build');
    } finally {
      await api.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
