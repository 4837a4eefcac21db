import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({ controllers: [HealthController], providers: [HealthService], exports: [HealthService] })
export class HealthModule {}

/** The worker reports the same readiness without serving the API's routes. */
@Module({ providers: [HealthService], exports: [HealthService] })
export class HealthChecksModule {}
