import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../platform/errors/domain.error.js';
import type { AccessRecords } from './access/access-records.js';
import type { PersonalDataPolicy } from './personal-data/policy.js';
import type { StaffActor } from './staff-actor.decorator.js';

export const ACCESS_RECORDS = Symbol('ACCESS_RECORDS');

export interface StaffAccessEntry {
  action: 'read' | 'update' | 'create' | 'delete' | 'reveal' | 'export';
  policy: PersonalDataPolicy;
  /** Whose data: the ids of the members the data is about. */
  subjects: string[];
  fields: string[];
  /** Required for reveals and exports. */
  reason?: string;
}

/**
 * Staff handling of personal data, recorded: every read, change, reveal and export by an
 * operator or admin becomes an access record (접속기록) before the data leaves.
 */
@Injectable()
export class StaffAccess {
  constructor(@Inject(ACCESS_RECORDS) private readonly records: AccessRecords) {}

  async record(actor: StaffActor, entry: StaffAccessEntry): Promise<void> {
    await this.records.append({
      actor: { id: actor.id, role: actor.role },
      ip: actor.ip,
      action: entry.action,
      dataset: entry.policy.collection,
      subjects: entry.subjects,
      fields: entry.fields,
      reason: entry.reason ?? null,
      ...(actor.requestId === undefined ? {} : { requestId: actor.requestId }),
    });
  }

  /**
   * Staff handling of a dataset that is not a policy's collection (uploaded files, the monthly
   * statistics), recorded like any other so every such read or download is in the access log.
   */
  async recordDataset(
    actor: StaffActor,
    entry: Omit<StaffAccessEntry, 'policy'> & { dataset: string },
  ): Promise<void> {
    await this.records.append({
      actor: { id: actor.id, role: actor.role },
      ip: actor.ip,
      action: entry.action,
      dataset: entry.dataset,
      subjects: entry.subjects,
      fields: entry.fields,
      reason: entry.reason ?? null,
      ...(actor.requestId === undefined ? {} : { requestId: actor.requestId }),
    });
  }

  /** Refuses (403) a reveal by a role the policy does not allow to see the fields raw. */
  assertMayReveal(actor: StaffActor, policy: PersonalDataPolicy): void {
    if (!policy.revealableBy.includes(actor.role)) {
      throw new DomainError(
        'forbidden',
        'reveal_not_allowed',
        `The ${actor.role} role may not reveal ${policy.collection} data.`,
      );
    }
  }
}
