import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../../platform/auth/principal.js';
import { ConflictError, DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import { InjectLogger } from '../../platform/logging/logging.module.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { FilesStore } from './files-store.js';
import { FilesRepository, type FileRecord } from './files.repository.js';
import {
  type AcceptedContentType,
  EXTENSIONS,
  FILE_KIND_RULES,
  type FileKind,
} from './inspection/file-kinds.js';
import { inspectFile } from './inspection/inspect-file.js';
import { VIRUS_SCANNER, type VirusScanner } from './inspection/virus-scan.port.js';

/** How long an upload policy works, and a download link. */
const UPLOAD_SECONDS = 600;
const DOWNLOAD_SECONDS = 300;
/** A pending upload older than this is removed by `files-cleanup`. */
const PENDING_TTL_MS = 24 * 3_600_000;

/** Which member role uploads which kind. */
const KINDS_BY_ROLE: Record<string, readonly FileKind[]> = {
  worker: ['health_certificate', 'qualification_certificate', 'profile_photo'],
  business: ['business_registration'],
};

const fileNotFound = () => new NotFoundError('The file', 'file_not_found');

/**
 * Files members upload and staff read while verifying. Uploads go straight to S3 through a
 * presigned POST policy; nothing is trusted until `complete` has checked the bytes: the real type
 * by its magic numbers against the declared one and the kind's list, the size, a virus scan, and
 * images re-encoded without their metadata (EXIF, GPS). A file that fails is deleted and its
 * record says why. Someone else's file answers 404, as a file that does not exist does.
 */
@Injectable()
export class FilesService {
  private readonly log: Logger;

  constructor(
    private readonly files: FilesRepository,
    private readonly store: FilesStore,
    @Inject(VIRUS_SCANNER) private readonly scanner: VirusScanner,
    private readonly access: StaffAccess,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'files' });
  }

  async startUpload(
    principal: Principal,
    input: { kind: FileKind; contentType: string; bytes: number },
    now = new Date(),
  ) {
    const allowed = principal.groups.flatMap((role) => KINDS_BY_ROLE[role] ?? []);
    if (!allowed.includes(input.kind)) {
      throw new DomainError(
        'forbidden',
        'file_kind_not_allowed',
        `Your role does not upload ${input.kind} files.`,
      );
    }
    const rules = FILE_KIND_RULES[input.kind];
    if (!(rules.contentTypes as readonly string[]).includes(input.contentType)) {
      throw unprocessable(
        'file_type_not_allowed',
        `A ${input.kind} is one of ${rules.contentTypes.join(', ')}.`,
      );
    }
    if (input.bytes > rules.maxBytes) {
      throw unprocessable('file_too_large', `A ${input.kind} is at most ${rules.maxBytes} bytes.`);
    }
    const file = await this.files.create(
      {
        ownerId: principal.sub,
        kind: input.kind,
        declared: { contentType: input.contentType, bytes: input.bytes },
      },
      now,
    );
    const upload = await this.store.uploadPolicy(
      file.key,
      input.contentType,
      input.bytes,
      UPLOAD_SECONDS,
    );
    return {
      file,
      upload: { ...upload, expiresAt: new Date(now.getTime() + UPLOAD_SECONDS * 1_000) },
    };
  }

  /** Checks what was uploaded and makes the file ready, or rejects and deletes it. */
  async complete(principal: Principal, id: string, now = new Date()): Promise<FileRecord> {
    const file = await this.owned(principal, id);
    if (file.status === 'ready') return file;
    if (file.status === 'rejected') throw rejected(file.rejection!);
    if (file.status !== 'pending') {
      throw new ConflictError('file_not_pending', `The file is ${file.status}.`);
    }
    const size = await this.store.size(file.key);
    if (size === undefined) {
      throw new ConflictError('file_not_uploaded', 'Nothing was uploaded for this file yet.');
    }
    const rules = FILE_KIND_RULES[file.kind];
    if (size > rules.maxBytes || size > file.declared.bytes) {
      return this.reject(file, 'file_too_large', `${size} bytes, more than declared`, now);
    }
    const inspected = await inspectFile(await this.store.read(file.key), {
      kind: file.kind,
      contentType: file.declared.contentType,
    });
    if (!inspected.ok) return this.reject(file, inspected.code, inspected.detail, now);
    const scan = await this.scanner.scan(inspected.bytes);
    if (!scan.clean) {
      return this.reject(file, 'file_infected', `the scanner found ${scan.signature}`, now);
    }
    // The re-encoded image (no EXIF, no GPS) replaces what was uploaded.
    if (inspected.reencoded) {
      await this.store.write(file.key, inspected.bytes, inspected.contentType);
    }
    const ready = await this.files.settle(
      file.id,
      'pending',
      {
        status: 'ready',
        contentType: inspected.contentType,
        bytes: inspected.bytes.length,
        sha256: createHash('sha256').update(inspected.bytes).digest('hex'),
        width: inspected.width,
        height: inspected.height,
        scanner: { name: this.scanner.name, real: this.scanner.real },
      },
      now,
    );
    // Completed twice at once: the other call settled it.
    return ready ?? (await this.owned(principal, id));
  }

  /** The owner's file, with a download link once it is ready. */
  async view(principal: Principal, id: string) {
    return this.withDownload(await this.owned(principal, id));
  }

  /** A file for staff: the read is an access record (the owner's documents) before the link. */
  async staffView(actor: StaffActor, id: string) {
    const file = await this.files.get(id);
    if (!file || file.status === 'deleted') throw fileNotFound();
    await this.access.recordDataset(actor, {
      action: 'read',
      dataset: 'files',
      subjects: [file.ownerId],
      fields: [file.kind],
    });
    return this.withDownload(file);
  }

  /** The owner removes a file: the object goes, the record says it was deleted. */
  async remove(principal: Principal, id: string, now = new Date()): Promise<void> {
    const file = await this.owned(principal, id);
    if (file.status === 'deleted') return;
    await this.store.remove(file.key);
    await this.files.settle(file.id, file.status, { status: 'deleted' }, now);
  }

  /** `files-cleanup`: uploads never completed within a day are removed (object and all). */
  async cleanup(now = new Date()): Promise<{ expired: number }> {
    let expired = 0;
    for (;;) {
      const stale = await this.files.pendingBefore(new Date(now.getTime() - PENDING_TTL_MS), 100);
      if (stale.length === 0) return { expired };
      for (const file of stale) {
        await this.store.remove(file.key);
        if (await this.files.settle(file.id, 'pending', { status: 'expired' }, now)) expired++;
      }
    }
  }

  /** What a qualification may point at: the worker's own certificate file, checked and ready. */
  async requireReadyOwnFile(ownerId: string, id: string, kind: FileKind): Promise<FileRecord> {
    const file = await this.files.get(id);
    if (!file || file.ownerId !== ownerId || file.status === 'deleted') throw fileNotFound();
    if (file.kind !== kind || file.status !== 'ready') {
      throw new ConflictError(
        'file_not_usable',
        `The file must be a ready ${kind}; it is a ${file.status} ${file.kind}.`,
      );
    }
    return file;
  }

  private async withDownload(file: FileRecord) {
    if (file.status !== 'ready') return { file, download: null };
    // A ready file's type is one inspection accepted, so it has its extension.
    const extension = EXTENSIONS[file.contentType as AcceptedContentType];
    const url = await this.store.downloadUrl(
      file.key,
      `${file.kind}.${extension}`,
      DOWNLOAD_SECONDS,
    );
    return {
      file,
      download: { url, expiresAt: new Date(Date.now() + DOWNLOAD_SECONDS * 1_000) },
    };
  }

  private async owned(principal: Principal, id: string): Promise<FileRecord> {
    const file = await this.files.get(id);
    if (!file || file.ownerId !== principal.sub || file.status === 'deleted') throw fileNotFound();
    return file;
  }

  private async reject(file: FileRecord, code: string, detail: string, now: Date): Promise<never> {
    await this.store.remove(file.key);
    const settled = await this.files.settle(
      file.id,
      'pending',
      { status: 'rejected', rejection: { code, detail } },
      now,
    );
    this.log.info({ fileId: file.id, kind: file.kind, code }, 'uploaded file rejected');
    throw rejected(settled?.rejection ?? { code, detail });
  }
}

const unprocessable = (code: string, message: string) =>
  new DomainError('unprocessable', code, message);

const rejected = (rejection: { code: string; detail: string }) =>
  unprocessable(rejection.code, `The uploaded file was refused: ${rejection.detail}.`);
