import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { ROLES, type Role } from '../../platform/auth/principal.js';
import { ValidationError, type FieldIssue } from '../../platform/errors/domain.error.js';

/**
 * 접속기록 (개인정보의 안전성 확보조치 기준 제8조): who (계정), when (접속일시), from where (접속지),
 * whose data (정보주체) and what was done (수행업무). `reveal` is an unmasked view of a protected
 * field, `export` a download or print-out, `destroy` an irreversible deletion (제21조 파기).
 */
export const ACCESS_ACTIONS = [
  'read',
  'update',
  'create',
  'delete',
  'reveal',
  'export',
  'destroy',
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

type AccessActorRole = Role | 'system';

export interface AccessEntry {
  actor: { id: string; role: AccessActorRole };
  /** The caller's address; null for system jobs that have none. */
  ip: string | null;
  action: AccessAction;
  /** The collection or document type the data came from (`members`, `member_documents`). */
  dataset: string;
  /** Whose data: member ids. Empty only for an export that matched no one. */
  subjects: string[];
  /** The fields processed (`phone`, `rrn`); empty when the whole document is meant. */
  fields: string[];
  /** Why: required for `reveal` and `export` (제8조 ④: downloads must state their reason). */
  reason: string | null;
  requestId?: string;
}

/** One stored record: the entry, its position in the chain and the chain's MACs. */
export interface AccessRecord {
  /** The sequence number, 1, 2, …: contiguous, so a deleted record leaves a visible gap. */
  seq: number;
  at: Date;
  actor: { id: string; role: AccessActorRole };
  ip: string | null;
  action: AccessAction;
  dataset: string;
  subjects: string[];
  subjectCount: number;
  fields: string[];
  reason: string | null;
  requestId: string | null;
  /** The MAC of the record before, or `GENESIS_PREV` for the first. */
  prev: string;
  /** HMAC-SHA256 under the chain key of `canonicalRecord(this)`, base64url. */
  mac: string;
}

/** What the first record links to. */
export const GENESIS_PREV = 'genesis';

/** Reasons must be readable in the monthly review, not a novel. */
const MAX_REASON = 500;

const entrySchema = z.strictObject({
  actor: z.strictObject({
    id: z.string().trim().min(1).max(200),
    role: z.enum([...ROLES, 'system']),
  }),
  ip: z
    .string()
    .refine((value) => isIP(value) !== 0, { message: 'not an IPv4 or IPv6 address' })
    .nullable(),
  action: z.enum(ACCESS_ACTIONS),
  dataset: z.string().trim().min(1).max(100),
  subjects: z.array(z.string().trim().min(1).max(200)),
  fields: z.array(z.string().trim().min(1).max(100)),
  reason: z.string().trim().max(MAX_REASON).nullable(),
  requestId: z.string().min(1).max(200).optional(),
});

const ACTIONS_NEEDING_REASON: ReadonlySet<AccessAction> = new Set(['reveal', 'export']);

/**
 * Checks an entry before it is chained. Throws `ValidationError` whose issues carry stable codes:
 * zod's (`invalid_type`, `too_small`, …) for the shape, `reason_required` when a reveal or export
 * has no reason and `subjects_required` when anything but an export names no one.
 */
export function validateAccessEntry(entry: AccessEntry): AccessEntry {
  const parsed = entrySchema.safeParse(entry);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        in: 'access_record',
        field: issue.path.join('.'),
        message: issue.message,
        code: issue.code,
      })),
    );
  }
  const value = parsed.data;
  const issues: FieldIssue[] = [];
  if (ACTIONS_NEEDING_REASON.has(value.action) && !value.reason) {
    issues.push({
      in: 'access_record',
      field: 'reason',
      message: `a ${value.action} must state its reason`,
      code: 'reason_required',
    });
  }
  if (value.subjects.length === 0 && value.action !== 'export') {
    issues.push({
      in: 'access_record',
      field: 'subjects',
      message: 'name whose data was processed',
      code: 'subjects_required',
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return {
    ...value,
    // One subject once: the count then means people, not mentions.
    subjects: [...new Set(value.subjects)],
    fields: [...new Set(value.fields)],
    reason: value.reason || null,
  };
}

const isoOrRaw = (value: unknown): unknown =>
  value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value;

/**
 * The bytes the MAC covers: a JSON array in a fixed order, so no two records serialize alike
 * (JSON escapes every delimiter inside strings) and key order or driver types never matter. Dates
 * are ISO strings with milliseconds, which is what the database stores. A malformed stored record
 * still serializes (to something its MAC will not match) rather than throwing.
 */
export function canonicalRecord(record: Omit<AccessRecord, 'mac'>): string {
  return JSON.stringify([
    'access-record/v1',
    record.seq,
    isoOrRaw(record.at),
    record.actor?.id,
    record.actor?.role,
    record.ip,
    record.action,
    record.dataset,
    record.subjects,
    record.subjectCount,
    record.fields,
    record.reason,
    record.requestId,
    record.prev,
  ]);
}

export function macRecord(chainKey: Buffer, record: Omit<AccessRecord, 'mac'>): string {
  return createHmac('sha256', chainKey).update(canonicalRecord(record)).digest('base64url');
}

/** Constant-time comparison of two base64url MACs. */
export function sameMac(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The anchor a purge leaves: where the kept chain starts and what its first record links to. */
export interface AccessAnchor {
  firstSeq: number;
  prev: string;
  purgedAt: Date;
  /** Records older than this were purged. */
  cutoff: Date;
  mac: string;
}

/** The anchor is MACed too: without the key nobody can move the start of the chain forward. */
export function macAnchor(chainKey: Buffer, anchor: Omit<AccessAnchor, 'mac'>): string {
  const canonical = JSON.stringify([
    'access-anchor/v1',
    anchor.firstSeq,
    anchor.prev,
    isoOrRaw(anchor.purgedAt),
    isoOrRaw(anchor.cutoff),
  ]);
  return createHmac('sha256', chainKey).update(canonical).digest('base64url');
}

const CHAIN_KEY_INFO = 'workmatch/privacy/access-records/chain-mac/v1';
const CHAIN_KEY_SALT = 'workmatch/privacy/key-separation';

/**
 * The chain's MAC key, derived from the blind-index key with HKDF-SHA256 under its own `info`.
 * Key separation: the blind index computes HMAC(blindIndexKey, value); this key is an HKDF
 * output in which the blind-index key is only input keying material, so no MAC of one use can
 * stand for a MAC of the other, and neither output reveals the other key. (It is not access
 * separation: whoever holds the blind-index key can derive this one.) Both stay fixed for the life
 * of the data: the blind-index key is never rotated, and a new chain key would fail every stored
 * MAC.
 */
export function accessChainKey(blindIndexKey: Buffer): Buffer {
  if (blindIndexKey.length < 32) throw new Error('the blind-index key must be at least 32 bytes');
  return Buffer.from(hkdfSync('sha256', blindIndexKey, CHAIN_KEY_SALT, CHAIN_KEY_INFO, 32));
}
