import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { createPrefixer } from '../../src/local/output.js';
import { freePort } from '../../src/local/ports.js';
import type { ManagedProcess } from '../../src/local/processes.js';
import { spawnS3rver, withLegacyOpenSsl } from '../../src/local/s3.js';
import { createS3Client } from '../../src/platform/aws/clients.js';
import { tempDir } from './support.js';

/** A presigned URL as the app makes them (FilesStore, StatsStore): the SDK's presigner. */
function presignedUrl(
  config: AppConfig,
  client: S3Client,
  method: 'GET' | 'PUT',
  key: string,
  expiresIn = 300,
): Promise<string> {
  const input = { Bucket: config.aws.s3.bucket, Key: key };
  const command = method === 'GET' ? new GetObjectCommand(input) : new PutObjectCommand(input);
  return getSignedUrl(client, command, { expiresIn });
}

describe('s3rver stand-in', () => {
  let config: AppConfig;
  let sut: S3Client;
  let s3rver: ManagedProcess | undefined;
  const output: string[] = [];

  beforeAll(async () => {
    const dir = await tempDir();
    const port = await freePort();
    config = loadConfig({ APP_MODE: 'local', LOCAL_S3_PORT: String(port), DATA_DIR: dir });
    s3rver = await spawnS3rver({
      dir: `${dir}/s3`,
      configDir: `${dir}/local-stack`,
      port,
      bucket: config.aws.s3.bucket,
      env: process.env,
      output: createPrefixer((line) => output.push(line), false),
    });
    sut = createS3Client(config);
    for (let attempt = 0; ; attempt++) {
      try {
        await sut.send(new HeadBucketCommand({ Bucket: config.aws.s3.bucket }));
        break;
      } catch (error) {
        if (attempt > 100 || !s3rver.running) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(async () => {
    sut?.destroy();
    await s3rver?.stop(5_000);
  });

  it('adds the legacy OpenSSL provider to NODE_OPTIONS without dropping what was there', () => {
    expect(withLegacyOpenSsl(undefined)).toBe('--openssl-legacy-provider');
    expect(withLegacyOpenSsl('--max-old-space-size=512')).toBe(
      '--max-old-space-size=512 --openssl-legacy-provider',
    );
    expect(withLegacyOpenSsl('--openssl-legacy-provider')).toBe('--openssl-legacy-provider');
  });

  it('creates the configured bucket at start', async () => {
    await expect(
      sut.send(new CreateBucketCommand({ Bucket: config.aws.s3.bucket })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/BucketAlready(Exists|OwnedByYou)/) });
  });

  it('round-trips bytes through a presigned PUT and a presigned GET', async () => {
    const bytes = Buffer.from('%PDF-1.7 contract \u00e9\u00e8 \u2603');
    const putUrl = await presignedUrl(config, sut, 'PUT', 'contracts/c-1.pdf');

    const put = await fetch(putUrl, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/pdf' },
    });
    const get = await fetch(await presignedUrl(config, sut, 'GET', 'contracts/c-1.pdf'));

    expect(put.status).toBe(200);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await get.arrayBuffer())).toEqual(bytes);
  });

  it('refuses an expired presigned GET', async () => {
    const url = await presignedUrl(config, sut, 'GET', 'contracts/c-1.pdf', 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    const response = await fetch(url);

    expect(response.status).toBe(403);
    await response.body?.cancel();
  });

  it('lets a browser on a local origin PUT to a presigned URL, and no other origin', async () => {
    const url = await presignedUrl(config, sut, 'PUT', 'uploads/photo.jpg');
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      });

    const local = await preflight('http://localhost:5173');
    const foreign = await preflight('https://evil.example');
    const put = await fetch(url, {
      method: 'PUT',
      body: 'jpeg',
      headers: { origin: 'http://127.0.0.1:8080', 'content-type': 'image/jpeg' },
    });

    expect(local.status).toBe(200);
    // s3rver answers a matched preflight with '*' whatever the rule says (real S3 echoes).
    expect(local.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(local.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(foreign.status).toBe(403);
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(put.headers.get('access-control-expose-headers')).toContain('ETag');
    await Promise.all([local, foreign, put].map((r) => r.body?.cancel()));
  });

  it('pages through a listing with continuation tokens (needs the legacy OpenSSL provider)', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `paged/${k}.txt`);
    for (const key of keys) {
      await sut.send(new PutObjectCommand({ Bucket: config.aws.s3.bucket, Key: key, Body: key }));
    }

    const seen: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await sut.send(
        new ListObjectsV2Command({
          Bucket: config.aws.s3.bucket,
          Prefix: 'paged/',
          MaxKeys: 2,
          ContinuationToken: token,
        }),
      );
      pages += 1;
      seen.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);

    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('stores a streamed upload as its bytes, not as aws-chunked framing', async () => {
    const body = 'x'.repeat(10_000);
    await sut.send(
      new PutObjectCommand({
        Bucket: config.aws.s3.bucket,
        Key: 'plain.txt',
        Body: Readable.from([body.slice(0, 4_000), body.slice(4_000)]),
        ContentLength: body.length,
      }),
    );

    const response = await fetch(await presignedUrl(config, sut, 'GET', 'plain.txt'));

    expect(await response.text()).toBe(body);
  });
});
