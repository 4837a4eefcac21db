import { FilesService } from '../files/files.service.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/auth/principal.js';
import { ConflictError, DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import { notBusinessStaff } from '../access/access.errors.js';
import { requireBusinessRole } from '../access/access.js';
import type { BusinessFacts } from './business-facts.js';
import type { BusinessCaller } from './business-caller.decorator.js';
import { BUSINESS_REGISTRY, type BusinessRegistry } from './business-registry.port.js';
import { invalidOpeningDate, openingDateProblem, requireBusinessNumber } from './business-rules.js';
import {
  type AddStaff,
  type BlockWorker,
  type BusinessList,
  type BusinessView,
  type EditBusiness,
  mapBusiness,
  type RegisterBusiness,
} from './businesses.dto.js';
import { BUSINESS_PERSONAL_DATA, type BusinessPersonalField } from './businesses.policy.js';
import {
  type Business,
  type BusinessPatch,
  BusinessesRepository,
  type NtsState,
  type ReadOptions,
} from './businesses.repository.js';
import { ntsState } from './nts-state.js';

/** The read-modify-write of a business, again when another write moved its version. */
export async function withRetry<R>(attempt: () => Promise<R>, attempts = 4): Promise<R> {
  try {
    return await retryOnConflict(attempt, { attempts });
  } catch (error) {
    if (error instanceof ConcurrentModificationError) throw businessChanged();
    throw error;
  }
}

export const businessNotFound = (): NotFoundError =>
  new NotFoundError('The business', 'business_not_found');

const businessChanged = (version?: number): ConflictError =>
  new ConflictError(
    'business_changed',
    'The business changed meanwhile; read it again and retry.',
    version === undefined ? {} : { version },
  );

/** The personal fields a view shows (masked), for access records. */
export function shownFields(business: Business): BusinessPersonalField[] {
  const shown: BusinessPersonalField[] = [];
  if (business.businessNumber !== undefined) shown.push('businessNumber');
  if (business.representativeName !== undefined) shown.push('representativeName');
  return shown;
}

/**
 * Businesses: what business members do with theirs (register, edit, staff, block list) and what
 * other modules ask (eligibility facts, staff checks). Members act for the businesses whose staff
 * they are (the owner alone adds staff); operators and admins for all, each of their reads and
 * changes recorded as an access record before the answer.
 */
@Injectable()
export class BusinessesService {
  private readonly log: Logger;

  constructor(
    private readonly businesses: BusinessesRepository,
    private readonly access: StaffAccess,
    @InjectLogger() logger: Logger,
    @Optional()
    @Inject(BUSINESS_REGISTRY)
    private readonly registry?: BusinessRegistry,
    @Optional() private readonly files?: FilesService,
  ) {
    this.log = logger.child({ component: 'businesses' });
  }

  /**
   * A business member registers a business and becomes its owner. The number is checked (check
   * digit) and stored encrypted; one already registered, in any spelling, is 409
   * `business_exists`. The NTS register is asked first: a number it does not know is 422
   * `not_registered_at_nts` and nothing is written; when it cannot be asked, the business is
   * registered unchecked and the daily re-check asks again.
   */
  async register(
    principal: Principal,
    body: RegisterBusiness,
    now = new Date(),
  ): Promise<BusinessView> {
    if (!principal.groups.includes('business')) {
      throw new DomainError(
        'forbidden',
        'business_members_only',
        'Only business members register businesses.',
      );
    }
    const businessNumber = requireBusinessNumber(body.businessNumber);
    const problem = openingDateProblem(body.openingDate, now);
    if (problem) throw invalidOpeningDate(problem);
    const nts = await this.askRegister(businessNumber, now);
    const business = await this.businesses.create(
      {
        businessNumber,
        representativeName: body.representativeName,
        name: body.name,
        openingDate: body.openingDate,
        address: body.address,
        owner: principal.sub,
        ...(nts ? { nts } : {}),
      },
      now,
    );
    return mapBusiness(business);
  }

  /** The register's answer for a new business; undefined when it could not be asked. */
  private async askRegister(businessNumber: string, now: Date): Promise<NtsState | undefined> {
    if (!this.registry) return undefined;
    let status;
    try {
      status = await this.registry.lookup(businessNumber);
    } catch (error) {
      // Registration does not wait on the register: the daily re-check asks again.
      this.log.warn(
        { code: error instanceof DomainError ? error.code : 'error' },
        'the NTS register could not be asked at registration; the daily re-check will',
      );
      return undefined;
    }
    if (!status) {
      throw new DomainError(
        'unprocessable',
        'not_registered_at_nts',
        'The NTS register does not know this business registration number.',
      );
    }
    return ntsState(status, now);
  }

  async get(caller: BusinessCaller, id: string): Promise<BusinessView> {
    const business = await this.authorize(caller, id);
    await this.recordStaff(caller, business, 'read');
    return mapBusiness(business);
  }

  /** The caller's businesses (where they are owner or manager). */
  async mine(principal: Principal): Promise<BusinessList> {
    const items = await this.businesses.listForMember(principal.sub);
    return { items: items.map(mapBusiness) };
  }

  /** Name and address; with `version`, only if the business is still at it. */
  async edit(
    caller: BusinessCaller,
    id: string,
    body: EditBusiness,
    now = new Date(),
  ): Promise<BusinessView> {
    const certificate = body.registrationCertificateFileId;
    if (certificate) {
      // Only the caller's own upload, checked and ready (404 for anyone else's file).
      if (!this.files) throw new Error('the files module is not wired');
      await this.files.requireReadyOwnFile(
        caller.principal.sub,
        certificate,
        'business_registration',
      );
    }
    return this.change(caller, id, now, (business) => {
      if (body.version !== undefined && body.version !== business.version) {
        throw businessChanged(business.version);
      }
      return {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.address === undefined ? {} : { address: body.address }),
        ...(certificate === undefined ? {} : { registrationCertificateFileId: certificate }),
      };
    });
  }

  /**
   * The owner adds a member with the `business` role as a manager (an operator may too). An
   * unknown, withdrawn or non-business member is 422 `not_a_business_member`; one already on the
   * staff is 409 `already_staff`.
   */
  async addStaff(
    caller: BusinessCaller,
    id: string,
    body: AddStaff,
    now = new Date(),
  ): Promise<BusinessView> {
    await this.authorize(caller, id, { ownerOnly: true });
    if ((await this.businesses.activeMemberRole(body.memberId)) !== 'business') {
      throw new DomainError(
        'unprocessable',
        'not_a_business_member',
        'Only an active member with the business role can join a business’s staff.',
      );
    }
    return this.change(
      caller,
      id,
      now,
      (business) => {
        if (business.staff.some((s) => s.memberId === body.memberId)) {
          throw new ConflictError('already_staff', 'This member is already on the staff.');
        }
        return {
          staff: [
            ...business.staff,
            {
              memberId: body.memberId,
              role: 'manager',
              addedBy: caller.principal.sub,
              addedAt: now,
            },
          ],
        };
      },
      { ownerOnly: true },
    );
  }

  /** Blocks a worker (or replaces the reason of a block): the business will not be offered them. */
  async block(
    caller: BusinessCaller,
    id: string,
    workerId: string,
    body: BlockWorker,
    now = new Date(),
  ): Promise<BusinessView> {
    return this.change(caller, id, now, (business) => ({
      blockedWorkers: [
        ...business.blockedWorkers.filter((b) => b.workerId !== workerId),
        { workerId, reason: body.reason, by: caller.principal.sub, at: now },
      ],
    }));
  }

  /** Lifts a block; 404 `worker_not_blocked` when there is none. */
  async unblock(
    caller: BusinessCaller,
    id: string,
    workerId: string,
    now = new Date(),
  ): Promise<BusinessView> {
    return this.change(caller, id, now, (business) => {
      if (!business.blockedWorkers.some((b) => b.workerId === workerId)) {
        throw new NotFoundError('The block of this worker', 'worker_not_blocked');
      }
      return { blockedWorkers: business.blockedWorkers.filter((b) => b.workerId !== workerId) };
    });
  }

  // --- for other modules ---------------------------------------------------------------------

  /** What the eligibility engine needs of a business; undefined when there is none. */
  eligibilityFacts(businessId: string): Promise<BusinessFacts | undefined> {
    return this.businesses.getFacts(businessId);
  }

  /**
   * Resolves when the member is on the business's staff (owner or manager); 404
   * `business_not_found` when there is no such business, 403 `not_business_staff` when not.
   */
  async assertStaff(businessId: string, memberId: string): Promise<void> {
    const role = await this.businesses.staffRole(businessId, memberId);
    if (role === null) throw businessNotFound();
    if (role === undefined) throw notBusinessStaff();
  }

  /** Who on the business's side hears about its assignments: its staff (NotificationRecipients). */
  forBusiness(businessId: string): Promise<string[]> {
    return this.businesses.staffIds(businessId);
  }

  /** Whether the member is on the business's staff (false for an unknown business). */
  async isStaff(businessId: string, memberId: string): Promise<boolean> {
    return Boolean(await this.businesses.staffRole(businessId, memberId));
  }

  // --- internals -----------------------------------------------------------------------------

  /**
   * The business, when the caller may act for it: operators and admins always; business members
   * on its staff (the owner alone with `ownerOnly`). 404 before 403, so ids cannot be probed for
   * anything but existence.
   */
  private async authorize(
    caller: BusinessCaller,
    id: string,
    options: { ownerOnly?: boolean } = {},
    read: ReadOptions = viewOf(caller),
  ): Promise<Business> {
    const business = await this.businesses.getById(id, read);
    if (!business) throw businessNotFound();
    const role = business.staff.find((s) => s.memberId === caller.principal.sub)?.role;
    requireBusinessRole(caller.principal, role, options);
    return business;
  }

  private async change(
    caller: BusinessCaller,
    id: string,
    now: Date,
    compute: (business: Business) => BusinessPatch,
    options: { ownerOnly?: boolean } = {},
  ): Promise<BusinessView> {
    let recorded = false;
    const saved = await withRetry(async () => {
      // The block list is written back whole: its reasons are read as written.
      const business = await this.authorize(caller, id, options, { notes: [BLOCK_REASON] });
      const patch = compute(business);
      if (!recorded) {
        await this.recordStaff(caller, business, 'update');
        recorded = true;
      }
      const updated = await this.businesses.update(
        id,
        business.version,
        patch,
        now,
        viewOf(caller),
      );
      if (!updated) throw businessNotFound();
      return updated;
    });
    return mapBusiness(saved);
  }

  /** An operator's read or change: recorded before the answer (members' own are not). */
  private async recordStaff(
    caller: BusinessCaller,
    business: Business,
    action: 'read' | 'update',
  ): Promise<void> {
    if (!caller.staff) return;
    await this.access.record(caller.staff, {
      action,
      policy: BUSINESS_PERSONAL_DATA,
      subjects: [business.id],
      fields: shownFields(business),
    });
  }
}

/** The block reasons' note path: the business's own staff wrote them and read them as written. */
const BLOCK_REASON = 'blockedWorkers[].reason';

/**
 * How a caller sees a business: its staff read their block reasons as written; operators see
 * every note masked (they reveal one with a reason); operators' own evidence stays masked to all.
 */
function viewOf(caller: BusinessCaller): ReadOptions {
  return caller.staff ? {} : { notes: [BLOCK_REASON] };
}
