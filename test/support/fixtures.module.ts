import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Logger,
  Module,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Public } from '../../src/platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../src/platform/http/api-doc.decorator.js';
import { zodDto } from '../../src/platform/http/zod-dto.js';
import type { Database } from '../../src/platform/storage/database.js';
import { InjectDatabase } from '../../src/platform/storage/storage.module.js';

class CreateThingDto extends zodDto(
  z.object({
    name: z.string().min(1),
    count: z.number().int().min(0),
    tags: z.array(z.string()).optional(),
    owner: z.strictObject({ id: z.string() }).optional(),
  }),
) {}

class PlantedDto extends zodDto(z.record(z.string(), z.unknown())) {}

/** Ids as long as the longest our schemas accept (member ids: 128). */
class EchoParamsDto extends zodDto(z.object({ id: z.string().min(1).max(128) })) {}

class SlowQueryDto extends zodDto(z.object({ ms: z.coerce.number().int().min(0).max(5_000) })) {}

/**
 * Routes that exist only in tests, to exercise the platform (validation, idempotency, problem
 * mapping, draining) through the real HTTP stack.
 */
@Public()
@Controller('fixtures')
class FixturesController {
  static calls = 0;
  private readonly logger = new Logger('Fixtures');

  constructor(@InjectDatabase() private readonly db: Database) {}

  @Post('things')
  @HttpCode(201)
  @ApiDoc({
    summary: 'Create a thing',
    idempotent: true,
    responses: { 201: { description: 'Created' } },
  })
  async create(@Body() body: CreateThingDto) {
    FixturesController.calls += 1;
    const things = this.db.collection<{ name: string; count: number }>('things');
    const { insertedId } = await things.insertOne({ name: body.name, count: body.count });
    this.logger.log(`stored thing ${String(insertedId)}`);
    return { id: String(insertedId), call: FixturesController.calls, ...body };
  }

  @Get('slow')
  async slow(@Query() query: SlowQueryDto) {
    fixtureEvents.emit('slow-started');
    await sleep(query.ms);
    return { waited: query.ms };
  }

  @Get('echo/:id')
  echo(@Param() params: EchoParamsDto) {
    return { id: params.id };
  }

  @Get('ip')
  ip(@Req() request: FastifyRequest) {
    return { ip: request.ip };
  }

  @Get('boom')
  boom(): never {
    throw new Error('kaboom for 010-1234-5678');
  }

  /**
   * A careless handler: logs what it was sent (body, query, headers) and a message built from
   * it, then fails with an error that quotes it. The privacy e2e test plants personal data here.
   */
  @Post('careless')
  careless(@Body() body: PlantedDto, @Req() request: FastifyRequest): never {
    request.log.debug(
      { body, query: request.query, headers: request.headers },
      'careless handler input',
    );
    const text = JSON.stringify({ body, query: request.query });
    this.logger.warn(`careless handler looking up ${text}`);
    throw new Error(`careless handler failed for ${text}`);
  }

  @Get('count')
  async count() {
    return { things: await this.db.collection('things').countDocuments({}) };
  }
}

/** Lets a test wait until a request is really in flight, instead of guessing with a delay. */
export const fixtureEvents = new EventEmitter();

@Module({ controllers: [FixturesController] })
export class FixturesModule {}

export function fixtureCalls(): number {
  return FixturesController.calls;
}
