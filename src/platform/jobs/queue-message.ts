import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** Every message on our queues: a typed envelope so consumers can dispatch and deduplicate. */
export const QueueEnvelope = z.object({
  id: z.string().min(1).max(128),
  type: z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/),
  occurredAt: z.iso.datetime(),
  payload: z.unknown(),
});
export type QueueEnvelope = z.infer<typeof QueueEnvelope>;

export function envelope(type: string, payload: unknown, id: string = randomUUID()): QueueEnvelope {
  return { id, type, occurredAt: new Date().toISOString(), payload };
}
