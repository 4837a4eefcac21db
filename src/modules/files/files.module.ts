import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { createS3Client } from '../../platform/aws/clients.js';
import { ScheduledJobs } from '../../platform/jobs/scheduled-jobs.js';
import { ScheduledJobsModule } from '../../platform/jobs/scheduler.module.js';
import { FilesStore } from './files-store.js';
import { FilesController, StaffFilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';

/**
 * Uploaded files: the member and operator routes, and the service other modules use. The virus
 * scanner the service needs is bound by the integrations (clamd, or the local stub).
 */
@Module({
  controllers: [FilesController, StaffFilesController],
  providers: [
    FilesRepository,
    FilesService,
    {
      provide: FilesStore,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new FilesStore(createS3Client(config), config.aws.s3.bucket),
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}

/** The name of the job: `cli jobs run files-cleanup`. */
const CLEANUP_JOB = 'files-cleanup';

/** The worker's share: uploads never completed within a day are removed, hourly. */
@Module({ imports: [ScheduledJobsModule, FilesModule] })
export class FilesJobsModule implements OnModuleInit {
  constructor(
    private readonly jobs: ScheduledJobs,
    private readonly files: FilesService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: CLEANUP_JOB,
      schedule: { everyMs: 3_600_000 },
      run: () => this.files.cleanup(),
    });
  }
}
