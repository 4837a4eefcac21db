import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { LivenessResponse, ReadinessResponse } from './health.dto.js';
import { HealthService } from './health.service.js';

@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiDoc({
    summary: 'The process is alive',
    description:
      'Answers 200 while the process runs; nothing else is checked (ECS restarts a task that stops answering).',
    tags: ['health'],
    responses: { 200: { description: 'Alive', schema: LivenessResponse } },
  })
  live(): LivenessResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiDoc({
    summary: 'The service can take traffic: the database (and, locally, every stand-in) answers',
    description:
      '503 while a dependency is down or a schema migration is pending; the body lists every check and its state, so the load balancer takes the task out until it recovers.',
    tags: ['health'],
    responses: {
      200: { description: 'Ready', schema: ReadinessResponse },
      503: {
        description: 'Not ready; the checks say which dependency is down',
        schema: ReadinessResponse,
      },
    },
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessResponse> {
    const readiness = await this.health.readiness();
    if (readiness.status !== 'ok') void reply.status(503);
    return readiness;
  }
}
