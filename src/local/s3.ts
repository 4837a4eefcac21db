import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Prefixer } from './output.js';
import { LOOPBACK } from './ports.js';
import { ManagedProcess } from './processes.js';

/**
 * Browsers on any local origin may PUT to presigned URLs and read the ETag back. One wildcard
 * per origin is all S3 (and s3rver) allow, hence two rules' worth of origins.
 */
const S3_CORS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <AllowedOrigin>http://localhost:*</AllowedOrigin>
    <AllowedOrigin>http://127.0.0.1:*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>DELETE</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>
`;

const require = createRequire(import.meta.url);

function s3rverBin(): string {
  return path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
}

/**
 * s3rver's paginated ListObjectsV2 encrypts its continuation token with DES, which OpenSSL 3
 * refuses without the legacy provider (standins.md §2): every truncated listing would be a 500.
 * The flag is why s3rver runs in a process of its own rather than in the launcher.
 */
export function withLegacyOpenSsl(nodeOptions: string | undefined): string {
  const flag = '--openssl-legacy-provider';
  return nodeOptions?.includes(flag) ? nodeOptions : [nodeOptions, flag].filter(Boolean).join(' ');
}

export interface S3rverOptions {
  /** Where buckets and objects live (`.data/s3`). */
  dir: string;
  /** Where the CORS document given to `--configure-bucket` is written. */
  configDir: string;
  port: number;
  bucket: string;
  env: NodeJS.ProcessEnv;
  output: Prefixer;
}

export async function spawnS3rver(options: S3rverOptions): Promise<ManagedProcess> {
  await fs.mkdir(options.dir, { recursive: true });
  await fs.mkdir(options.configDir, { recursive: true });
  const corsFile = path.join(options.configDir, 's3-cors.xml');
  await fs.writeFile(corsFile, S3_CORS_XML);
  return new ManagedProcess(
    {
      name: 's3',
      command: process.execPath,
      args: [
        s3rverBin(),
        ...['--directory', options.dir],
        ...['--address', LOOPBACK],
        ...['--port', String(options.port)],
        ...['--configure-bucket', options.bucket, corsFile],
        // A line per request (every readiness probe) drowned the console; its failures reach
        // the callers as S3 errors, which they log.
        '--silent',
      ],
      env: { ...options.env, NODE_OPTIONS: withLegacyOpenSsl(options.env.NODE_OPTIONS) },
      cwd: options.configDir,
      // Its banner (a blank line, then where it listens): the stack's banner says that.
      hide: (line) => line.trim() === '' || line.startsWith('S3rver listening on'),
    },
    options.output,
  );
}
