import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal, Role } from '../../platform/auth/principal.js';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { AssignmentsService } from '../assignments/assignments.service.js';
import { RegisterBusiness } from '../businesses/businesses.dto.js';
import { VerificationDecision } from '../businesses/businesses.schemas.js';
import { BusinessesService } from '../businesses/businesses.service.js';
import { StaffBusinessesService } from '../businesses/staff-businesses.service.js';
import { DAY_MS, kstAge, toKstIso } from '../../platform/time/kst.js';
import { CreateShift, type ShiftResponse } from '../shifts/shifts.dto.js';
import { ShiftsService } from '../shifts/shifts.service.js';
import { PutBankAccount, PutProfile, type WorkerProfile } from '../workers/workers.dto.js';
import {
  BankAccountDecision,
  IdentityDecision,
  QualificationDecision,
} from '../workers/workers.schemas.js';
import { WorkersService } from '../workers/workers.service.js';
import { StaffWorkersService } from '../workers/staff-workers.service.js';
import { type DemoAccount, DemoAccounts } from './demo-accounts.js';
import {
  birthDateOf,
  DEMO_ASSIGNMENTS,
  DEMO_BUSINESS,
  DEMO_OPERATOR,
  DEMO_OWNER,
  DEMO_SHIFTS,
  DEMO_WORKERS,
  type DemoShift,
  type DemoWorker,
  shiftWindow,
} from './demo-data.js';

export interface DemoSeedReport {
  accounts: DemoAccount[];
  business: { id: string; name: string; created: boolean; verifiedNow: boolean };
  shifts: { id: string; title: string; startsAt: string; endsAt: string; created: boolean }[];
  assignments: {
    id: string | undefined;
    worker: string;
    shift: string;
    state: string;
    created: boolean;
    /** Why a planned assignment was not made (its shift has started: a run days later). */
    skipped?: string;
  }[];
  /** How many of each this run created (none: the demo data existed). */
  created: Partial<Record<CreatedKind, number>>;
}

export const CREATED_KINDS = {
  account: 'accounts',
  business: 'businesses',
  'worker profile': 'worker profiles',
  verification: 'verifications',
  shift: 'shifts',
  assignment: 'assignments',
} as const;
export type CreatedKind = keyof typeof CREATED_KINDS;

/** What the seed says in the records it writes (verification evidence, history). */
const EVIDENCE = '데모 데이터: cli demo seed가 만든 가상의 확인 기록입니다 (demo seed, fictional).';

const isNotFound = (error: unknown, code: string): boolean =>
  error instanceof NotFoundError && error.code === code;

/**
 * `cli demo seed`: a verified business with its owner, an operator, verified workers (one a
 * minor), a week of shifts and assignments in each state, so a newcomer can try every route.
 *
 * Everything goes through the modules' services, as the API's routes do, so every rule holds
 * (encryption, access records, verification history, eligibility, outbox events); the operator's
 * decisions are made in the seeded operator's name. Each piece is looked up before it is made
 * (accounts by email, the business by name, shifts by title, assignments by worker and shift),
 * so a second run, or a run after an interrupted one, creates only what is missing.
 */
@Injectable()
export class DemoSeed {
  private readonly log: Logger;
  private created: DemoSeedReport['created'] = {};

  constructor(
    private readonly accounts: DemoAccounts,
    private readonly businesses: BusinessesService,
    private readonly staffBusinesses: StaffBusinessesService,
    private readonly workers: WorkersService,
    private readonly staffWorkers: StaffWorkersService,
    private readonly shifts: ShiftsService,
    private readonly assignments: AssignmentsService,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'demo-seed' });
  }

  async run(now = new Date()): Promise<DemoSeedReport> {
    this.created = {};
    const operator = await this.account(
      this.accounts.operator(DEMO_OPERATOR.email, 'verified the business and the workers'),
    );
    const actor: StaffActor = { id: operator.id, role: 'operator', ip: null, requestId: undefined };
    const owner = await this.account(
      this.accounts.member(DEMO_OWNER.email, 'business', DEMO_OWNER.phone, {
        label: `owner of ${DEMO_BUSINESS.name}`,
      }),
    );
    const ownerPrincipal = principal(owner, 'business', now);
    const business = await this.business(ownerPrincipal, actor, now);

    const workers = new Map<string, { principal: Principal; account: DemoAccount }>();
    for (const worker of DEMO_WORKERS) {
      const age = kstAge(birthDateOf(worker, now), now) ?? 0;
      const account = await this.account(
        this.accounts.member(worker.email, 'worker', e164(worker.phone), {
          label: `${worker.legalName}, ${age}${age < 18 ? ' (minor)' : ''}`,
        }),
      );
      const workerPrincipal = principal(account, 'worker', now);
      await this.workerProfile(worker, workerPrincipal, actor, now);
      workers.set(worker.key, { principal: workerPrincipal, account });
    }

    const shifts = await this.weekOfShifts(ownerPrincipal, business.id, now);
    const assignments = [];
    for (const plan of DEMO_ASSIGNMENTS) {
      const worker = workers.get(plan.worker);
      const shift = shifts.find((s) => s.title === plan.shift);
      if (!worker || !shift)
        throw new Error(`demo data names an unknown ${plan.worker}/${plan.shift}`);
      assignments.push({
        worker: worker.account.label,
        shift: shift.title,
        ...(await this.assignment(plan.state, worker.principal, ownerPrincipal, shift, now)),
      });
    }

    return {
      accounts: [operator, owner, ...[...workers.values()].map((w) => w.account)],
      business,
      shifts: shifts.map((s) => ({
        id: s.id,
        title: s.title,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        created: s.created,
      })),
      assignments,
      created: this.created,
    };
  }

  /** Counts an account the run made. */
  private async account(made: Promise<DemoAccount>): Promise<DemoAccount> {
    const account = await made;
    if (account.password !== undefined) {
      this.made('account', { memberId: account.id, role: account.role });
    }
    return account;
  }

  // --- business ------------------------------------------------------------------------------

  private async business(
    owner: Principal,
    actor: StaffActor,
    now: Date,
  ): Promise<DemoSeedReport['business']> {
    const mine = await this.businesses.mine(owner);
    let business = mine.items.find((b) => b.name === DEMO_BUSINESS.name);
    const created = !business;
    if (!business) {
      business = await this.businesses.register(
        owner,
        RegisterBusiness.parse({
          businessNumber: DEMO_BUSINESS.businessNumber,
          name: DEMO_BUSINESS.name,
          representativeName: DEMO_BUSINESS.representativeName,
          openingDate: DEMO_BUSINESS.openingDate,
          address: DEMO_BUSINESS.address,
        }),
        now,
      );
      this.made('business', { businessId: business.id });
    }
    const verifiedNow = !business.verification.verified;
    if (verifiedNow) {
      // On evidence, with the NTS status the operator read (required while none is known).
      await this.staffBusinesses.decideVerification(
        actor,
        business.id,
        VerificationDecision.parse({
          action: 'verify',
          evidence: EVIDENCE,
          ntsStatus: DEMO_BUSINESS.ntsStatus,
          reason: 'Demo data (cli demo seed)',
        }),
        now,
      );
      this.made('verification', { businessId: business.id, of: 'business' });
    }
    return { id: business.id, name: business.name, created, verifiedNow };
  }

  // --- workers -------------------------------------------------------------------------------

  /**
   * The worker's profile and payout account as the worker enters them, then the operator's
   * verifications of identity, account and qualifications: what is already there is kept.
   */
  private async workerProfile(
    worker: DemoWorker,
    principal: Principal,
    actor: StaffActor,
    now: Date,
  ): Promise<void> {
    let profile: WorkerProfile | undefined = await this.workers
      .getMe(principal)
      .catch((error: unknown) => {
        if (isNotFound(error, 'worker_not_found')) return undefined;
        throw error;
      });
    if (!profile) {
      profile = await this.workers.putProfile(
        principal,
        PutProfile.parse({
          legalName: worker.legalName,
          birthDate: birthDateOf(worker, now),
          phone: worker.phone,
        }),
        now,
      );
      this.made('worker profile', { workerId: profile.id });
    }
    if (!profile.bankAccount) {
      profile = await this.workers.putBankAccount(
        principal,
        PutBankAccount.parse({ ...worker.bank, holderName: worker.legalName }),
        now,
      );
    }
    const id = principal.sub;
    if (!profile.identity.verified) {
      await this.staffWorkers.decideIdentity(
        actor,
        id,
        IdentityDecision.parse({ action: 'verify', evidence: EVIDENCE, ci: worker.ci }),
        now,
      );
      this.made('verification', { workerId: id, of: 'identity' });
    }
    if (!profile.bankAccount?.verified) {
      await this.staffWorkers.decideBankAccount(
        actor,
        id,
        BankAccountDecision.parse({
          action: 'verify',
          evidence: EVIDENCE,
          holderMatchesLegalName: true,
        }),
        now,
      );
      this.made('verification', { workerId: id, of: 'bank account' });
    }
    for (const code of worker.qualifications) {
      if (profile.qualifications.some((q) => q.code === code && q.verified)) continue;
      // A 보건증 is valid for a year; the others are given the same.
      const expiresAt = new Date(now.getTime() + 365 * DAY_MS).toISOString();
      await this.staffWorkers.decideQualification(
        actor,
        id,
        code,
        QualificationDecision.parse({ action: 'verify', evidence: EVIDENCE, expiresAt }),
        now,
      );
      this.made('verification', { workerId: id, of: 'qualification', code });
    }
  }

  // --- shifts and assignments ----------------------------------------------------------------

  /** The demo shifts, by title: those the business has kept, the missing ones posted now. */
  private async weekOfShifts(
    owner: Principal,
    businessId: string,
    now: Date,
  ): Promise<(ShiftResponse & { created: boolean })[]> {
    const posted: ShiftResponse[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.shifts.listForBusiness(owner, businessId, {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      posted.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    const shifts = [];
    for (const plan of DEMO_SHIFTS) {
      const found = posted.find((s) => s.title === plan.title);
      shifts.push(
        found ? { ...found, created: false } : await this.postShift(owner, businessId, plan, now),
      );
    }
    return shifts;
  }

  private async postShift(
    owner: Principal,
    businessId: string,
    plan: DemoShift,
    now: Date,
  ): Promise<ShiftResponse & { created: boolean }> {
    const { startsAt, endsAt } = shiftWindow(plan, now);
    const shift = await this.shifts.create(
      owner,
      businessId,
      CreateShift.parse({
        title: plan.title,
        description: plan.description,
        startsAt: toKstIso(startsAt),
        endsAt: toKstIso(endsAt),
        place: plan.place,
        headcount: plan.headcount,
        hourlyPayKrw: plan.hourlyPayKrw,
        requiredQualifications: plan.requiredQualifications,
        minimumAge: plan.minimumAge,
      }),
      now,
    );
    this.made('shift', { shiftId: shift.id });
    return { ...shift, created: true };
  }

  /**
   * The worker's assignment on the shift in the planned state: applied by the worker, proposed by
   * the business, or proposed and accepted (confirmed). One the worker already has on the shift is
   * kept as it is (a proposal still waiting is accepted when the plan says confirmed).
   */
  private async assignment(
    state: 'applied' | 'proposed' | 'confirmed',
    worker: Principal,
    owner: Principal,
    shift: ShiftResponse,
    now: Date,
  ): Promise<{ id: string | undefined; state: string; created: boolean; skipped?: string }> {
    const mine = await this.assignments.listMine(worker, { limit: 100 });
    let assignment = mine.find((a) => a.shiftId === shift.id);
    if (assignment && !(assignment.state === 'proposed' && state === 'confirmed')) {
      return { id: assignment.id, state: assignment.state, created: false };
    }
    if (Date.parse(shift.startsAt) <= now.getTime()) {
      return { id: undefined, state, created: false, skipped: 'its shift has started' };
    }
    if (state === 'applied') {
      assignment = await this.assignments.apply(worker, shift.id, now);
    } else {
      assignment ??= await this.assignments.propose(owner, shift.id, worker.sub, now);
      if (state === 'confirmed') {
        assignment = await this.assignments.accept(worker, assignment.id, now);
      }
    }
    this.made('assignment', { assignmentId: assignment.id, state: assignment.state });
    return { id: assignment.id, state: assignment.state, created: true };
  }

  /** Counts what this run made; the log carries ids only. */
  private made(kind: CreatedKind, ids: Record<string, string>): void {
    this.created[kind] = (this.created[kind] ?? 0) + 1;
    this.log.debug(ids, `demo ${kind} created`);
  }
}

/** The caller the services see, as a route would after verifying this member's token. */
function principal(account: DemoAccount, role: Role, now: Date): Principal {
  return {
    sub: account.id,
    username: account.username,
    groups: [role],
    tokenId: 'demo-seed',
    expiresAt: Math.floor(now.getTime() / 1000) + 3600,
  };
}

/** `010-1000-0011` as Cognito holds a phone: `+821010000011`. */
function e164(phone: string): string {
  return `+82${phone.replace(/\D/g, '').slice(1)}`;
}
