import { pino } from 'pino';
import { AuditLog } from '../../platform/audit/audit-log.js';
import { resetMetrics } from '../../platform/metrics/metrics.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { migration } from '../../migrations/1795600100000-CreateWorkers.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { openPrivacy, type Privacy } from '../../privacy/privacy.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import type { BankAccountCheck, BankAccountVerifier } from './ports/bank-account-verifier.port.js';
import { StaffWorkersService } from './staff-workers.service.js';
import { WorkersRepository } from './workers.repository.js';
import { ProviderUnavailableError } from '../../platform/providers/provider-errors.js';
import { WorkersService } from './workers.service.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const T0 = new Date('2026-03-01T00:00:00Z');
const T1 = new Date('2026-03-02T00:00:00Z');
const principal = (sub: string): Principal => ({
  sub,
  username: sub,
  groups: ['worker'],
  tokenId: 't',
  expiresAt: 2_000_000_000,
});
const KIM = principal('w-kim');
const LEE = principal('w-lee');
const OPERATOR: StaffActor = { id: 'op-1', role: 'operator', ip: '127.0.0.1', requestId: 'r1' };
const PROFILE = { legalName: '김민수', birthDate: '2001-05-09', phone: '010-1234-5678' };
const ACCOUNT = { bankCode: '004', number: '123-456-789012', holderName: '김 민수' };

/** Medium: the services on the real repository, privacy layer and embedded engine. */
describe(WorkersService.name, () => {
  let dir: string;
  let db: Database;
  let privacy: Privacy;
  let repository: WorkersRepository;
  let verifier: { check: ReturnType<typeof vi.fn<BankAccountVerifier['check']>> } | undefined;
  let sut: WorkersService;
  let staff: StaffWorkersService;

  const build = () => {
    const port = verifier && ({ method: 'popbill', check: verifier.check } as BankAccountVerifier);
    sut = new WorkersService(repository, port);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-workers-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    await migration.up(db);
    privacy = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    repository = new WorkersRepository(db, privacy.personalData);
    staff = new StaffWorkersService(
      repository,
      new StaffAccess(privacy.accessRecords),
      new AuditLog(db, pino({ level: 'silent' }), 730),
    );
    verifier = undefined;
    build();
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const raw = async (id: string) =>
    JSON.stringify(await db.collection<{ _id: string }>('workers').findOne({ _id: id }));

  it('stores the profile encrypted and shows it to the worker masked', async () => {
    const profile = await sut.putProfile(KIM, PROFILE, T0);

    expect(profile).toMatchObject({
      id: 'w-kim',
      status: 'active',
      legalName: '김*수',
      birthDate: '2001-**-**',
      phone: '010-****-5678',
      identity: { verified: false },
      bankAccount: null,
    });
    const stored = await raw('w-kim');
    for (const plain of ['김민수', '2001-05-09', '12345678', '1234-5678']) {
      expect(stored).not.toContain(plain);
    }
  });

  it('refuses an impossible or future birth date and writes nothing', async () => {
    await expect(
      sut.putProfile(KIM, { ...PROFILE, birthDate: '2001-02-29' }, T0),
    ).rejects.toMatchObject({
      code: 'invalid_birth_date',
    });
    await expect(
      sut.putProfile(KIM, { ...PROFILE, birthDate: '2026-03-02' }, T0),
    ).rejects.toMatchObject({
      code: 'invalid_birth_date',
    });
    expect(await db.collection('workers').countDocuments({})).toBe(0);
  });

  it('refuses a member who is not a worker', async () => {
    const business = { ...KIM, groups: ['business' as const] };
    await expect(sut.putProfile(business, PROFILE, T0)).rejects.toMatchObject({
      code: 'workers_only',
    });
  });

  it('hands the engine facts for many workers in one call, decrypting only birth dates', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);
    await sut.putProfile(LEE, { ...PROFILE, legalName: '이지원', birthDate: '2009-01-02' }, T0);
    const decrypt = vi.spyOn(privacy.cipher, 'decryptLoading');

    const facts = await sut.eligibilityFacts(['w-kim', 'w-lee', 'nobody', 'w-kim']);

    expect([...facts.keys()].sort()).toEqual(['w-kim', 'w-lee']);
    expect(facts.get('w-kim')).toEqual({
      id: 'w-kim',
      status: 'active',
      birthDate: '2001-05-09',
      identityVerified: false,
      bankAccount: { verified: false, holderMatchesLegalName: true },
      qualifications: [],
      noShows: [],
    });
    expect(facts.get('w-lee')).toMatchObject({ birthDate: '2009-01-02', bankAccount: undefined });
    expect(decrypt.mock.calls.map(([, binding]) => binding.field)).toEqual([
      'birthDate',
      'birthDate',
    ]);
  });

  it('counts only verified qualifications, with their expiry', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.addQualification(KIM, { code: 'forklift' }, T0);
    await sut.addQualification(KIM, { code: 'health-certificate' }, T0);
    const expiresAt = new Date('2027-01-31T15:00:00Z');

    await staff.decideQualification(
      OPERATOR,
      'w-kim',
      'health-certificate',
      {
        action: 'verify',
        evidence: 'Health certificate scan, ticket 881',
        expiresAt,
      },
      T1,
    );

    const facts = (await sut.eligibilityFacts(['w-kim'])).get('w-kim');
    expect(facts?.qualifications).toEqual([{ code: 'health-certificate', expiresAt }]);
  });

  it('records a no-show once per assignment', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    const noShow = { assignmentId: 'a1', shiftId: 's1', at: new Date('2026-03-05T00:00:00Z') };

    await sut.recordNoShow('w-kim', noShow, T1);
    await sut.recordNoShow('w-kim', noShow, T1);

    expect((await sut.eligibilityFacts(['w-kim'])).get('w-kim')?.noShows).toEqual([noShow.at]);
    await expect(sut.recordNoShow('nobody', noShow, T1)).rejects.toMatchObject({
      code: 'worker_not_found',
    });
  });

  it('refuses a CI another worker holds, and frees it when that verification is revoked', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putProfile(LEE, { ...PROFILE, legalName: '이지원' }, T0);
    const verify = {
      action: 'verify' as const,
      evidence: 'ID card seen at office',
      ci: 'CI-KIM==',
    };
    await staff.decideIdentity(OPERATOR, 'w-kim', verify, T1);

    await expect(staff.decideIdentity(OPERATOR, 'w-lee', verify, T1)).rejects.toMatchObject({
      code: 'identity_already_used',
    });
    expect((await sut.eligibilityFacts(['w-lee'])).get('w-lee')?.identityVerified).toBe(false);

    await staff.decideIdentity(
      OPERATOR,
      'w-kim',
      { action: 'revoke', evidence: 'Wrong person' },
      T1,
    );
    await staff.decideIdentity(OPERATOR, 'w-lee', verify, T1);
    expect((await sut.eligibilityFacts(['w-lee'])).get('w-lee')?.identityVerified).toBe(true);
  });

  it('keeps each decision that was made as an audit event (who, what, on whom) and counts it as a metric; a refused one neither', async () => {
    const counted = resetMetrics();
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putProfile(LEE, { ...PROFILE, legalName: '이지원' }, T0);
    const verify = { action: 'verify' as const, evidence: 'ID card seen', ci: 'CI-KIM==' };
    await staff.decideIdentity(OPERATOR, 'w-kim', verify, T1);
    await expect(staff.decideIdentity(OPERATOR, 'w-lee', verify, T1)).rejects.toThrow();
    await staff.decideIdentity(OPERATOR, 'w-kim', { action: 'revoke', evidence: 'Wrong' }, T1);

    const events = await new AuditLog(db, pino({ level: 'silent' }), 730).list();
    const actor = { type: 'staff', id: OPERATOR.id, role: OPERATOR.role };
    expect(
      events.map(({ action, actor, subject, outcome, details }) => ({
        action,
        actor,
        subject,
        outcome,
        details,
      })),
    ).toEqual([
      {
        action: 'worker.identity.revoke',
        actor,
        subject: { type: 'worker', id: 'w-kim' },
        outcome: 'revoke',
        details: { evidenceLength: 5 },
      },
      {
        action: 'worker.identity.verify',
        actor,
        subject: { type: 'worker', id: 'w-kim' },
        outcome: 'verify',
        details: { evidenceLength: 12 },
      },
    ]);
    const verifications = counted.flush().filter((doc) => 'Verifications' in doc);
    expect(
      verifications.map(({ Subject, Action, By, Verifications }) => ({
        Subject,
        Action,
        By,
        Verifications,
      })),
    ).toEqual([
      { Subject: 'identity', Action: 'verify', By: 'staff', Verifications: 1 },
      { Subject: 'identity', Action: 'revoke', By: 'staff', Verifications: 1 },
    ]);
  });

  it('keeps the unique CI index the last word when two verifications race', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putProfile(LEE, { ...PROFILE, legalName: '이지원' }, T0);
    const kim = await repository.getById('w-kim');
    const lee = await repository.getById('w-lee');
    const identity = { provider: 'manual' as const, verifiedAt: T1 };

    await repository.update('w-kim', kim?.version ?? 0, { ci: 'CI-SAME', identity }, T1);
    await expect(
      repository.update('w-lee', lee?.version ?? 0, { ci: 'CI-SAME', identity }, T1),
    ).rejects.toMatchObject({ code: 'identity_already_used' });
    expect((await repository.getById('w-lee'))?.identity).toBeUndefined();
  });

  it('ends identity verification and the holder match when the verified legal name changes', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);
    await staff.decideIdentity(
      OPERATOR,
      'w-kim',
      { action: 'verify', evidence: 'ID card seen' },
      T0,
    );
    await staff.decideBankAccount(
      OPERATOR,
      'w-kim',
      { action: 'verify', evidence: 'Bank statement', holderMatchesLegalName: true },
      T0,
    );

    await sut.putProfile(KIM, { ...PROFILE, legalName: '김 민 수' }, T1); // spacing only
    expect((await sut.eligibilityFacts(['w-kim'])).get('w-kim')).toMatchObject({
      identityVerified: true,
      bankAccount: { verified: true, holderMatchesLegalName: true },
    });

    await sut.putProfile(KIM, { ...PROFILE, legalName: '박민수' }, T1);
    expect((await sut.eligibilityFacts(['w-kim'])).get('w-kim')).toMatchObject({
      identityVerified: false,
      bankAccount: { verified: true, holderMatchesLegalName: false },
    });
    const history = (await repository.getById('w-kim'))?.history ?? [];
    expect(history.at(-1)).toMatchObject({ subject: 'identity', action: 'revoke', by: 'self' });
  });

  it('answers 503 verifier_unavailable for a bank check without a verifier', async () => {
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);

    await expect(sut.verifyBankAccount(KIM, T1)).rejects.toMatchObject({
      kind: 'unavailable',
      code: 'verifier_unavailable',
    });
  });

  it("verifies the account with the bank's holder name and compares it to the legal name", async () => {
    const answer: BankAccountCheck = {
      found: true,
      holderName: '김민수',
      result: '0000',
      resultMessage: 'OK',
      checkedAt: T1,
    };
    // Registered while no verifier was configured: unverified until the verify route asks.
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, { ...ACCOUNT, holderName: '김민' }, T0);
    verifier = { check: vi.fn<BankAccountVerifier['check']>().mockResolvedValue(answer) };
    build();
    expect((await sut.eligibilityFacts(['w-kim'])).get('w-kim')?.bankAccount).toEqual({
      verified: false,
      holderMatchesLegalName: false,
    });

    const profile = await sut.verifyBankAccount(KIM, T1);

    expect(verifier.check).toHaveBeenCalledWith({ bankCode: '004', accountNumber: '123456789012' });
    expect(profile.bankAccount).toMatchObject({
      verified: true,
      method: 'popbill',
      holderName: '김*수',
      holderMatchesLegalName: true,
      lastCheck: { result: '0000' },
    });
  });

  it('leaves the account unverified when the bank finds no such account', async () => {
    verifier = {
      check: vi.fn<BankAccountVerifier['check']>().mockResolvedValue({
        found: false,
        holderName: undefined,
        result: '9999',
        resultMessage: 'no account',
        checkedAt: T1,
      }),
    };
    build();
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);

    const profile = await sut.verifyBankAccount(KIM, T1);

    expect(profile.bankAccount).toMatchObject({
      verified: false,
      holderMatchesLegalName: false,
      lastCheck: { result: '9999', resultMessage: 'no account' },
    });
  });
  it('asks the bank once per account per BANK_CHECK_TTL_DAYS: within it the last answer stands', async () => {
    verifier = {
      check: vi.fn<BankAccountVerifier['check']>().mockResolvedValue({
        found: false,
        holderName: undefined,
        result: '0001',
        resultMessage: 'no account',
        checkedAt: T1,
      }),
    };
    build();
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);
    await sut.verifyBankAccount(KIM, T1);
    const again = await sut.verifyBankAccount(KIM, new Date(T1.getTime() + 29 * 86_400_000));
    expect(verifier.check).toHaveBeenCalledTimes(1);
    expect(again.bankAccount).toMatchObject({ verified: false, lastCheck: { result: '0001' } });
    expect(JSON.stringify(again)).not.toContain('123456789012');

    await sut.verifyBankAccount(KIM, new Date(T1.getTime() + 30 * 86_400_000));
    expect(verifier.check).toHaveBeenCalledTimes(2);
  });

  it('asks at once about a newly registered account, whatever the last check of the old one', async () => {
    verifier = {
      check: vi.fn<BankAccountVerifier['check']>().mockResolvedValue({
        found: true,
        holderName: '김민수',
        result: '0000',
        resultMessage: 'OK',
        checkedAt: T1,
      }),
    };
    build();
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);
    await sut.verifyBankAccount(KIM, T1);
    await sut.putBankAccount(KIM, { ...ACCOUNT, number: '999-000-111' }, T1);
    const profile = await sut.verifyBankAccount(KIM, T1);
    expect(verifier.check).toHaveBeenCalledTimes(2);
    expect(verifier.check).toHaveBeenLastCalledWith({
      bankCode: '004',
      accountNumber: '999000111',
    });
    expect(profile.bankAccount).toMatchObject({ verified: true });
  });

  it('asks the bank when an account is registered or changed: the answer is on the registration', async () => {
    verifier = {
      check: vi.fn<BankAccountVerifier['check']>().mockResolvedValue({
        found: true,
        holderName: '김민수',
        result: '0000',
        resultMessage: 'OK',
        checkedAt: T1,
      }),
    };
    build();
    await sut.putProfile(KIM, PROFILE, T0);

    const profile = await sut.putBankAccount(KIM, ACCOUNT, T0);

    expect(verifier.check).toHaveBeenCalledWith({ bankCode: '004', accountNumber: '123456789012' });
    expect(profile.bankAccount).toMatchObject({
      verified: true,
      method: 'popbill',
      holderMatchesLegalName: true,
    });
  });

  it('registers the account unverified, with no check recorded, when the bank cannot be asked at registration', async () => {
    verifier = {
      check: vi
        .fn<BankAccountVerifier['check']>()
        .mockRejectedValueOnce(new ProviderUnavailableError('popbill'))
        .mockResolvedValue({
          found: true,
          holderName: '김민수',
          result: '0000',
          resultMessage: 'OK',
          checkedAt: T1,
        }),
    };
    build();
    await sut.putProfile(KIM, PROFILE, T0);

    const registered = await sut.putBankAccount(KIM, ACCOUNT, T0);

    expect(registered.bankAccount).toMatchObject({ verified: false, lastCheck: null });
    expect((await sut.verifyBankAccount(KIM, T1)).bankAccount).toMatchObject({ verified: true });
  });

  it('leaves the account unverified, with no check recorded, when the bank could not be asked', async () => {
    verifier = {
      check: vi
        .fn<BankAccountVerifier['check']>()
        .mockRejectedValueOnce(new ProviderUnavailableError('popbill'))
        .mockResolvedValue({
          found: true,
          holderName: '김민수',
          result: '0000',
          resultMessage: 'OK',
          checkedAt: T1,
        }),
    };
    await sut.putProfile(KIM, PROFILE, T0);
    await sut.putBankAccount(KIM, ACCOUNT, T0);
    build();

    await expect(sut.verifyBankAccount(KIM, T1)).rejects.toMatchObject({
      code: 'provider_unavailable',
      retryAfterSeconds: 5,
    });
    expect((await sut.getMe(KIM)).bankAccount).toMatchObject({ verified: false, lastCheck: null });

    // The retry is not held back by the TTL: nothing was checked.
    expect((await sut.verifyBankAccount(KIM, T1)).bankAccount).toMatchObject({ verified: true });
  });
});
