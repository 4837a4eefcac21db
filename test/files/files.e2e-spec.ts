import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/ports.js';
import { FilesService } from '../../src/modules/files/files.service.js';
import { EICAR_TEST_FILE } from '../../src/integrations/clamav/stub-scanner.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { lastAccessRecord } from '../support/access-records.js';
import { startS3StandIn } from '../support/s3-stand-in.js';
import { AWS_LIKE_ENV, callApi, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';
import { startUpload, uploadBytes } from '../support/uploads.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const kim = mint.access('worker-kim', ['worker']);
const lee = mint.access('worker-lee', ['worker']);
const business = mint.access('business-1', ['business']);
const operator = mint.access('op-files', ['operator']);

/** A photo as phones take them: JPEG with EXIF, GPS coordinates included. */
function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#88aacc' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'Phone 15' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '37/1 30/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '127/1 2/1 0/1',
      },
    })
    .toBuffer();
}

/**
 * Uploaded files end to end on s3rver: the presigned POST policy, the completion's checks (type
 * by the bytes, metadata stripped), the owner's and the operators' downloads, refusals, and the
 * cleanup of uploads never completed.
 */
describe('files: presigned uploads, checked bytes, downloads', () => {
  let stopS3: (() => Promise<void>) | undefined;
  let api: TestApi;
  let db: Database;
  let s3: S3Client;

  beforeAll(async () => {
    const s3Port = await freePort();
    api = await startTestApi({
      env: {
        APP_MODE: 'local',
        LOCAL_S3_PORT: String(s3Port),
        COGNITO_USER_POOL_ID: AWS_LIKE_ENV.COGNITO_USER_POOL_ID,
        COGNITO_CLIENT_ID: AWS_LIKE_ENV.COGNITO_CLIENT_ID,
      },
    });
    ({ s3, stop: stopS3 } = await startS3StandIn(api.config, api.dataDir));
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    db = api.app.get<Database>(DATABASE);
  });

  afterAll(async () => {
    await api?.close();
    await stopS3?.();
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    callApi(api, method, path, token, body);

  const start = (token: string, kind: string, contentType: string, bytes: number) =>
    startUpload(api, token, kind, contentType, bytes);
  const upload = uploadBytes;

  const objectExists = async (id: string, kind: string) => {
    try {
      await s3.send(
        new HeadObjectCommand({ Bucket: api.config.aws.s3.bucket, Key: `files/${kind}/${id}` }),
      );
      return true;
    } catch {
      return false;
    }
  };

  it('takes a photo through the presigned policy, strips its EXIF and GPS, and hands it back to its owner', async () => {
    const photo = await photoWithGps();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const started = await start(kim, 'health_certificate', 'image/jpeg', photo.length);
    expect(started.file.status).toBe('pending');
    await upload(started, photo, 'image/jpeg');

    const completed = await call('POST', `/files/${started.file.id}/complete`, kim);
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject({
      status: 'ready',
      contentType: 'image/jpeg',
      width: 64,
      height: 48,
      scannedBy: { name: 'stub', real: false },
    });

    const got = (await (await call('GET', `/files/${started.file.id}`, kim)).json()) as {
      download: { url: string };
    };
    const stored = Buffer.from(await (await fetch(got.download.url)).arrayBuffer());
    const metadata = await sharp(stored).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.width).toBe(64);
    expect(stored.includes(Buffer.from('PhoneMaker'))).toBe(false);
  });

  it('refuses a file whose bytes are not the declared type, deletes it and says why', async () => {
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#fff' },
    })
      .png()
      .toBuffer();
    const started = await start(kim, 'qualification_certificate', 'image/jpeg', png.length);
    await upload(started, png, 'image/jpeg');

    const completed = await call('POST', `/files/${started.file.id}/complete`, kim);
    expect(completed.status).toBe(422);
    expect(await completed.json()).toMatchObject({ code: 'file_type_mismatch' });
    expect(await objectExists(started.file.id, 'qualification_certificate')).toBe(false);
    const view = (await (await call('GET', `/files/${started.file.id}`, kim)).json()) as {
      file: unknown;
      download: unknown;
    };
    expect(view).toMatchObject({
      file: { status: 'rejected', rejection: { code: 'file_type_mismatch' } },
      download: null,
    });
  });

  it('refuses an upload larger than declared, and one the virus scan flags, deleting both', async () => {
    // The local stand-in does not enforce the policy's size: the completion checks it again.
    const pdf = Buffer.from(`%PDF-1.4\n${'x'.repeat(400)}\n%%EOF\n`);
    const big = await start(kim, 'qualification_certificate', 'application/pdf', 100);
    await upload(big, pdf, 'application/pdf');
    const tooLarge = await call('POST', `/files/${big.file.id}/complete`, kim);
    expect(tooLarge.status).toBe(422);
    expect(await tooLarge.json()).toMatchObject({ code: 'file_too_large' });
    expect(await objectExists(big.file.id, 'qualification_certificate')).toBe(false);

    // The EICAR test string inside a PDF: what the local (stub) scanner flags.
    const infected = Buffer.from(`%PDF-1.4\n${EICAR_TEST_FILE}\n%%EOF\n`, 'latin1');
    const flagged = await start(
      kim,
      'qualification_certificate',
      'application/pdf',
      infected.length,
    );
    await upload(flagged, infected, 'application/pdf');
    const scanned = await call('POST', `/files/${flagged.file.id}/complete`, kim);
    expect(scanned.status).toBe(422);
    expect(await scanned.json()).toMatchObject({ code: 'file_infected' });
    expect(await objectExists(flagged.file.id, 'qualification_certificate')).toBe(false);
  });

  it('answers someone else’s file as one that does not exist, and lets an operator read it, recorded', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const started = await start(kim, 'qualification_certificate', 'application/pdf', pdf.length);
    await upload(started, pdf, 'application/pdf');
    expect((await call('POST', `/files/${started.file.id}/complete`, kim)).status).toBe(200);

    expect((await call('GET', `/files/${started.file.id}`, lee)).status).toBe(404);
    expect((await call('POST', `/files/${started.file.id}/complete`, lee)).status).toBe(404);
    expect((await call('DELETE', `/files/${started.file.id}`, lee)).status).toBe(404);

    const staff = await call('GET', `/operator/files/${started.file.id}`, operator);
    expect(staff.status).toBe(200);
    expect(await lastAccessRecord(db)).toMatchObject({
      actor: { id: 'op-files', role: 'operator' },
      action: 'read',
      dataset: 'files',
      subjects: ['worker-kim'],
      fields: ['qualification_certificate'],
    });
    const { download } = (await staff.json()) as { download: { url: string } };
    expect(Buffer.from(await (await fetch(download.url)).arrayBuffer())).toEqual(pdf);
  });

  it('refuses a kind the member’s role does not upload, a type the kind does not take, and a size over its limit', async () => {
    const forBusiness = await call('POST', '/files', business, {
      kind: 'health_certificate',
      contentType: 'image/jpeg',
      bytes: 100,
    });
    expect(forBusiness.status).toBe(403);
    expect(await forBusiness.json()).toMatchObject({ code: 'file_kind_not_allowed' });
    const webp = await call('POST', '/files', kim, {
      kind: 'health_certificate',
      contentType: 'image/webp',
      bytes: 100,
    });
    expect(await webp.json()).toMatchObject({ code: 'file_type_not_allowed' });
    const huge = await call('POST', '/files', kim, {
      kind: 'profile_photo',
      contentType: 'image/jpeg',
      bytes: 50 * 1024 * 1024,
    });
    expect(huge.status).toBe(422);
    expect(await huge.json()).toMatchObject({ code: 'file_too_large' });
  });

  it('refuses to complete before anything was uploaded, and cleans up an upload never completed after a day', async () => {
    const started = await start(kim, 'profile_photo', 'image/png', 1_000);
    const early = await call('POST', `/files/${started.file.id}/complete`, kim);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'file_not_uploaded' });
    await upload(started, Buffer.alloc(500, 1), 'image/png');

    const files = api.app.get(FilesService);
    expect(await files.cleanup(new Date(Date.now() + 23 * 3_600_000))).toEqual({ expired: 0 });
    const { expired } = await files.cleanup(new Date(Date.now() + 25 * 3_600_000));
    expect(expired).toBeGreaterThanOrEqual(1);
    expect(await objectExists(started.file.id, 'profile_photo')).toBe(false);
    const view = (await (await call('GET', `/files/${started.file.id}`, kim)).json()) as {
      file: { status: string };
    };
    expect(view.file.status).toBe('expired');
  });

  it('lets a worker point a qualification at their own ready certificate, which operators then see', async () => {
    const profile = { legalName: '김민수', birthDate: '1998-04-17', phone: '010-1234-5678' };
    expect((await call('PUT', '/workers/me', kim, profile)).status).toBe(200);
    const photo = await photoWithGps();
    const started = await start(kim, 'health_certificate', 'image/jpeg', photo.length);
    await upload(started, photo, 'image/jpeg');
    expect((await call('POST', `/files/${started.file.id}/complete`, kim)).status).toBe(200);
    const pending = await start(kim, 'health_certificate', 'image/jpeg', 100);

    const declare = (token: string, certificateFileId: string) =>
      call('POST', '/workers/me/qualifications', token, {
        code: 'health-certificate',
        certificateFileId,
      });
    const declared = await declare(kim, started.file.id);
    expect(declared.status).toBe(200);
    expect(await declared.json()).toMatchObject({
      qualifications: [{ code: 'health-certificate', certificateFileId: started.file.id }],
    });
    expect(
      (await call('PUT', '/workers/me', lee, { ...profile, legalName: '이지원' })).status,
    ).toBe(200);
    const othersFile = await declare(lee, started.file.id);
    expect(othersFile.status).toBe(404);
    expect(await othersFile.json()).toMatchObject({ code: 'file_not_found' });
    const notReady = await declare(kim, pending.file.id);
    expect(notReady.status).toBe(409);
    expect(await notReady.json()).toMatchObject({ code: 'file_not_usable' });

    const staff = await call('GET', '/operator/workers/worker-kim', operator);
    expect(await staff.json()).toMatchObject({
      qualifications: [{ code: 'health-certificate', certificateFileId: started.file.id }],
    });

    // Verified on that certificate, the qualification keeps pointing at it: the evidence stays.
    const verified = await call(
      'POST',
      '/operator/workers/worker-kim/qualifications/health-certificate',
      operator,
      { action: 'verify', evidence: 'Ticket 516: 보건증 확인' },
    );
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({
      qualifications: [
        { code: 'health-certificate', verified: true, certificateFileId: started.file.id },
      ],
    });
  });

  it('lets a business point its record at its own registration certificate, which operators see', async () => {
    const registered = await call('POST', '/businesses', business, {
      businessNumber: '124-81-00998',
      name: '행복베이커리',
      representativeName: '박서준',
      openingDate: '2019-03-02',
      address: '서울특별시 강남구 테헤란로 152',
    });
    expect(registered.status).toBe(201);
    const { id } = (await registered.json()) as { id: string };
    const pdf = Buffer.from('%PDF-1.4\n사업자등록증\n%%EOF\n');
    const started = await start(business, 'business_registration', 'application/pdf', pdf.length);
    await upload(started, pdf, 'application/pdf');
    expect((await call('POST', `/files/${started.file.id}/complete`, business)).status).toBe(200);

    const edited = await call('PATCH', `/businesses/${id}`, business, {
      registrationCertificateFileId: started.file.id,
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ registrationCertificateFileId: started.file.id });
    const workersFile = await start(kim, 'health_certificate', 'image/png', 10);
    const notTheirs = await call('PATCH', `/businesses/${id}`, business, {
      registrationCertificateFileId: workersFile.file.id,
    });
    expect(notTheirs.status).toBe(404);
    expect(await notTheirs.json()).toMatchObject({ code: 'file_not_found' });

    const staff = await call('GET', `/operator/businesses/${id}`, operator);
    expect(await staff.json()).toMatchObject({ registrationCertificateFileId: started.file.id });
  });

  it('deletes a file for its owner: the object goes, the file is gone for everyone', async () => {
    const pdf = Buffer.from('%PDF-1.7\n%%EOF\n');
    const started = await start(kim, 'qualification_certificate', 'application/pdf', pdf.length);
    await upload(started, pdf, 'application/pdf');
    expect((await call('POST', `/files/${started.file.id}/complete`, kim)).status).toBe(200);

    expect((await call('DELETE', `/files/${started.file.id}`, kim)).status).toBe(204);

    expect(await objectExists(started.file.id, 'qualification_certificate')).toBe(false);
    expect((await call('GET', `/files/${started.file.id}`, kim)).status).toBe(404);
    expect((await call('GET', `/operator/files/${started.file.id}`, operator)).status).toBe(404);
  });
});
