import { Injectable, Optional } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { probeDependencies } from '../../platform/aws/stand-ins.js';
import { ProviderGateways } from '../../platform/providers/provider-gateways.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import type { Database } from '../../platform/storage/database.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import { KeyRing } from '../../privacy/crypto/key-ring.js';
import type { ReadinessResponse } from './health.dto.js';

const PING_TIMEOUT_MS = 1_000;

type Check = ReadinessResponse['checks'][string];

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectDatabase() private readonly db: Database,
    @Optional() private readonly keys?: KeyRing,
    @Optional() private readonly gateways?: ProviderGateways,
  ) {}

  /**
   * The current field key and the blind index key are in memory or can be unwrapped: requests
   * that encrypt, decrypt or look up personal data can be served. A running task whose keys are
   * cached stays up while KMS is away; a task that started during the outage is down until it
   * can unwrap them.
   */
  private async checkKeys(keys: KeyRing): Promise<Check> {
    const started = performance.now();
    try {
      await withTimeout(Promise.all([keys.ensure(), keys.ensureBlindIndexKey()]), PING_TIMEOUT_MS);
      return {
        status: 'up',
        kind: this.config.privacy.keys.kind,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return {
        status: 'down',
        kind: this.config.privacy.keys.kind,
        latencyMs: Math.round(performance.now() - started),
        error: error instanceof Error ? error.message : 'unavailable',
      };
    }
  }

  /** The database answers, and its schema has every migration this build expects. */
  private async checkDatabase(): Promise<Check> {
    const started = performance.now();
    try {
      await withTimeout(this.db.ping(), PING_TIMEOUT_MS);
      const pending = await withTimeout(
        new SchemaMigrator(this.db, MIGRATIONS).pending(),
        PING_TIMEOUT_MS,
      );
      const latencyMs = Math.round(performance.now() - started);
      if (pending.length > 0) {
        return {
          status: 'down',
          kind: this.db.kind,
          latencyMs,
          error: `${pending.length} schema migration(s) pending: run "cli db migrate"`,
        };
      }
      return { status: 'up', kind: this.db.kind, latencyMs };
    } catch (error) {
      return {
        status: 'down',
        kind: this.db.kind,
        latencyMs: Math.round(performance.now() - started),
        error: error instanceof Error ? error.message : 'unreachable',
      };
    }
  }

  /**
   * Ready: the database answers, the field keys are usable (where this process has the privacy
   * layer) and, in local mode, every stand-in answers too.
   */
  async readiness(): Promise<ReadinessResponse> {
    const [database, keys, standIns] = await Promise.all([
      this.checkDatabase(),
      this.keys ? this.checkKeys(this.keys) : Promise.resolve(undefined),
      this.config.mode === 'local' ? probeDependencies(this.config) : Promise.resolve([]),
    ]);
    const checks: ReadinessResponse['checks'] = { database, ...(keys ? { keys } : {}) };
    for (const probe of standIns) {
      checks[probe.name] = {
        status: probe.status,
        url: probe.url,
        latencyMs: Math.round(probe.latencyMs),
        ...(probe.error ? { error: probe.error } : {}),
      };
    }
    const ok = Object.values(checks).every((c) => c.status === 'up');
    const providers = this.gateways?.health() ?? [];
    return {
      status: ok ? 'ok' : 'unavailable',
      mode: this.config.mode,
      checks,
      ...(providers.length ? { providers } : {}),
    };
  }
}
