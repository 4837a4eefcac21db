// A second baseline: NestJS on Fastify with one route and nothing of ours, to show how much of
// the app's cost is Nest itself. Decorators applied by hand (this file is plain JavaScript).
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

class HealthController {
  live() {
    return { status: 'ok' };
  }
}
Controller('health')(HealthController);
Get('live')(
  HealthController.prototype,
  'live',
  Object.getOwnPropertyDescriptor(HealthController.prototype, 'live'),
);
class AppModule {}
Module({ controllers: [HealthController] })(AppModule);

const app = await NestFactory.create(AppModule, new FastifyAdapter({ logger: false }), {
  logger: false,
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
