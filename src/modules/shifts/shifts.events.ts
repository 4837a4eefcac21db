import { z } from 'zod';
import { defineEvents } from '../../platform/outbox/event-catalog.js';

/**
 * What the shifts module tells the rest of the system, written in the shift's own document write
 * (its outbox). Consumers parse with these schemas (OutboxHandlers.on).
 */
export const SHIFT_EVENTS = defineEvents({
  /** The business cancelled the shift: its assignments end (the assignments module). */
  'shift.cancelled': z.object({
    shiftId: z.string().min(1),
    businessId: z.string().min(1),
    startsAt: z.iso.datetime(),
    /** Slots held when it was cancelled. */
    filled: z.number().int().min(0),
  }),
});
