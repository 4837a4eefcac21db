import {
  DecryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  type KMSClientConfig,
} from '@aws-sdk/client-kms';
import type { AppConfig } from '../../config/config.js';
import { type AwsClientOptions, LOCAL_CREDENTIALS } from '../../platform/aws/clients.js';
import { DATA_KEY_BYTES, type DataKey, type DataKeyProvider } from './data-key-provider.js';

/**
 * Bound to every wrapped data key (KMS authenticates it with the ciphertext): a blob copied out
 * of the key ring cannot be decrypted by a caller that does not name this purpose, and key
 * policies can require it (`kms:EncryptionContext:purpose`).
 */
export const KMS_ENCRYPTION_CONTEXT: Readonly<Record<string, string>> = Object.freeze({
  purpose: 'workmatch field data key',
});

/**
 * `aws` mode: data keys from KMS `GenerateDataKey` (AES_256), unwrapped with `Decrypt`. The name
 * carries the key id as configured, so a ring written under one KMS key refuses to open under
 * another (an alias and the ARN of the same key count as different: configure one spelling).
 */
export class KmsDataKeyProvider implements DataKeyProvider {
  readonly name: string;

  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
    private readonly encryptionContext: Readonly<Record<string, string>> = KMS_ENCRYPTION_CONTEXT,
  ) {
    this.name = `kms:${keyId}`;
  }

  async generateDataKey(): Promise<DataKey> {
    const out = await this.client.send(
      new GenerateDataKeyCommand({
        KeyId: this.keyId,
        KeySpec: 'AES_256',
        EncryptionContext: { ...this.encryptionContext },
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS GenerateDataKey answered without a ciphertext');
    return { plaintext: takeKey(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob) };
  }

  async decrypt(wrapped: Buffer): Promise<Buffer> {
    const out = await this.client.send(
      new DecryptCommand({
        CiphertextBlob: wrapped,
        // Naming the key makes KMS refuse a blob wrapped under any other key
        // (IncorrectKeyException) instead of decrypting it with whatever key it names.
        KeyId: this.keyId,
        EncryptionContext: { ...this.encryptionContext },
      }),
    );
    return takeKey(out.Plaintext);
  }
}

/** Copies the SDK's plaintext into a Buffer of our own and wipes the SDK's copy. */
function takeKey(plaintext: Uint8Array | undefined): Buffer {
  if (plaintext?.length !== DATA_KEY_BYTES) {
    throw new Error(`KMS answered with a data key that is not ${DATA_KEY_BYTES} bytes`);
  }
  const key = Buffer.from(plaintext);
  plaintext.fill(0);
  return key;
}

/** What the KMS client needs of the configuration; `AppConfig` fits. */
export interface KmsClientConfig {
  mode: AppConfig['mode'];
  /** Undefined: the SDK's own region chain (`AWS_REGION`, which ECS sets). */
  aws: { region: string | undefined };
  privacy: Pick<AppConfig['privacy'], 'keys'>;
}

/**
 * A cold data key holds up the request that needs it, so KMS calls are bounded unless the
 * caller says otherwise: better a quick 503 than a request hanging on a network fault.
 */
const KMS_DEFAULT_TIMEOUT_MS = 3_000;

/**
 * The KMS client, built like the clients of `platform/aws/clients.ts`: region from the
 * configuration, the configured endpoint (a VPC endpoint, or a stand-in) when there is one,
 * fixed credentials in `local` mode, the SDK's default chain (the task role) in `aws` mode.
 */
export function createKmsClient(
  config: KmsClientConfig,
  options: AwsClientOptions = {},
): KMSClient {
  const keys = config.privacy.keys;
  const endpoint = keys.kind === 'kms' ? keys.endpoint : undefined;
  const timeoutMs = options.timeoutMs ?? KMS_DEFAULT_TIMEOUT_MS;
  const settings: KMSClientConfig = {
    ...(config.aws.region === undefined ? {} : { region: config.aws.region }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
    ...(endpoint ? { endpoint } : {}),
    ...(config.mode === 'local' ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
  return new KMSClient(settings);
}
