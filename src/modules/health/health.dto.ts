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

const ProviderState = z
  .object({
    provider: z.string(),
    circuit: z.enum(['closed', 'open', 'half_open']),
    calls: z.number().int(),
    errors: z.number().int(),
    latencyMs: z.object({ mean: z.number(), last: z.number() }).nullable(),
    lastError: z.object({ outcome: z.string(), at: z.iso.datetime() }).optional(),
  })
  .meta({ id: 'ProviderState' });

export const ReadinessResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    mode: z.enum(['local', 'aws']),
    checks: z.record(z.string(), DependencyCheck),
    providers: z.array(ProviderState).optional().meta({
      description:
        "This task's provider gateways (NICE, Danal, Popbill, NTS): circuit and counters since it started. Informational: a provider's state never makes the task unready.",
    }),
  })
  .meta({ id: 'Readiness' });
export type ReadinessResponse = z.infer<typeof ReadinessResponse>;

export const LivenessResponse = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export type LivenessResponse = z.infer<typeof LivenessResponse>;
