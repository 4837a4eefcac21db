import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import { makeEvent } from '../../platform/outbox/event-catalog.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import {
  BUSINESS_REGISTRY,
  type BusinessRegistry,
  type BusinessStatus,
} from './business-registry.port.js';
import { BUSINESS_EVENTS } from './businesses.events.js';
import {
  type BusinessPatch,
  BusinessesRepository,
  type NtsCheckTarget,
} from './businesses.repository.js';
import { closedAtFor, ntsState } from './nts-state.js';

/** Businesses read and asked about per round: the register's batch size is 100. */
const PAGE = 100;

export const NTS_RECHECK_JOB = 'businesses-nts-recheck';

export interface NtsRecheckSummary {
  checked: number;
  /** Whose status (계속/휴업/폐업) the register now answers differently. */
  changed: number;
  /** Numbers the register no longer knows: left as they were, for an operator to look at. */
  unregistered: number;
  [key: string]: number;
}

/**
 * The daily re-check of every business against the NTS register (국세청 상태조회): the answer is
 * stored with the check time; a status that changed is written with a `business.nts_changed`
 * event in the same write, so the assignments module decides the business's assignments again
 * and operators are told. An operator's manual status stands until the register answers.
 */
@Injectable()
export class NtsRecheck {
  private readonly log: Logger;

  constructor(
    private readonly businesses: BusinessesRepository,
    @InjectLogger() logger: Logger,
    @Optional()
    @Inject(BUSINESS_REGISTRY)
    private readonly registry?: BusinessRegistry,
  ) {
    this.log = logger.child({ component: 'nts-recheck' });
  }

  async run(now: Date, signal?: AbortSignal): Promise<NtsRecheckSummary> {
    const registry = this.registry;
    if (!registry) {
      // A job that cannot do its work fails, so the failure is seen (not a quiet success).
      throw new Error('BUSINESS_REGISTRY is not configured: the NTS re-check cannot run');
    }
    const summary: NtsRecheckSummary = { checked: 0, changed: 0, unregistered: 0 };
    let after: string | undefined;
    for (;;) {
      signal?.throwIfAborted();
      const page = await this.businesses.forNtsCheck({ after, limit: PAGE });
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      const answers = await registry.lookupMany([...new Set(page.map((b) => b.businessNumber))]);
      for (const target of page) {
        const status = answers.get(target.businessNumber);
        summary.checked += 1;
        if (!status) {
          summary.unregistered += 1;
          this.log.warn(
            { businessId: target.id },
            'the NTS register no longer knows this business number',
          );
          continue;
        }
        if (await this.apply(target, status, now)) summary.changed += 1;
      }
      if (page.length < PAGE) break;
    }
    return summary;
  }

  /** Stores the answer; true when the status changed. */
  private async apply(target: NtsCheckTarget, status: BusinessStatus, now: Date) {
    let current: Pick<NtsCheckTarget, 'nts' | 'closedAt' | 'version'> = target;
    return retryOnConflict(
      async () => {
        const from = current.nts?.status ?? null;
        const nts = ntsState(status, now);
        const changed = from !== nts.status;
        const patch: BusinessPatch = {
          nts,
          closedAt: closedAtFor(current, nts, now),
          ...(changed
            ? {
                events: [
                  makeEvent(
                    BUSINESS_EVENTS,
                    'business.nts_changed',
                    { businessId: target.id, from, to: nts.status, checkedAt: now.toISOString() },
                    now,
                  ),
                ],
                event: {
                  action: 'nts-check' as const,
                  method: 'nts' as const,
                  by: 'system',
                  byRole: 'system',
                  at: now,
                  evidence: `NTS 상태조회 (daily): ${from ?? 'unchecked'} → ${nts.status}, ${nts.taxType}`,
                  ntsStatus: { status: nts.status, taxType: nts.taxType },
                },
              }
            : {}),
        };
        try {
          const saved = await this.businesses.update(target.id, current.version, patch, now);
          if (!saved) return false;
        } catch (error) {
          if (error instanceof ConcurrentModificationError) {
            const fresh = await this.businesses.getById(target.id);
            if (fresh) current = fresh;
          }
          throw error;
        }
        if (changed) {
          this.log.warn(
            { businessId: target.id, from, to: nts.status },
            'a business changed its status at the NTS',
          );
        }
        return changed;
      },
      { attempts: 5 },
    );
  }
}
