import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AppConfig } from '../../src/config/config.js';
import { createPrefixer } from '../../src/local/output.js';
import type { ManagedProcess } from '../../src/local/processes.js';
import { spawnS3rver } from '../../src/local/s3.js';
import { createS3Client } from '../../src/platform/aws/clients.js';

/**
 * s3rver on the port `config` names (LOCAL_S3_PORT, local mode), its files under `dataDir`, with
 * the configured bucket, and a client of the app's own making once the bucket answers.
 */
export async function startS3StandIn(
  config: AppConfig,
  dataDir: string,
): Promise<{ s3: S3Client; stop(): Promise<void> }> {
  const port = Number(new URL(config.aws.s3.endpoint ?? '').port);
  const s3rver: ManagedProcess = await spawnS3rver({
    dir: `${dataDir}/s3`,
    configDir: `${dataDir}/local-stack`,
    port,
    bucket: config.aws.s3.bucket,
    env: process.env,
    output: createPrefixer(() => undefined, false),
  });
  const s3 = createS3Client(config);
  for (let attempt = 0; ; attempt++) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: config.aws.s3.bucket }));
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    s3,
    async stop() {
      s3.destroy();
      await s3rver.stop(5_000);
    },
  };
}
