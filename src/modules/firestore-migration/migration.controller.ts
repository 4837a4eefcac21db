import { Body, Controller, Get, Global, HttpCode, Module, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Admin } from '../../platform/auth/route-class.decorator.js';
import { MemberId } from '../../platform/http/fields.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import { LegacyAuthModule } from '../legacy-auth/legacy-auth.module.js';
import { LEGACY_DATA_MIGRATION } from '../legacy-auth/legacy-data.port.js';
import { STAGE_NAMES } from './engine/stages.js';
import type { UserMigrationReport } from './engine/user-migration.js';
import { MigrateUserByEmail } from './migration.schemas.js';
import { FirestoreMigrationService } from './migration.service.js';

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
        lagSeconds: z.number().int().nullable().meta({
          description:
            'Seconds since the read time of the last complete pass (a live source); null for files',
        }),
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

const Issue = z.object({ path: z.string(), code: z.string(), detail: z.string() });

const UserMigrationResponse = z
  .object({
    uid: z.string(),
    outcome: z.enum(['done', 'partial']).meta({
      description:
        'partial: the time ran out; the daily batch brings the rest, and asking again goes on',
    }),
    startedAt: z.iso.datetime(),
    elapsedMs: z.number().int(),
    stages: z.array(
      z.object({
        stage: z.enum(STAGE_NAMES),
        documents: z.number().int(),
        written: z.number().int(),
        unchanged: z.number().int(),
        skipped: z.number().int(),
      }),
    ),
    moved: z.array(z.string()).meta({ description: 'Source paths written now (the first 200)' }),
    alreadyThere: z.number().int().meta({ description: 'Documents already migrated as they are' }),
    failed: z
      .array(Issue)
      .meta({ description: 'What was not moved or left out, by path and code, never a value' }),
  })
  .meta({ id: 'UserMigrationReport' });
type UserMigrationResponse = z.infer<typeof UserMigrationResponse>;

class LegacyUidParamsDto extends zodDto(z.object({ uid: MemberId })) {}
class MigrateUserByEmailDto extends zodDto(MigrateUserByEmail, {
  example: () => ({ email: 'member@example.com' }),
}) {}

const reportOf = (report: UserMigrationReport): UserMigrationResponse => ({
  ...report,
  outcome: report.outcome === 'partial' ? 'partial' : 'done',
});

/** The Firestore migration for admins: where it stands (the same as `cli migrate status`). */
@Controller('admin/migrations')
@Admin()
class MigrationController {
  constructor(private readonly migration: FirestoreMigrationService) {}

  @Get('status')
  @ApiDoc({
    summary: 'Where the Firestore migration stands: stages, counts, issues, runs (admins)',
    description:
      'Each stage’s state and counts, its partitions, the latest issues (source path and code, never a value) and the last runs. 404 while MIGRATION_ENABLED=false.',
    tags: ['migration'],
    responses: { 200: { description: 'The migration', schema: MigrationStatusResponse } },
    problems: [401, 403],
  })
  async status(): Promise<MigrationStatusResponse> {
    const status = await this.migration.status();
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

  @Post('users/:uid')
  @HttpCode(200)
  @ApiDoc({
    summary: "Migrate one user's whole graph from the old app now (admins)",
    description:
      'The user, their subcollections, their businesses and posts, their applications, matches, ' +
      'no-shows and notifications, and what those name, whatever the stages’ progress, through ' +
      'the same writers as the daily batch: idempotent (a second call moves nothing and says ' +
      'so; an `Idempotency-Key` replays the first answer). Recorded as a staff action on the ' +
      'member’s personal data before anything is read. 404 legacy_user_not_found for a uid the ' +
      'old app never had; 409 migration_source_not_configured without a source; 404 while ' +
      'MIGRATION_ENABLED=false.',
    tags: ['migration'],
    responses: { 200: { description: 'What moved', schema: UserMigrationResponse } },
    problems: [401, 403, 404, 409, 422],
  })
  async migrateUser(
    @CurrentStaff() actor: StaffActor,
    @Param() params: LegacyUidParamsDto,
  ): Promise<UserMigrationResponse> {
    return reportOf(await this.migration.migrateUser(actor, params.uid));
  }

  @Post('users-by-email')
  @HttpCode(200)
  @ApiDoc({
    summary: "Migrate one user's whole graph now, found by email (admins)",
    description:
      'As `POST /admin/migrations/users/{uid}`, for the user whose Firebase Auth account holds ' +
      'the email (any case), else whose old `users` document holds it. The email goes in the ' +
      'body, never a URL, and is never echoed. 404 legacy_user_not_found when no one holds it; ' +
      '409 legacy_email_ambiguous, with the `candidates` uids, when several users’ documents do; ' +
      '422 legacy_lookup_too_slow when a file source is too large to search within the request.',
    tags: ['migration'],
    responses: { 200: { description: 'What moved', schema: UserMigrationResponse } },
    problems: [400, 401, 403, 404, 409, 422],
  })
  async migrateUserByEmail(
    @CurrentStaff() actor: StaffActor,
    @Body() body: MigrateUserByEmailDto,
  ): Promise<UserMigrationResponse> {
    return reportOf(await this.migration.migrateUserByEmail(actor, body.email));
  }
}

/**
 * The migration's routes (with MIGRATION_ENABLED=false they answer 404, as if absent) and the
 * first sign-in's data step, offered to the auth module under its port's token. Only the
 * composition root imports this module; deleting it leaves sign-in without the step.
 */
@Global()
@Module({
  imports: [LegacyAuthModule],
  controllers: [MigrationController],
  providers: [
    FirestoreMigrationService,
    { provide: LEGACY_DATA_MIGRATION, useExisting: FirestoreMigrationService },
  ],
  exports: [FirestoreMigrationService, LEGACY_DATA_MIGRATION],
})
export class FirestoreMigrationModule {}
