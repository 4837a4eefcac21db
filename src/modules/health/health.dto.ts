import { z } from 'zod';

const DependencyCheck = z
  .object({
    status: z.enum(['up', 'down']),
    latencyMs: z.number(),
    kind: z.string().optional(),
    url: z.string().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'DependencyCheck' });

export const ReadinessResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    mode: z.enum(['local', 'aws']),
    checks: z.record(z.string(), DependencyCheck),
  })
  .meta({ id: 'Readiness' });
export type ReadinessResponse = z.infer<typeof ReadinessResponse>;

export const LivenessResponse = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export type LivenessResponse = z.infer<typeof LivenessResponse>;
