import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { BusinessesModule } from '../businesses/businesses.module.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { WorkersModule } from '../workers/workers.module.js';
import { EligibilityController } from './eligibility.controller.js';
import { EligibilityService } from './eligibility.service.js';
import { EligibilityVerdicts } from './eligibility-verdicts.service.js';

export interface EligibilityModuleOptions {
  /**
   * Modules that export the `WORKER_SCHEDULES` port (eligibility reads schedules; the module that
   * keeps them binds the port). Given by the importer, so eligibility never imports the module
   * that keeps schedules, and that module may import eligibility.
   */
  schedules: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Eligibility: the pure engine (`engine/`), the service that gathers its facts from the workers,
 * businesses and shifts services and the schedules port, and the routes `GET
 * /shifts/:id/eligibility/:workerId` and `POST /shifts/:id/candidates`.
 */
@Module({})
export class EligibilityModule {
  static register(options: EligibilityModuleOptions): DynamicModule {
    return {
      module: EligibilityModule,
      imports: [AccessModule, WorkersModule, BusinessesModule, ShiftsModule, ...options.schedules],
      controllers: [EligibilityController],
      providers: [EligibilityService, EligibilityVerdicts],
      exports: [EligibilityService],
    };
  }
}
