import { Global, Inject, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** Injects the process's root pino logger (prefer `request.log` inside a request). */
export const InjectLogger = () => Inject(ROOT_LOGGER);

@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }],
      exports: [ROOT_LOGGER],
    };
  }
}
