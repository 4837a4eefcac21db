import { Injectable } from '@nestjs/common';
import type { ObjectId } from 'mongodb';
import type { Database } from '../../platform/storage/database.js';
import { newId, parseId } from '../../platform/storage/ids.js';
import { InjectDatabase } from '../../platform/storage/storage.module.js';
import type { FileKind } from './inspection/file-kinds.js';

/**
 * An uploaded file's life: `pending` (a presigned upload was handed out), then `ready` (its bytes
 * were checked: type by magic numbers, scanned, images re-encoded without metadata) or
 * `rejected` (the object is deleted); `expired` when an upload never completed within a day
 * (cleaned by the `files-cleanup` job); `deleted` by its owner.
 */
export type FileStatus = 'pending' | 'ready' | 'rejected' | 'expired' | 'deleted';

interface FileDocument {
  _id: ObjectId;
  ownerId: string;
  kind: FileKind;
  status: FileStatus;
  /** What the owner said it would upload; the checked facts come with `ready`. */
  declared: { contentType: string; bytes: number };
  /** The object's key in the files bucket. */
  key: string;
  contentType?: string;
  bytes?: number;
  sha256?: string;
  width?: number;
  height?: number;
  /** Which scanner passed it, and whether it is a real one (the local one is a stub). */
  scanner?: { name: string; real: boolean };
  rejection?: { code: string; detail: string };
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
}

export interface FileRecord {
  id: string;
  ownerId: string;
  kind: FileKind;
  status: FileStatus;
  declared: { contentType: string; bytes: number };
  key: string;
  contentType: string | undefined;
  bytes: number | undefined;
  sha256: string | undefined;
  width: number | undefined;
  height: number | undefined;
  scanner: { name: string; real: boolean } | undefined;
  rejection: { code: string; detail: string } | undefined;
  createdAt: Date;
  completedAt: Date | undefined;
}

const COLLECTION = 'files';

function toRecord(doc: FileDocument): FileRecord {
  return {
    id: doc._id.toHexString(),
    ownerId: doc.ownerId,
    kind: doc.kind,
    status: doc.status,
    declared: doc.declared,
    key: doc.key,
    contentType: doc.contentType,
    bytes: doc.bytes,
    sha256: doc.sha256,
    width: doc.width,
    height: doc.height,
    scanner: doc.scanner,
    rejection: doc.rejection,
    createdAt: doc.createdAt,
    completedAt: doc.completedAt,
  };
}

@Injectable()
export class FilesRepository {
  constructor(@InjectDatabase() private readonly db: Database) {}

  private get collection() {
    return this.db.collection<FileDocument>(COLLECTION);
  }

  async create(
    input: { ownerId: string; kind: FileKind; declared: { contentType: string; bytes: number } },
    now: Date,
  ): Promise<FileRecord> {
    const _id = newId();
    const doc: FileDocument = {
      _id,
      ...input,
      status: 'pending',
      key: `files/${input.kind}/${_id.toHexString()}`,
      createdAt: now,
      updatedAt: now,
    };
    await this.collection.insertOne(doc);
    return toRecord(doc);
  }

  async get(id: string): Promise<FileRecord | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const doc = await this.collection.findOne({ _id });
    return doc ? toRecord(doc) : undefined;
  }

  /** Moves a file from `from` to its outcome; undefined when it was no longer in `from`. */
  async settle(
    id: string,
    from: FileStatus,
    outcome:
      | {
          status: 'ready';
          contentType: string;
          bytes: number;
          sha256: string;
          width?: number | undefined;
          height?: number | undefined;
          scanner: { name: string; real: boolean };
        }
      | { status: 'rejected'; rejection: { code: string; detail: string } }
      | { status: 'expired' | 'deleted' },
    now: Date,
  ): Promise<FileRecord | undefined> {
    const _id = parseId(id);
    if (!_id) return undefined;
    const set: Record<string, unknown> = { ...outcome, updatedAt: now };
    for (const key of Object.keys(set)) if (set[key] === undefined) delete set[key];
    if (outcome.status === 'ready' || outcome.status === 'rejected') set.completedAt = now;
    const doc = await this.collection.findOneAndUpdate(
      { _id, status: from },
      { $set: set },
      { returnDocument: 'after' },
    );
    return doc ? toRecord(doc) : undefined;
  }

  /** Pending uploads created before `before`, oldest first (the cleanup job; index below). */
  async pendingBefore(before: Date, limit: number): Promise<FileRecord[]> {
    const docs = await this.collection
      .find({ status: 'pending', createdAt: { $lt: before } }, { sort: { createdAt: 1 }, limit })
      .toArray();
    return docs.map(toRecord);
  }
}
