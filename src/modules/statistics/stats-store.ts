import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { HeadlineValues } from './monthly-figures.js';

const PREFIX = 'stats';

export interface StatsFile {
  /** The file's name in the report (`report.xlsx`, `daily.png`, …). */
  name: string;
  contentType: string;
  body: Buffer;
}

export interface StatsManifest {
  month: string;
  generatedAt: string;
  /** Each run writes its files under its own prefix; the manifest names the current one. */
  runId: string;
  empty: boolean;
  /** The month's headline values: the next month's comparison reads them from here. */
  headline: HeadlineValues;
  files: { name: string; key: string; contentType: string; bytes: number; sha256: string }[];
}

/**
 * The monthly reports on S3 under `stats/YYYY-MM/`: each run's files under
 * `stats/YYYY-MM/runs/<runId>/`, then `stats/YYYY-MM/manifest.json` naming them. A reader only
 * follows the manifest, and replacing it is a single PUT, so running a month again replaces its
 * outputs at once: a reader sees the old run's files or the new run's, never a mix. The old
 * run's files are removed after the switch (a failure there leaves garbage, never a broken
 * report; the bucket's lifecycle rules catch it).
 */
export class StatsStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async publish(
    report: { month: string; generatedAt: string; empty: boolean; headline: HeadlineValues },
    files: readonly StatsFile[],
  ): Promise<StatsManifest> {
    const before = await this.manifest(report.month);
    const runId = `${report.generatedAt.replace(/[^0-9]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
    const written: StatsManifest['files'] = [];
    for (const file of files) {
      const key = `${PREFIX}/${report.month}/runs/${runId}/${file.name}`;
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: file.body,
          ContentType: file.contentType,
          ContentDisposition: `attachment; filename="${report.month}-${file.name}"`,
        }),
      );
      written.push({
        name: file.name,
        key,
        contentType: file.contentType,
        bytes: file.body.length,
        sha256: createHash('sha256').update(file.body).digest('hex'),
      });
    }
    const manifest: StatsManifest = { ...report, runId, files: written };
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: manifestKey(report.month),
        Body: JSON.stringify(manifest, null, 2),
        ContentType: 'application/json',
      }),
    );
    if (before && before.runId !== runId && before.files.length > 0) {
      await this.s3
        .send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: before.files.map((file) => ({ Key: file.key })), Quiet: true },
          }),
        )
        .catch(() => undefined);
    }
    return manifest;
  }

  /** The month's current manifest, or undefined when the month has no report. */
  async manifest(month: string): Promise<StatsManifest | undefined> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: manifestKey(month) }),
      );
      return JSON.parse(await object.Body!.transformToString()) as StatsManifest;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        return undefined;
      }
      throw error;
    }
  }

  /** The months with a report, newest first. */
  async months(): Promise<string[]> {
    const months: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: `${PREFIX}/`,
          Delimiter: '/',
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const prefix of page.CommonPrefixes ?? []) {
        const month = /^stats\/(\d{4}-\d{2})\/$/.exec(prefix.Prefix ?? '')?.[1];
        if (month) months.push(month);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return months.sort().reverse();
  }

  /** A presigned GET of one file a manifest names. */
  downloadUrl(file: { key: string }, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: file.key }), {
      expiresIn: expiresInSeconds,
    });
  }
}

const manifestKey = (month: string) => `${PREFIX}/${month}/manifest.json`;
