import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strictFake, type StrictFake } from '../../../test/support/strict-fake.js';
import { loadConfig } from '../../config/config.js';
import { migration } from '../../migrations/1795600100000-CreateWorkers.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { openPrivacy } from '../../privacy/privacy.js';
import { IdentityVerificationService } from './identity-verification.service.js';
import {
  IdentityVerificationFailed,
  type IdentityVerifier,
  type VerifiedIdentity,
} from './ports/identity-verifier.port.js';
import { WorkersRepository } from './workers.repository.js';
import { WorkersService } from './workers.service.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const T0 = new Date('2026-03-01T00:00:00Z');
const T1 = new Date('2026-03-01T00:05:00Z');
const worker = (sub: string): Principal => ({
  sub,
  username: sub,
  groups: ['worker'],
  tokenId: 't',
  expiresAt: 2_000_000_000,
});
const KIM = worker('w-kim');
const LEE = worker('w-lee');
const PROFILE = { legalName: '김민쑤', birthDate: '2001-05-09', phone: '010-1111-2222' };
const VERIFIED: VerifiedIdentity = {
  provider: 'nice',
  name: '김민수',
  birthDate: '2001-05-19',
  gender: 'male',
  phone: '01012345678',
  ci: 'Q0ktb2Yta2lt',
  di: 'DI-of-kim',
  reference: 'NICE-RESP-1',
};
const SESSION = {
  provider: 'nice' as const,
  transactionId: 'tv-1',
  form: { action: 'https://provider.invalid/service.cb', method: 'POST' as const, fields: {} },
  expiresAt: new Date('2026-03-01T01:00:00Z'),
};

/** Medium: identity verification through the port (a strict fake) on the embedded engine. */
describe(IdentityVerificationService.name, () => {
  let dir: string;
  let db: Database;
  let repository: WorkersRepository;
  let workers: WorkersService;
  let verifier: StrictFake<IdentityVerifier>;
  let sut: IdentityVerificationService;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-identity-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    await migration.up(db);
    const { personalData } = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    repository = new WorkersRepository(db, personalData);
    workers = new WorkersService(repository);
    verifier = strictFake<IdentityVerifier>('IdentityVerifier');
    sut = new IdentityVerificationService(repository, verifier);
    await workers.putProfile(KIM, PROFILE, T0);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const startAndConfirm = async (who: Principal, identity: VerifiedIdentity) => {
    verifier.start.mockResolvedValue(SESSION);
    verifier.confirm.mockResolvedValue(identity);
    await sut.start(who, { provider: 'nice', returnUrl: 'https://app.invalid/back' }, T0);
    return sut.confirm(who, { provider: 'nice', transactionId: 'tv-1', fields: { a: 'b' } }, T1);
  };

  it("takes the provider's name, birth date and phone as verified, and holds the CI", async () => {
    const profile = await startAndConfirm(KIM, VERIFIED);

    expect(verifier.start).toHaveBeenCalledWith(
      expect.objectContaining({ provider: 'nice', returnUrl: 'https://app.invalid/back' }),
    );
    expect(profile).toMatchObject({
      legalName: '김*수',
      phone: '010-****-5678',
      identity: { verified: true, provider: 'nice' },
    });
    const facts = (await workers.eligibilityFacts(['w-kim'])).get('w-kim');
    expect(facts).toMatchObject({ identityVerified: true, birthDate: '2001-05-19' });
    const stored = await repository.getById('w-kim');
    expect(stored).toMatchObject({ hasCi: true, identitySession: undefined });
    expect(stored?.history.at(-1)).toMatchObject({ subject: 'identity', by: 'nice' });
  });

  it("keeps the verifier's session secret encrypted, hands it back at confirm, then drops it", async () => {
    const secret = '{"tokenVal":"key-material-of-the-session"}';
    verifier.start.mockResolvedValue({ ...SESSION, secret });
    verifier.confirm.mockResolvedValue(VERIFIED);
    await sut.start(KIM, { provider: 'nice', returnUrl: 'https://app.invalid/back' }, T0);

    const raw = await db
      .collection<{ _id: string; identitySessionSecret?: unknown }>('workers')
      .findOne({ _id: 'w-kim' });
    expect(raw?.identitySessionSecret).toBeDefined();
    expect(JSON.stringify(raw)).not.toContain('key-material-of-the-session');

    await sut.confirm(KIM, { provider: 'nice', transactionId: 'tv-1', fields: {} }, T1);
    expect(verifier.confirm).toHaveBeenCalledWith(expect.objectContaining({ secret }));
    const after = await db
      .collection<{ _id: string; identitySessionSecret?: unknown }>('workers')
      .findOne({ _id: 'w-kim' });
    expect(after?.identitySessionSecret ?? null).toBeNull();
  });

  it('starts without a preferred provider and answers the one the verifier used', async () => {
    verifier.start.mockResolvedValue({ ...SESSION, provider: 'danal' });
    const answer = await sut.start(KIM, { returnUrl: 'https://app.invalid/back' }, T0);
    expect(verifier.start.mock.calls[0]?.[0]).not.toHaveProperty('provider');
    expect(answer.provider).toBe('danal');
    expect((await repository.getById('w-kim'))?.identitySession?.provider).toBe('danal');
  });

  it('confirms a session once: a replayed confirm is 409 identity_session_unknown', async () => {
    await startAndConfirm(KIM, VERIFIED);
    await expect(
      sut.confirm(KIM, { provider: 'nice', transactionId: 'tv-1', fields: { a: 'b' } }, T1),
    ).rejects.toMatchObject({ code: 'identity_session_unknown' });
    expect(verifier.confirm).toHaveBeenCalledTimes(1);
  });

  it('refuses a second worker account of the same person (same CI)', async () => {
    await startAndConfirm(KIM, VERIFIED);
    await workers.putProfile(LEE, PROFILE, T0);

    await expect(startAndConfirm(LEE, { ...VERIFIED, provider: 'nice' })).rejects.toMatchObject({
      code: 'identity_already_used',
    });
    expect((await workers.eligibilityFacts(['w-lee'])).get('w-lee')?.identityVerified).toBe(false);
  });

  it("confirms only the worker's own, unexpired session", async () => {
    verifier.start.mockResolvedValue(SESSION);
    await sut.start(KIM, { provider: 'nice', returnUrl: 'https://app.invalid/back' }, T0);
    await workers.putProfile(LEE, PROFILE, T0);

    const confirm = { provider: 'nice' as const, transactionId: 'tv-1', fields: {} };
    await expect(sut.confirm(LEE, confirm, T1)).rejects.toMatchObject({
      code: 'identity_session_unknown',
    });
    await expect(sut.confirm(KIM, confirm, new Date('2026-03-01T01:00:00Z'))).rejects.toMatchObject(
      { code: 'identity_session_unknown' },
    );
    expect(verifier.confirm).not.toHaveBeenCalled();
  });

  it("answers a provider's refusal with 422 naming its code, changing nothing", async () => {
    verifier.start.mockResolvedValue(SESSION);
    verifier.confirm.mockRejectedValue(new IdentityVerificationFailed('nice', '0001', 'cancelled'));
    await sut.start(KIM, { provider: 'nice', returnUrl: 'https://app.invalid/back' }, T0);

    await expect(
      sut.confirm(KIM, { provider: 'nice', transactionId: 'tv-1', fields: {} }, T1),
    ).rejects.toMatchObject({
      code: 'identity_verification_failed',
      extensions: { providerCode: '0001' },
    });
    expect((await repository.getById('w-kim'))?.identity).toBeUndefined();
  });

  describe('with the callback route', () => {
    const CALLBACK = 'https://api.example/identity-verifications/callback';
    const withCallback = () =>
      new IdentityVerificationService(repository, verifier, {
        identity: { callbackUrl: CALLBACK } as never,
      });

    const startWithCallback = async (service: IdentityVerificationService) => {
      verifier.start.mockResolvedValue(SESSION);
      await service.start(KIM, { returnUrl: 'https://app.invalid/back' }, T0);
      const returnUrl = verifier.start.mock.calls[0]![0].returnUrl;
      expect(returnUrl.startsWith(`${CALLBACK}/`)).toBe(true);
      return returnUrl.slice(CALLBACK.length + 1);
    };

    it('gives the provider our callback with a state, and keeps only its hash', async () => {
      const state = await startWithCallback(withCallback());
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const raw = await db.collection<{ _id: string }>('workers').findOne({ _id: 'w-kim' });
      expect(JSON.stringify(raw)).not.toContain(state);
      expect(raw).toMatchObject({
        identitySession: {
          appReturnUrl: 'https://app.invalid/back',
          stateHash: expect.any(String),
        },
      });
    });

    it('refuses a returnUrl outside the allowed origins with 400, starting nothing', async () => {
      const service = new IdentityVerificationService(repository, verifier, {
        identity: { callbackUrl: CALLBACK, returnOrigins: ['https://app.invalid'] } as never,
      });
      await expect(
        service.start(KIM, { returnUrl: 'https://evil.example/steal' }, T0),
      ).rejects.toMatchObject({ kind: 'invalid', code: 'return_url_not_allowed' });
      expect(verifier.start).not.toHaveBeenCalled();
      verifier.start.mockResolvedValue(SESSION);
      await expect(
        service.start(KIM, { returnUrl: 'https://app.invalid/back' }, T0),
      ).resolves.toMatchObject({ provider: 'nice' });
    });

    it('confirms once and sends the browser to the app with only the result', async () => {
      const service = withCallback();
      const state = await startWithCallback(service);
      verifier.confirm.mockResolvedValue(VERIFIED);
      await expect(service.callback(state, { a: 'b' }, T1)).resolves.toEqual({
        location: 'https://app.invalid/back?result=verified',
      });
      expect(verifier.confirm).toHaveBeenCalledWith(
        expect.objectContaining({ provider: 'nice', transactionId: 'tv-1', fields: { a: 'b' } }),
      );
      await expect(service.callback(state, { a: 'b' }, T1)).rejects.toMatchObject({
        code: 'identity_session_unknown',
      });
      expect(verifier.confirm).toHaveBeenCalledTimes(1);
    });

    it('sends an expired session back as identity_session_expired without asking the provider', async () => {
      const service = withCallback();
      const state = await startWithCallback(service);
      await expect(service.callback(state, {}, new Date('2026-03-01T01:00:00Z'))).resolves.toEqual({
        location: 'https://app.invalid/back?result=identity_session_expired',
      });
      expect(verifier.confirm).not.toHaveBeenCalled();
      expect((await repository.getById('w-kim'))?.identitySession).toBeUndefined();
    });
  });

  it('answers 503 verifier_unavailable while no verifier is configured', async () => {
    const without = new IdentityVerificationService(repository);
    await expect(
      without.start(KIM, { provider: 'danal', returnUrl: 'https://app.invalid/back' }, T0),
    ).rejects.toMatchObject({ code: 'verifier_unavailable', kind: 'unavailable' });
  });
});
