import type { BusinessStatus } from './business-registry.port.js';
import type { NtsState } from './businesses.repository.js';

/** The register's answer, as the business keeps it. */
export function ntsState(status: BusinessStatus, now: Date): NtsState {
  return {
    status: status.status,
    taxType: status.taxType,
    checkedAt: now,
    source: 'nts',
    ...(status.closedAt ? { closedOn: status.closedAt } : {}),
  };
}

/** `closedAt` follows the NTS status: kept from the first time closed, removed when trading. */
export function closedAtFor(
  business: { closedAt?: Date | undefined },
  nts: NtsState,
  now: Date,
): Date | null {
  return nts.status === 'closed' ? (business.closedAt ?? now) : null;
}
