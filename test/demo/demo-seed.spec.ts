import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  ListUsersCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS, loadConfig, type AppConfig } from '../../src/config/config.js';
import { startCognitoLocal, type CognitoLocalHandle } from '../../src/local/cognito.js';
import { freePort } from '../../src/local/ports.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { AssignmentsService } from '../../src/modules/assignments/assignments.service.js';
import { AwsCognitoAuth } from '../../src/modules/auth/aws-cognito-auth.js';
import { meetsPasswordPolicy } from '../../src/platform/auth/password-policy.js';
import { BusinessesService } from '../../src/modules/businesses/businesses.service.js';
import {
  DEMO_OPERATOR,
  DEMO_OWNER,
  DEMO_SHIFTS,
  DEMO_WORKERS,
} from '../../src/modules/demo/demo-data.js';
import { demoSeedCommand } from '../../src/modules/demo/demo-seed.command.js';
import { DemoSeedContextModule } from '../../src/modules/demo/demo.module.js';
import { kstAge } from '../../src/platform/time/kst.js';
import { EligibilityService } from '../../src/modules/eligibility/eligibility.service.js';
import { MembersService } from '../../src/modules/members/members.service.js';
import { ShiftsService } from '../../src/modules/shifts/shifts.service.js';
import { WorkersService } from '../../src/modules/workers/workers.service.js';
import type { Principal, Role } from '../../src/platform/auth/principal.js';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import type { Database } from '../../src/platform/storage/database.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import { AWS_LIKE_ENV } from '../support/test-api.js';

const quiet = pino({ level: 'silent' });

/** The collections the seed writes, and the access records its operator decisions leave. */
const COLLECTIONS = [
  'members',
  'workers',
  'businesses',
  'shifts',
  'assignments',
  'worker_schedules',
  'privacy_access_records',
];

const DEMO_EMAILS = [DEMO_OPERATOR, DEMO_OWNER, ...DEMO_WORKERS].map((a) => a.email);

/** The password printed beside an email in the accounts table (undefined when none is). */
function passwordIn(out: string, email: string): string | undefined {
  const line = out.split('\n').find((l) => l.includes(` ${email} `));
  const cell = line?.split(/\s{2,}/)[3];
  return cell && !cell.startsWith('(exists') ? cell.replace(/ \(temporary\)$/, '') : undefined;
}

/** A cognito-local and an embedded database of its own, in a temporary directory. */
interface Sandbox {
  dir: string;
  config: AppConfig;
  db: Database;
  client: CognitoIdentityProviderClient;
  close(): Promise<void>;
}

async function openSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-demo-'));
  const port = await freePort();
  const cognitoLocal: CognitoLocalHandle = await startCognitoLocal({
    dir: path.join(dir, 'cognito'),
    port,
    seed: {
      userPoolId: LOCAL_DEFAULTS.userPoolId,
      clientId: LOCAL_DEFAULTS.clientId,
      region: 'us-east-1',
    },
    log: () => undefined,
  });
  const config = loadConfig({
    APP_MODE: 'local',
    DATA_DIR: dir,
    LOCAL_COGNITO_PORT: String(port),
  });
  const db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
  await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
  const client = createCognitoClient(config);
  return {
    dir,
    config,
    db,
    client,
    async close() {
      client.destroy();
      await db.close();
      await cognitoLocal.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `cli demo seed` as the CLI runs it, its output captured. */
async function runSeed(sandbox: Sandbox, config = sandbox.config, argv: string[] = []) {
  let out = '';
  let err = '';
  const code = await demoSeedCommand({
    argv,
    config,
    logger: quiet,
    db: sandbox.db,
    out: { write: (text: string) => (out += text) },
    err: { write: (text: string) => (err += text) },
  });
  return { code, out, err };
}

describe('cli demo seed', () => {
  let sandbox: Sandbox;
  let db: Database;
  let config: AppConfig;
  let client: CognitoIdentityProviderClient;
  let first: { code: number; out: string; err: string };
  let second: { code: number; out: string; err: string };
  let countsAfterFirst: Record<string, number>;
  let usersAfterFirst: number;
  /** The services, wired as the API wires them, on the same database: to read what exists. */
  let services: INestApplicationContext;

  const run = (runConfig: AppConfig = config, argv: string[] = []) =>
    runSeed(sandbox, runConfig, argv);

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        COLLECTIONS.map(async (name) => [name, await db.collection(name).countDocuments({})]),
      ),
    ) as Record<string, number>;

  const demoUsers = async () =>
    (
      (await client.send(new ListUsersCommand({ UserPoolId: config.aws.cognito.userPoolId })))
        .Users ?? []
    ).filter((u) =>
      u.Attributes?.some((a) => a.Name === 'email' && DEMO_EMAILS.includes(a.Value ?? '')),
    );

  async function user(email: string) {
    const found = await client.send(
      new AdminGetUserCommand({ UserPoolId: config.aws.cognito.userPoolId, Username: email }),
    );
    const { Groups } = await client.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username: found.Username,
      }),
    );
    return {
      id: found.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? '',
      username: found.Username ?? '',
      status: found.UserStatus,
      groups: Groups?.map((g) => g.GroupName),
    };
  }

  async function principalOf(email: string, role: Role): Promise<Principal> {
    const { id, username } = await user(email);
    return { sub: id, username, groups: [role], tokenId: 't', expiresAt: 2_000_000_000 };
  }

  async function demoShifts() {
    const owner = await principalOf(DEMO_OWNER.email, 'business');
    const [business] = (await services.get(BusinessesService).mine(owner)).items;
    return (
      await services.get(ShiftsService).listForBusiness(owner, business?.id ?? '', { limit: 100 })
    ).items;
  }

  beforeAll(async () => {
    sandbox = await openSandbox();
    ({ db, config, client } = sandbox);
    services = await NestFactory.createApplicationContext(
      DemoSeedContextModule.forRoot({
        config,
        logger: quiet,
        db,
        cognito: new AwsCognitoAuth(client, config.aws.cognito, quiet),
      }),
      { logger: false },
    );

    first = await run();
    countsAfterFirst = await counts();
    usersAfterFirst = (await demoUsers()).length;
    second = await run();
  });

  afterAll(async () => {
    await services?.close();
    await sandbox?.close();
  });

  describe('the first run', () => {
    it('exits 0 and prints each account once with its role and a generated password meeting the pool policy', () => {
      expect(first.err).toBe('');
      expect(first.code).toBe(0);
      expect(first.out).toMatch(
        /^demo data created: 6 accounts, 1 business, 4 worker profiles, 12 verifications, 7 shifts, 5 assignments\n/,
      );
      for (const email of DEMO_EMAILS) {
        const password = passwordIn(first.out, email);
        expect(password, email).toBeDefined();
        expect(meetsPasswordPolicy(password ?? ''), email).toBe(true);
        expect(first.out.split(password ?? '').length - 1, email).toBe(1);
      }
      expect(first.out).toMatch(/ operator +operator@demo\.workmatch\.kr +\S+ \(temporary\)/);
      expect(first.out).toMatch(/ business +owner@demo\.workmatch\.kr /);
      expect(first.out).toMatch(/ worker +yuna@demo\.workmatch\.kr +\S+ +최유나, 17 \(minor\)/);
    });

    it('creates the Cognito users in their role groups: members confirmed, the operator with a temporary password', async () => {
      expect(await user(DEMO_OWNER.email)).toMatchObject({
        status: 'CONFIRMED',
        groups: ['business'],
      });
      expect(await user(DEMO_OPERATOR.email)).toMatchObject({
        status: 'FORCE_CHANGE_PASSWORD',
        groups: ['operator'],
      });
      for (const worker of DEMO_WORKERS) {
        expect(await user(worker.email)).toMatchObject({
          status: 'CONFIRMED',
          groups: ['worker'],
        });
      }
    });

    it('gives members tokens for the printed password at once, and the operator the new-password challenge, as POST /auth/login would', async () => {
      const auth = new AwsCognitoAuth(client, config.aws.cognito, quiet);

      const owner = await auth.login(DEMO_OWNER.email, passwordIn(first.out, DEMO_OWNER.email)!);
      const worker = await auth.login(
        DEMO_WORKERS[0]!.email,
        passwordIn(first.out, DEMO_WORKERS[0]!.email)!,
      );
      const operator = await auth.login(
        DEMO_OPERATOR.email,
        passwordIn(first.out, DEMO_OPERATOR.email)!,
      );

      expect(owner).toMatchObject({ kind: 'signed_in', identity: { groups: ['business'] } });
      expect(worker).toMatchObject({ kind: 'signed_in', identity: { groups: ['worker'] } });
      expect(operator).toEqual({ kind: 'new_password_required', session: expect.any(String) });
      expect(first.out).toContain('/auth/complete-new-password');
    });

    it('makes the member records of every account', async () => {
      for (const [email, role] of [
        [DEMO_OWNER.email, 'business'],
        [DEMO_OPERATOR.email, 'operator'],
        ...DEMO_WORKERS.map((w) => [w.email, 'worker']),
      ] as [string, Role][]) {
        await expect(
          services.get(MembersService).getMe(await principalOf(email, role)),
        ).resolves.toMatchObject({ role });
      }
    });

    it("registers the owner's business, verified by the operator on evidence, active at the NTS, ready for eligible shifts", async () => {
      const owner = await principalOf(DEMO_OWNER.email, 'business');
      const operator = await user(DEMO_OPERATOR.email);

      const { items } = await services.get(BusinessesService).mine(owner);

      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        verification: { verified: true, method: 'manual' },
        ntsStatus: { status: 'active', source: 'manual' },
        readiness: { canPostEligibleShifts: true, missing: [] },
        staff: [{ memberId: owner.sub, role: 'owner' }],
      });
      const records = await db
        .collection<{ actor: { id: string } }>('privacy_access_records')
        .find({})
        .toArray();
      expect(records.length).toBeGreaterThan(0);
      expect(records.every((r) => r.actor.id === operator.id)).toBe(true);
    });

    it('gives each worker a verified identity and payout account, and the minor a birth date making them 16 or 17', async () => {
      for (const worker of DEMO_WORKERS) {
        const profile = await services
          .get(WorkersService)
          .getMe(await principalOf(worker.email, 'worker'));
        expect(profile, worker.key).toMatchObject({
          status: 'active',
          identity: { verified: true, provider: 'manual' },
          bankAccount: { verified: true, holderMatchesLegalName: true },
        });
      }
      const minor = await user(DEMO_WORKERS.find((w) => w.birthDate === 'minor')!.email);
      const facts = await services.get(WorkersService).eligibilityFacts([minor.id]);
      const age = kstAge(facts.get(minor.id)?.birthDate ?? '', new Date());
      expect(age).toBeGreaterThanOrEqual(16);
      expect(age).toBeLessThan(18);
    });

    it('posts the week of shifts: every one in the next 7 KST days, not started', async () => {
      const shifts = await demoShifts();

      expect(shifts.map((s) => s.title).sort()).toEqual(DEMO_SHIFTS.map((s) => s.title).sort());
      const now = Date.now();
      for (const shift of shifts) {
        const start = Date.parse(shift.startsAt);
        expect(start).toBeGreaterThan(now);
        expect(start).toBeLessThan(now + 8 * 86_400_000);
        expect(shift.startsAt).toMatch(/\+09:00$/);
      }
    });

    it('makes every worker eligible for at least one shift, and refuses the minor the night shift (minor_night_work) an adult may take', async () => {
      const eligibility = services.get(EligibilityService);
      const shifts = await demoShifts();
      for (const worker of DEMO_WORKERS) {
        const { id } = await user(worker.email);
        const verdicts = await Promise.all(
          shifts.map(async (s) => (await eligibility.evaluate(s.id, id)).verdict),
        );
        expect(
          verdicts.some((v) => v.eligible),
          worker.key,
        ).toBe(true);
      }
      const night = shifts.find((s) => s.title === '편의점 야간 근무')!;
      const minor = await user(DEMO_WORKERS.find((w) => w.birthDate === 'minor')!.email);
      const adult = await user(DEMO_WORKERS.find((w) => w.key === 'jihoon')!.email);

      const refused = (await eligibility.evaluate(night.id, minor.id)).verdict;
      const taken = (await eligibility.evaluate(night.id, adult.id)).verdict;

      expect(refused.eligible).toBe(false);
      expect(refused.failures.map((f) => f.code)).toEqual(['minor_night_work']);
      expect(taken.eligible).toBe(true);
    });

    it('leaves assignments applied, proposed and confirmed, the confirmed ones holding their slots', async () => {
      const owner = await principalOf(DEMO_OWNER.email, 'business');
      const shifts = await demoShifts();
      const assignments = services.get(AssignmentsService);
      const all = (
        await Promise.all(shifts.map((s) => assignments.listForShift(owner, s.id, { limit: 100 })))
      ).flat();

      const states = all.map((a) => a.state).sort();
      expect(states).toEqual(['applied', 'applied', 'confirmed', 'confirmed', 'proposed']);
      const wedding = shifts.find((s) => s.title === '웨딩홀 연회 서빙')!;
      expect(wedding.filled).toBe(2);
      expect(first.out).toMatch(/confirmed +[0-9a-f]{24} +최유나, 17 \(minor\) · 웨딩홀 연회 서빙/);
    });
  });

  describe('a second run', () => {
    it('exits 0, says the demo data exists and prints no password, with how to reset one', () => {
      expect(second.err).toBe('');
      expect(second.code).toBe(0);
      expect(second.out).toMatch(/^the demo data exists: nothing was created\n/);
      for (const email of DEMO_EMAILS) {
        expect(passwordIn(second.out, email), email).toBeUndefined();
        expect(second.out).not.toContain(passwordIn(first.out, email));
      }
      expect(second.out).toContain('/auth/forgot-password');
      expect(second.out).toContain('code <digits> for user');
    });

    it('creates nothing: one of every user, record, shift and assignment, and no new access record', async () => {
      expect((await demoUsers()).length).toBe(usersAfterFirst);
      expect(usersAfterFirst).toBe(DEMO_EMAILS.length);
      expect(await counts()).toEqual(countsAfterFirst);
      expect(countsAfterFirst).toMatchObject({
        members: 6,
        workers: 4,
        businesses: 1,
        shifts: DEMO_SHIFTS.length,
        assignments: 5,
      });
    });
  });

  it('refuses to run in aws mode with exit 2, creating nothing', async () => {
    const before = await counts();

    const refused = await run(
      loadConfig({
        ...AWS_LIKE_ENV,
        DATA_DIR: sandbox.dir,
        EMBEDDED_DB_DIR: path.join(sandbox.dir, 'db'),
        FIELD_KEYS_DIR: path.join(sandbox.dir, 'keys'),
      }),
    );

    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^demo seed runs in local mode only \(APP_MODE=aws\)/);
    expect(refused.out).toBe('');
    expect(await counts()).toEqual(before);
  });

  it('says the stack is not running when Cognito does not answer, exit 1', async () => {
    const down = loadConfig({
      APP_MODE: 'local',
      DATA_DIR: sandbox.dir,
      LOCAL_COGNITO_PORT: String(await freePort()),
    });

    const result = await run(down);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^Cognito does not answer at http:\/\/127\.0\.0\.1:\d+: is the local stack running \(npm start\)\?/,
    );
  });

  it('asks for db migrate first when the schema is behind, exit 1, creating nothing', async () => {
    const fresh = await EmbeddedDatabase.open(path.join(sandbox.dir, 'fresh-db'), {
      logger: quiet,
      dbName: 'test',
    });
    try {
      const behind = await runSeed({ ...sandbox, db: fresh });

      expect(behind.code).toBe(1);
      expect(behind.err).toBe(
        'schema migrations are pending: run `npm run cli -- db migrate` first\n',
      );
      expect(await fresh.collection('members').countDocuments({})).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('answers --help with its usage and runs nothing', async () => {
    const before = await counts();

    const help = await run(config, ['--help']);

    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: cli demo seed\n/);
    expect(await counts()).toEqual(before);
  });
});

describe('cli demo seed after an interrupted run', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await openSandbox();
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it("finishes what the run left (the owner's user without its group or record) and prints passwords only for what it creates", async () => {
    const { client, config } = sandbox;
    // Stopped right after creating the owner's Cognito user: no group, no member record.
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username: DEMO_OWNER.email,
        TemporaryPassword: 'Interrupted-1!',
        UserAttributes: [
          { Name: 'email', Value: DEMO_OWNER.email },
          { Name: 'email_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );

    const result = await runSeed(sandbox);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^demo data created: 5 accounts, 1 business, /);
    expect(passwordIn(result.out, DEMO_OWNER.email)).toBeUndefined();
    expect(passwordIn(result.out, DEMO_OPERATOR.email)).toBeDefined();
    const { Username } = await client.send(
      new AdminGetUserCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username: DEMO_OWNER.email,
      }),
    );
    // By the real username: cognito-local does not resolve the email alias here.
    const owner = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: config.aws.cognito.userPoolId, Username }),
    );
    expect(owner.Groups?.map((g) => g.GroupName)).toEqual(['business']);
    expect(await sandbox.db.collection('members').countDocuments({ role: 'business' })).toBe(1);
    expect(await sandbox.db.collection('businesses').countDocuments({})).toBe(1);
  });

  it('stops, naming the account, when a demo email belongs to another role', async () => {
    const { client, config } = sandbox;
    const taken = DEMO_WORKERS[1]!.email;
    const { Username } = await client.send(
      new AdminGetUserCommand({ UserPoolId: config.aws.cognito.userPoolId, Username: taken }),
    );
    await client.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username,
        GroupName: 'worker',
      }),
    );
    await client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: config.aws.cognito.userPoolId,
        Username,
        GroupName: 'business',
      }),
    );

    const result = await runSeed(sandbox);

    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `demo seed stopped: demo_account_taken: ${taken} exists with the role business, not ` +
        'worker: delete the local stack’s data (.data) to start the demo over.\n',
    );
  });
});
