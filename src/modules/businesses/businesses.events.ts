import { z } from 'zod';
import { defineEvents } from '../../platform/outbox/event-catalog.js';

const NtsStatusName = z.enum(['active', 'suspended', 'closed']);

/**
 * What the businesses module tells the rest of the system, written in the business's own document
 * write (its outbox). Consumers parse with these schemas (OutboxHandlers.on).
 */
export const BUSINESS_EVENTS = defineEvents({
  /**
   * The NTS register changed its answer about the business (계속 → 휴업 or 폐업, or back). The
   * assignments module decides again the business's assignments that hold a worker's time; the
   * alerts tell operators.
   */
  'business.nts_changed': z.object({
    businessId: z.string().min(1),
    /** null: the business had never been checked. */
    from: NtsStatusName.nullable(),
    to: NtsStatusName,
    checkedAt: z.iso.datetime(),
  }),
});
