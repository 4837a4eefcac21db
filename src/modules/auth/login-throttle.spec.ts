import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { openPrivacy } from '../../privacy/privacy.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';
import { LoginThrottle } from './login-throttle.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const WINDOW_START = new Date('2026-03-01T00:00:00Z'); // a multiple of 15 minutes
const at = (seconds: number) => new Date(WINDOW_START.getTime() + seconds * 1000);

describe(LoginThrottle.name, () => {
  let dir: string;
  let db: Database;
  let sut: LoginThrottle;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-throttle-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    const config = loadConfig({
      DATA_DIR: dir,
      LOGIN_THROTTLE_WINDOW_SECONDS: '900',
      LOGIN_THROTTLE_MAX_PER_USERNAME: '3',
      LOGIN_THROTTLE_MAX_PER_IP: '5',
    });
    const { blindIndex } = await openPrivacy(config, db);
    sut = new LoginThrottle(new LoginAttemptsRepository(db), config, blindIndex);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a username after its limit of failures, until the window ends', async () => {
    for (let i = 0; i < 3; i += 1)
      await sut.recordFailure('kim@example.com', `10.0.0.${i}`, at(10));

    await expect(sut.check('kim@example.com', '10.0.0.9', at(300))).rejects.toMatchObject({
      kind: 'rate_limited',
      code: 'too_many_failed_logins',
      retryAfterSeconds: 600,
    });
    await expect(sut.check('kim@example.com', '10.0.0.9', at(900))).resolves.toBeUndefined();
  });

  it('treats usernames case-insensitively', async () => {
    for (let i = 0; i < 3; i += 1) await sut.recordFailure('Kim@Example.com', '10.0.0.1', at(0));

    await expect(sut.check('kim@example.com', '10.0.0.2', at(1))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('refuses an IP after its limit of failures, whatever usernames it tried', async () => {
    for (let i = 0; i < 5; i += 1)
      await sut.recordFailure(`user${i}@example.com`, '203.0.113.7', at(0));

    await expect(sut.check('someone.new@example.com', '203.0.113.7', at(1))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
    await expect(
      sut.check('someone.new@example.com', '203.0.113.8', at(1)),
    ).resolves.toBeUndefined();
  });

  it('clears the username count on reset, not the IP count', async () => {
    for (let i = 0; i < 3; i += 1) await sut.recordFailure('kim@example.com', '203.0.113.7', at(0));
    await sut.reset('kim@example.com', at(1));

    await expect(sut.check('kim@example.com', '198.51.100.1', at(2))).resolves.toBeUndefined();
    await sut.recordFailure('x@example.com', '203.0.113.7', at(2));
    await sut.recordFailure('y@example.com', '203.0.113.7', at(2));
    await expect(sut.check('kim@example.com', '203.0.113.7', at(3))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('stores neither usernames nor IPs in the clear', async () => {
    await sut.recordFailure('kim@example.com', '203.0.113.7', at(0));

    const stored = JSON.stringify(await db.collection('login_attempts').find({}).toArray());
    expect(stored).not.toContain('kim');
    expect(stored).not.toContain('203.0.113.7');
  });

  it('counts concurrent failures exactly', async () => {
    await Promise.all(
      Array.from({ length: 3 }, () => sut.recordFailure('kim@example.com', '10.0.0.1', at(0))),
    );

    await expect(sut.check('kim@example.com', '10.0.0.2', at(1))).rejects.toMatchObject({
      kind: 'rate_limited',
    });
  });

  describe('code requests (resend-code, forgot-password)', () => {
    it('lets an address ask for its limit of codes in a window, then answers 429 until the window ends', async () => {
      for (let i = 0; i < 3; i += 1)
        await sut.countCodeRequest('kim@example.com', `10.0.0.${i}`, at(10));

      await expect(
        sut.countCodeRequest('Kim@Example.com', '10.0.0.9', at(300)),
      ).rejects.toMatchObject({
        kind: 'rate_limited',
        code: 'too_many_code_requests',
        retryAfterSeconds: 600,
      });
      await expect(
        sut.countCodeRequest('kim@example.com', '10.0.0.9', at(900)),
      ).resolves.toBeUndefined();
    });

    it('limits one client address across addresses', async () => {
      for (let i = 0; i < 5; i += 1)
        await sut.countCodeRequest(`user${i}@example.com`, '10.0.0.1', at(0));

      await expect(
        sut.countCodeRequest('other@example.com', '10.0.0.1', at(1)),
      ).rejects.toMatchObject({ code: 'too_many_code_requests' });
    });

    it('counts apart from failed logins', async () => {
      for (let i = 0; i < 3; i += 1)
        await sut.countCodeRequest('kim@example.com', `10.0.0.${i}`, at(0));

      await expect(sut.check('kim@example.com', '10.0.0.9', at(1))).resolves.toBeUndefined();
    });
  });
});
