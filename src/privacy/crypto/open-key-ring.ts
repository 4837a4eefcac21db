import type { KMSClient } from '@aws-sdk/client-kms';
import type { AppConfig } from '../../config/config.js';
import type { AwsClientOptions } from '../../platform/aws/clients.js';
import type { Database } from '../../platform/storage/database.js';
import { DatabaseKeyRingStore } from './database-key-ring-store.js';
import { KeyRing, type KeyRingLogger } from './key-ring.js';
import { createKmsClient, KmsDataKeyProvider } from './kms-data-key-provider.js';

export interface OpenKeyRingOptions extends AwsClientOptions {
  /** Where failed background refreshes of the keys are reported. */
  logger?: KeyRingLogger;
  /** Open while KMS is unreachable, keys cold until it returns (long-running services). */
  tolerateUnavailable?: boolean;
  /** The key ring's clock (tests). */
  now?: () => number;
  /**
   * The AWS region of the KMS key when only `config.privacy` is passed; without it the SDK's
   * own chain applies (`AWS_REGION`, which ECS sets). Ignored when the whole config is passed.
   */
  region?: string;
  /** A KMS client to use instead of one built from the configuration. */
  kmsClient?: KMSClient;
}

/**
 * The key ring the configuration names: a local key file (`file`), or KMS-wrapped data keys
 * shared by every task through the database (`kms`). Pass the whole `AppConfig` so the KMS
 * client gets the configured region and, in `local` mode, fixed credentials; passing only
 * `config.privacy` still works (region from `options.region` or the SDK's chain, credentials
 * from the SDK's default chain). Keys are unwrapped again after `privacy.dataKeyTtlMs`.
 */
export async function openKeyRing(
  config: AppConfig | AppConfig['privacy'],
  db: Database,
  options: OpenKeyRingOptions = {},
): Promise<KeyRing> {
  const whole = 'privacy' in config ? config : undefined;
  const privacy = whole ? whole.privacy : (config as AppConfig['privacy']);
  const ringOptions = {
    ttlMs: privacy.dataKeyTtlMs,
    ...(options.now ? { now: options.now } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.tolerateUnavailable ? { tolerateUnavailable: true } : {}),
  };
  const keys = privacy.keys;
  if (keys.kind === 'file') return KeyRing.openLocal(keys.dir, ringOptions);
  const client =
    options.kmsClient ??
    createKmsClient(whole ?? { mode: 'aws', aws: { region: options.region }, privacy }, options);
  return KeyRing.open(
    new DatabaseKeyRingStore(db),
    new KmsDataKeyProvider(client, keys.keyId),
    ringOptions,
  );
}
