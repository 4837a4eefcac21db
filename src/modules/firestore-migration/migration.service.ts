import { AuditLog } from '../../platform/audit/audit-log.js';
import { Inject, Injectable, NotFoundException, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import type { Database } from '../../platform/storage/database.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import { FieldCipher } from '../../privacy/crypto/field-cipher.js';
import { PersonalData } from '../../privacy/personal-data/personal-data.service.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { LEGACY_ACCOUNTS, type LegacyAccounts } from '../legacy-auth/legacy-accounts.port.js';
import type { LegacyDataMigration } from '../legacy-auth/legacy-data.port.js';
import { MEMBER_PERSONAL_DATA } from '../members/members.policy.js';
import { LegacySealer } from './codec/legacy-sealer.js';
import { MigrationEngine } from './engine/migration-engine.js';
import { MigrationStateRepository } from './engine/migration-state.repository.js';
import { migrationStatus, type MigrationStatus } from './engine/status.js';
import { legacyUidByEmail } from './engine/legacy-uid-by-email.js';
import { UserMigration, type UserMigrationReport } from './engine/user-migration.js';
import { MigrationVerifier } from './engine/verify.js';
import type { FirestoreSource } from './source/firestore-source.js';
import { sourceFromConfig } from './source/source-from-config.js';
import { stageWriters } from './stage-writers.js';

/** How long the first sign-in waits for the data step before it answers anyway. */
const SIGN_IN_BUDGET_MS = 5_000;
/** An admin's request for one user (an HTTP request: well under the gateway's 30 s). */
const ON_DEMAND_BUDGET_MS = 20_000;

/** How long finding a user by email may read the source (a file is read whole), within a request. */
const EMAIL_LOOKUP_BUDGET_MS = 10_000;

/** The router's own 404, as if the route did not exist, while the migration is switched off. */
const switchedOff = () => new NotFoundException();

/**
 * The Firestore migration inside the API and the worker: where it stands, one user on demand
 * (the admin route and the first sign-in's data step) and the daily run. Everything is off while
 * MIGRATION_ENABLED=false. The source is opened on first use and closed at shutdown.
 */
@Injectable()
export class FirestoreMigrationService implements LegacyDataMigration, OnApplicationShutdown {
  private source: FirestoreSource | undefined;
  private readonly state: MigrationStateRepository;

  constructor(
    @InjectDatabase() private readonly db: Database,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() private readonly logger: Logger,
    private readonly personalData: PersonalData,
    private readonly cipher: FieldCipher,
    private readonly access: StaffAccess,
    private readonly audit: AuditLog,
    @Inject(LEGACY_ACCOUNTS) private readonly accounts: LegacyAccounts,
  ) {
    this.state = new MigrationStateRepository(db);
  }

  get enabled(): boolean {
    return this.config.migration.enabled;
  }

  async status(): Promise<MigrationStatus> {
    if (!this.enabled) throw switchedOff();
    return migrationStatus(this.state, true);
  }

  /**
   * One user's whole graph now, for an admin: recorded as a staff action on the member's personal
   * data (the migration writes it) before anything is read.
   */
  async migrateUser(actor: StaffActor, uid: string): Promise<UserMigrationReport> {
    if (!this.enabled) throw switchedOff();
    const source = this.sourceOrRefuse();
    await this.access.record(actor, {
      action: 'create',
      policy: MEMBER_PERSONAL_DATA,
      subjects: [uid],
      fields: Object.keys(MEMBER_PERSONAL_DATA.fields),
      reason: 'Firestore migration of one user on demand',
    });
    const report = await this.userMigration(source).migrate(uid, {
      budgetMs: ON_DEMAND_BUDGET_MS,
    });
    if (report.outcome === 'not_found') {
      throw new DomainError(
        'not_found',
        'legacy_user_not_found',
        'The old app has no user with this uid.',
      );
    }
    this.logger.info(
      { uid, outcome: report.outcome, moved: report.moved.length, failed: report.failed.length },
      'user migrated on demand',
    );
    await this.audit.record({
      action: 'migration.user.migrated',
      actor: { type: 'staff', id: actor.id, role: actor.role },
      subject: { type: 'legacy-user', id: uid },
      outcome: report.outcome,
      details: { moved: report.moved.length, failed: report.failed.length },
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
    });
    return report;
  }

  /**
   * One user's whole graph, found by email ({@link legacyUidByEmail}: their Firebase Auth account,
   * else the user document holding it). No one is 404 `legacy_user_not_found`; two users' documents
   * holding it is 409 `legacy_email_ambiguous` naming their uids, for the admin to choose from; a
   * file source too large to read within the budget is 422 `legacy_lookup_too_slow`. The email is
   * never echoed.
   */
  async migrateUserByEmail(actor: StaffActor, email: string): Promise<UserMigrationReport> {
    if (!this.enabled) throw switchedOff();
    const found = await legacyUidByEmail(email, {
      accounts: this.accounts,
      source: this.sourceOrRefuse(),
      signal: AbortSignal.timeout(EMAIL_LOOKUP_BUDGET_MS),
    });
    if ('tooSlow' in found) {
      throw new DomainError(
        'unprocessable',
        'legacy_lookup_too_slow',
        'Finding the user by email reads the whole source file, which takes too long here: ' +
          'migrate them by uid.',
      );
    }
    if ('notFound' in found) {
      throw new DomainError(
        'not_found',
        'legacy_user_not_found',
        'The old app has no user with this email.',
      );
    }
    if ('ambiguous' in found) {
      throw new DomainError(
        'conflict',
        'legacy_email_ambiguous',
        'Several users of the old app hold this email: migrate one by its uid.',
        { candidates: found.ambiguous },
      );
    }
    return this.migrateUser(actor, found.found);
  }

  /** The first sign-in's data step: bounded, and never failing the sign-in. */
  async migrateOnFirstSignIn(firebaseUid: string): Promise<void> {
    if (!this.enabled || !this.config.migration.source) return;
    try {
      const report = await this.userMigration(this.openSource()).migrate(firebaseUid, {
        budgetMs: SIGN_IN_BUDGET_MS,
      });
      this.logger.info(
        {
          uid: firebaseUid,
          outcome: report.outcome,
          moved: report.moved.length,
          failed: report.failed.length,
          elapsedMs: report.elapsedMs,
        },
        'first sign-in: user data migrated',
      );
    } catch (error) {
      this.logger.warn(
        { uid: firebaseUid, err: error },
        'first sign-in: the data step failed; the daily batch brings the data',
      );
    }
  }

  /**
   * The daily job: today's share of the staged copy, then the verification of the stages it
   * finished (a clean one lets the next stages start on the next run).
   */
  async dailyRun(signal: AbortSignal): Promise<Record<string, number | string | boolean>> {
    if (!this.enabled) return { skipped: 'MIGRATION_ENABLED=false' };
    if (!this.config.migration.source) return { skipped: 'no MIGRATION_SOURCE' };
    const source = this.openSource();
    const writers = stageWriters(this.db, { personalData: this.personalData, cipher: this.cipher });
    const run = await new MigrationEngine({
      source,
      state: this.state,
      writers,
      logger: this.logger,
    }).run({ quota: this.config.migration.quota, signal });
    const verified = await new MigrationVerifier({
      source,
      db: this.db,
      state: this.state,
      writers,
      sealer: new LegacySealer(this.cipher),
    }).verify({ reverify: false, signal });
    return {
      outcome: run.outcome,
      read: run.counts.read,
      written: run.counts.written,
      skipped: run.counts.skipped,
      verified: verified.filter((v) => v.clean).length,
      unclean: verified.filter((v) => !v.clean).length,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.source?.close();
    this.source = undefined;
  }

  private userMigration(source: FirestoreSource) {
    return new UserMigration({
      source,
      state: this.state,
      writers: stageWriters(this.db, { personalData: this.personalData, cipher: this.cipher }),
      logger: this.logger,
    });
  }

  private sourceOrRefuse(): FirestoreSource {
    if (!this.config.migration.source) {
      throw new DomainError(
        'conflict',
        'migration_source_not_configured',
        'No source to migrate from: set MIGRATION_SOURCE (and its path or project).',
      );
    }
    return this.openSource();
  }

  private openSource(): FirestoreSource {
    this.source ??= sourceFromConfig(this.config.migration.source!);
    return this.source;
  }
}
