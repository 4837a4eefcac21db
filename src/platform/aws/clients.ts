import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { AppConfig } from '../../config/config.js';

/**
 * The one place that turns `AppConfig` into AWS SDK v3 clients. In `local` mode every client
 * points at its loopback stand-in with fixed credentials, so nothing ever looks for a profile
 * or an instance role; in `aws` mode the SDK's default credential chain (the ECS task role)
 * applies and an endpoint is set only when configured.
 */

/** s3rver accepts any secret but only this access key id (standins.md §2). */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** cognito-local and local-aws-sqs check no credentials; the SDK still needs some to sign. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Per-call knobs the factories accept on top of the configuration (probes use them). */
export interface AwsClientOptions {
  /** Attempts per call, retries included (SDK default 3). */
  maxAttempts?: number;
  /** Bound on connecting and on waiting for a response, in ms. */
  timeoutMs?: number;
}

function requestHandler(options: AwsClientOptions) {
  return options.timeoutMs === undefined
    ? {}
    : {
        requestHandler: {
          connectionTimeout: options.timeoutMs,
          requestTimeout: options.timeoutMs,
        },
      };
}

function common(options: AwsClientOptions) {
  return {
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...requestHandler(options),
  };
}

export function createS3Client(config: AppConfig, options: AwsClientOptions = {}): S3Client {
  const { region, s3 } = config.aws;
  const local = config.mode === 'local';
  const settings: S3ClientConfig = {
    region,
    ...common(options),
    ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
    ...(local
      ? {
          credentials: S3RVER_CREDENTIALS,
          // s3rver predates flexible checksums: it would store the aws-chunked framing of a
          // streamed upload as the object's bytes. Checksums only when an operation needs one.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  };
  return new S3Client(settings);
}

export function createSqsClient(config: AppConfig, options: AwsClientOptions = {}): SQSClient {
  const { region, sqs } = config.aws;
  const settings: SQSClientConfig = {
    region,
    ...common(options),
    ...(sqs.endpoint ? { endpoint: sqs.endpoint } : {}),
    ...(config.mode === 'local' ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
  return new SQSClient(settings);
}

export function createCognitoClient(
  config: AppConfig,
  options: AwsClientOptions = {},
): CognitoIdentityProviderClient {
  const { region, cognito } = config.aws;
  return new CognitoIdentityProviderClient({
    region,
    ...common(options),
    ...(cognito.endpoint ? { endpoint: cognito.endpoint } : {}),
    ...(config.mode === 'local' ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
}
