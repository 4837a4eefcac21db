import { Controller, Get, Injectable, Module, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { Admin } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import type { Database } from '../../platform/storage/database.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import { MigrationStateRepository } from './engine/migration-state.repository.js';
import { migrationStatus } from './engine/status.js';

const Counts = z.object({
  read: z.number().int(),
  written: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
});

const MigrationStatusResponse = z
  .object({
    enabled: z.boolean(),
    stages: z.array(
      z.object({
        stage: z.string(),
        status: z.enum(['pending', 'copying', 'copied', 'verified', 'cleaned']),
        counts: Counts,
        partitions: z.object({ total: z.number().int(), done: z.number().int() }),
        issues: z.number().int(),
      }),
    ),
    issues: z
      .array(
        z.object({ stage: z.string(), path: z.string(), code: z.string(), detail: z.string() }),
      )
      .meta({ description: 'The latest issues: the source path and a stable code, never a value' }),
    runs: z.array(
      z.object({
        runId: z.string(),
        startedAt: z.iso.datetime(),
        finishedAt: z.iso.datetime().nullable(),
        outcome: z.string(),
        counts: Counts,
      }),
    ),
  })
  .meta({ id: 'MigrationStatus' });
type MigrationStatusResponse = z.infer<typeof MigrationStatusResponse>;

@Injectable()
class MigrationStatusService {
  private readonly state: MigrationStateRepository;

  constructor(
    @InjectDatabase() db: Database,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.state = new MigrationStateRepository(db);
  }

  async status(): Promise<MigrationStatusResponse> {
    // Switched off, the migration's routes are as if absent: the router's own 404.
    if (!this.config.migration.enabled) throw new NotFoundException();
    const status = await migrationStatus(this.state, this.config.migration.enabled);
    return {
      ...status,
      stages: status.stages as MigrationStatusResponse['stages'],
      runs: status.runs.map((r) => ({
        ...r,
        startedAt: r.startedAt.toISOString(),
        finishedAt: r.finishedAt?.toISOString() ?? null,
      })),
    };
  }
}

/** The Firestore migration for admins: where it stands (the same as `cli migrate status`). */
@Controller('admin/migrations')
@Admin()
class MigrationController {
  constructor(private readonly migration: MigrationStatusService) {}

  @Get('status')
  @ApiDoc({
    summary: 'Where the Firestore migration stands: stages, counts, issues, runs (admins)',
    description:
      'Each stage’s state and counts, its partitions, the latest issues (source path and code, never a value) and the last runs. 404 while MIGRATION_ENABLED=false.',
    tags: ['migration'],
    responses: { 200: { description: 'The migration', schema: MigrationStatusResponse } },
    problems: [401, 403],
  })
  status(): Promise<MigrationStatusResponse> {
    return this.migration.status();
  }
}

/** The migration's routes (with MIGRATION_ENABLED=false they answer 404, as if absent). */
@Module({ controllers: [MigrationController], providers: [MigrationStatusService] })
export class FirestoreMigrationModule {}
