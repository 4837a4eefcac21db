import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import { loadConfig } from '../../config/config.js';
import { openPrivacy } from '../../privacy/privacy.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SUB = '0b6c4f7e-2f0a-4c1e-9d55-7b1f0d9e3a21';
const principal: Principal = {
  sub: SUB,
  username: SUB,
  groups: ['worker'],
  tokenId: 't',
  expiresAt: 2_000_000_000,
};
const newMember = {
  id: SUB,
  username: SUB,
  role: 'worker' as const,
  email: 'kim.worker@example.com',
  phone: '+821012345678',
};

/** Medium: the service on the real repository and the embedded engine. */
describe(MembersService.name, () => {
  let dir: string;
  let db: Database;
  let repository: MembersRepository;
  let sut: MembersService;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-members-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    const { personalData } = await openPrivacy(loadConfig({ DATA_DIR: dir }), db);
    repository = new MembersRepository(db, personalData);
    sut = new MembersService(repository);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the profile once: a second ensure (next login) changes nothing', async () => {
    await sut.ensureProfile(newMember, new Date('2026-03-01T00:00:00Z'));
    await sut.ensureProfile({ ...newMember, role: 'business' }, new Date('2026-03-02T00:00:00Z'));

    expect(await db.collection('members').countDocuments({})).toBe(1);
    expect(await repository.getById(SUB)).toMatchObject({
      role: 'worker',
      status: 'active',
      createdAt: new Date('2026-03-01T00:00:00Z'),
      updatedAt: new Date('2026-03-01T00:00:00Z'),
    });
  });

  it('shows the caller their profile with email and phone masked', async () => {
    await sut.ensureProfile(newMember, new Date('2026-03-01T00:00:00Z'));

    expect(await sut.getMe(principal)).toEqual({
      id: SUB,
      role: 'worker',
      status: 'active',
      email: 'ki***@example.com',
      phone: '010-****-5678',
      createdAt: '2026-03-01T00:00:00.000Z',
    });
  });

  it('marks a withdrawn profile with the time, keeps the first time, and no longer shows it', async () => {
    await sut.ensureProfile(newMember, new Date('2026-03-01T00:00:00Z'));

    await sut.withdraw(SUB, new Date('2026-03-05T00:00:00Z'));
    await sut.withdraw(SUB, new Date('2026-03-06T00:00:00Z'));

    expect(await repository.getById(SUB)).toMatchObject({
      status: 'withdrawn',
      withdrawnAt: new Date('2026-03-05T00:00:00Z'),
    });
    await expect(sut.getMe(principal)).rejects.toMatchObject({ code: 'member_not_found' });
  });

  it('stores email and phone only encrypted, findable by any format of the same value', async () => {
    await sut.ensureProfile(newMember, new Date('2026-03-01T00:00:00Z'));

    const stored = JSON.stringify(
      await db.collection<{ _id: string }>('members').findOne({ _id: SUB }),
    );
    expect(stored).not.toContain('kim.worker');
    expect(stored).not.toContain('12345678');
    const page = { limit: 10 };
    expect(await repository.find({ phone: '010-1234-5678' }, page)).toHaveLength(1);
    expect(await repository.find({ email: 'KIM.WORKER@example.com' }, page)).toHaveLength(1);
    expect(await repository.find({ phone: '010-9999-5678' }, page)).toHaveLength(0);
  });

  it('hands back the plaintext email on withdrawal, for the records that must forget it', async () => {
    await sut.ensureProfile(newMember, new Date('2026-03-01T00:00:00Z'));

    expect(await sut.withdraw(SUB)).toEqual({ email: 'kim.worker@example.com' });
  });
});
