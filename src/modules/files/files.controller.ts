import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentPrincipal } from '../../platform/auth/current-principal.decorator.js';
import type { Principal } from '../../platform/auth/principal.js';
import { Member, Operator, Roles } from '../../platform/auth/route-class.decorator.js';
import { ObjectIdText } from '../../platform/http/fields.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import type { FileRecord } from './files.repository.js';
import { FilesService } from './files.service.js';
import { FILE_KINDS } from './inspection/file-kinds.js';

const FileKind = z.enum(FILE_KINDS);
const ContentType = z.enum(['application/pdf', 'image/jpeg', 'image/png', 'image/webp']);

const StartUpload = z
  .object({
    kind: FileKind,
    contentType: ContentType,
    bytes: z
      .number()
      .int()
      .min(1)
      .max(100 * 1024 * 1024),
  })
  .strict();
class StartUploadDto extends zodDto(StartUpload, {
  example: () => ({ kind: 'health_certificate', contentType: 'image/jpeg', bytes: 245_760 }),
}) {}

class FileIdParamsDto extends zodDto(z.object({ id: ObjectIdText })) {}

const FileView = z
  .object({
    id: z.string(),
    kind: FileKind,
    status: z.enum(['pending', 'ready', 'rejected', 'expired', 'deleted']),
    contentType: z.string().nullable().meta({ description: 'Checked by the bytes once ready' }),
    bytes: z.number().int().nullable(),
    sha256: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    scannedBy: z
      .object({ name: z.string(), real: z.boolean() })
      .nullable()
      .meta({ description: 'The virus scanner that passed it; real: false for the local stub' }),
    rejection: z.object({ code: z.string(), detail: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'UploadedFile' });
type FileView = z.infer<typeof FileView>;

const Upload = z
  .object({
    file: FileView,
    upload: z.object({
      url: z.url().meta({ description: 'POST a multipart form here: the fields, then `file`' }),
      fields: z.record(z.string(), z.string()),
      expiresAt: z.iso.datetime(),
    }),
  })
  .meta({ id: 'FileUpload' });

const FileWithDownload = z
  .object({
    file: FileView,
    download: z
      .object({ url: z.url(), expiresAt: z.iso.datetime() })
      .nullable()
      .meta({ description: 'A presigned S3 GET (5 minutes) once the file is ready' }),
  })
  .meta({ id: 'FileWithDownload' });
type FileWithDownload = z.infer<typeof FileWithDownload>;

function viewOf(file: FileRecord): FileView {
  return {
    id: file.id,
    kind: file.kind,
    status: file.status,
    contentType: file.contentType ?? null,
    bytes: file.bytes ?? null,
    sha256: file.sha256 ?? null,
    width: file.width ?? null,
    height: file.height ?? null,
    scannedBy: file.scanner ?? null,
    rejection: file.rejection ?? null,
    createdAt: file.createdAt.toISOString(),
    completedAt: file.completedAt?.toISOString() ?? null,
  };
}

function withDownload(found: {
  file: FileRecord;
  download: { url: string; expiresAt: Date } | null;
}): FileWithDownload {
  return {
    file: viewOf(found.file),
    download: found.download && {
      url: found.download.url,
      expiresAt: found.download.expiresAt.toISOString(),
    },
  };
}

const CHECKS =
  'The bytes are checked: the real type by its magic numbers (it must be the declared one and ' +
  'one the kind allows), the size, a virus scan, and images re-encoded without metadata (EXIF, ' +
  'GPS). A refused file is deleted: 422 with file_type_mismatch, file_type_not_allowed, ' +
  'file_too_large, file_empty, image_unreadable or file_infected.';

/** Files members upload (certificates, a photo) and read back. */
@Controller('files')
@Roles('worker', 'business')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post()
  @Member()
  @ApiDoc({
    summary: 'Start an upload: a presigned S3 POST for one file of a kind',
    description:
      'Workers upload health_certificate, qualification_certificate and profile_photo; ' +
      'businesses business_registration. The policy fixes the key, the content type and the ' +
      'size (at most `bytes`), and works 10 minutes; then POST /files/:id/complete. An upload ' +
      'never completed is removed after a day.',
    tags: ['files'],
    responses: { 201: { description: 'Where to upload', schema: Upload } },
    problems: [400, 403, 422],
  })
  async start(@CurrentPrincipal() principal: Principal, @Body() body: StartUploadDto) {
    const { file, upload } = await this.files.startUpload(principal, body);
    return {
      file: viewOf(file),
      upload: { ...upload, expiresAt: upload.expiresAt.toISOString() },
    };
  }

  @Post(':id/complete')
  @HttpCode(200)
  @Member()
  @ApiDoc({
    summary: 'Finish an upload: the bytes are checked and the file becomes ready',
    description:
      `${CHECKS} Idempotent once ready. 409 file_not_uploaded before the upload. When the virus ` +
      'scanner gives no verdict (503 provider_unavailable with Retry-After, 504 ' +
      'provider_timeout, 502), the file stays pending: complete it again.',
    tags: ['files'],
    responses: { 200: { description: 'The file, ready', schema: FileView } },
    problems: [400, 403, 404, 409, 422, 502, 503, 504],
  })
  async complete(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FileIdParamsDto,
  ): Promise<FileView> {
    return viewOf(await this.files.complete(principal, params.id));
  }

  @Get(':id')
  @Member()
  @ApiDoc({
    summary: 'One of my files, with a download link once it is ready',
    description: 'Someone else’s file is 404 file_not_found, as one that does not exist.',
    tags: ['files'],
    responses: { 200: { description: 'The file', schema: FileWithDownload } },
    problems: [400, 403, 404],
  })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FileIdParamsDto,
  ): Promise<FileWithDownload> {
    return withDownload(await this.files.view(principal, params.id));
  }

  @Delete(':id')
  @HttpCode(204)
  @Member()
  @ApiDoc({
    summary: 'Delete one of my files',
    description: 'The object is removed at once; the record stays, marked deleted.',
    tags: ['files'],
    responses: { 204: { description: 'Deleted' } },
    problems: [400, 403, 404],
  })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: FileIdParamsDto,
  ): Promise<void> {
    await this.files.remove(principal, params.id);
  }
}

/** Files for operators verifying members: each read is an access record. */
@Controller('operator/files')
@Operator()
export class StaffFilesController {
  constructor(private readonly files: FilesService) {}

  @Get(':id')
  @ApiDoc({
    summary: 'A member’s uploaded file, with a download link once it is ready',
    description:
      'Recorded in the access log (a read of the owner’s files) before the link is made.',
    tags: ['operator'],
    responses: { 200: { description: 'The file', schema: FileWithDownload } },
    problems: [400, 401, 403, 404, 503],
  })
  async get(
    @CurrentStaff() actor: StaffActor,
    @Param() params: FileIdParamsDto,
  ): Promise<FileWithDownload> {
    return withDownload(await this.files.staffView(actor, params.id));
  }
}
