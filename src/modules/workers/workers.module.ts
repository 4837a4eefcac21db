import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { IdentityCallbackController } from './identity-callback.controller.js';
import { IdentityVerificationService } from './identity-verification.service.js';
import { StaffWorkersController } from './staff-workers.controller.js';
import { StaffWorkersService } from './staff-workers.service.js';
import { WorkersController } from './workers.controller.js';
import { WorkersRepository } from './workers.repository.js';
import { WorkersService } from './workers.service.js';

/**
 * Worker profiles. The verifier ports (`BANK_ACCOUNT_VERIFIER`, `IDENTITY_VERIFIER`) are optional:
 * a global module that provides them (the provider clients, a later issue) turns the routes that
 * need them on; without one they answer 503. `StaffWorkersService` is exported for the operator's
 * decisions `cli demo seed` makes.
 */
@Module({
  // A qualification's certificate is one of the worker's uploaded files.
  imports: [FilesModule],
  controllers: [WorkersController, StaffWorkersController, IdentityCallbackController],
  providers: [WorkersRepository, WorkersService, StaffWorkersService, IdentityVerificationService],
  exports: [WorkersService, StaffWorkersService],
})
export class WorkersModule {}
