import { ConflictError } from '../../../platform/errors/domain.error.js';
import { retryOnConflict } from '../../../platform/storage/optimistic.js';
import { holderMatches } from '../../workers/worker-rules.js';
import {
  type Worker,
  type WorkerPatch,
  WorkersRepository,
} from '../../workers/workers.repository.js';
import type { MigrationIssue, StageWriter, WriteResult } from '../engine/stages.js';
import { collectionGroupOf } from '../source/firestore-source.js';
import type { SourceDoc } from '../firestore/value.js';
import {
  accountNumber,
  bankCode,
  calendarDate,
  type Coerced,
  connectingInformation,
  flag,
  identityProvider,
  instant,
  phone,
  qualification,
  text,
} from './coerce.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import { type Outcome, readerFor, writeEach } from './document-writer.js';

/** What the old identity flow wrote for a person it verified. */
const VERIFIED_RESULTS = new Set(['0000', 'success']);
/** Who a verification carried over from the old app is attributed to. */
const LEGACY = 'legacy';

/**
 * The worker-details stage: each worker's subcollections merged into the profile the members
 * stage made — the payout account (`bankAccounts`: the one marked `primary`, else the latest),
 * the identity verification (`identity`: the provider's verified name, birth date, phone and
 * CI), and qualifications (`certificates`, by the catalogue). Each source document is merged on
 * the profile's version (a concurrent change makes it read again) and kept in `_legacy`.
 */
export class WorkerDetailsWriter implements StageWriter {
  constructor(
    private readonly workers: WorkersRepository,
    private readonly sealer: LegacySealer,
  ) {}

  targetsOf(doc: SourceDoc): CopyTarget[] {
    return [{ collection: 'workers', id: doc.path.split('/')[1] ?? '' }];
  }

  write(docs: readonly SourceDoc[], context: { now: Date }): Promise<WriteResult> {
    return writeEach(docs, (doc, issues) =>
      retryOnConflict(() => this.writeOne(doc, context.now, issues), { attempts: 5 }),
    );
  }

  private async writeOne(doc: SourceDoc, now: Date, issues: MigrationIssue[]): Promise<Outcome> {
    const uid = doc.path.split('/')[1] ?? '';
    const worker = await this.workers.getById(uid, {
      plaintext: ['legalName', 'accountHolderName'],
    });
    if (!worker) {
      issues.push({
        path: doc.path,
        code: 'dangling_reference',
        detail: 'parent: no worker profile for this user (not a worker, or not migrated)',
      });
      return 'skipped';
    }
    const { read } = readerFor(doc, issues);
    const group = collectionGroupOf(doc.path);
    const patch =
      group === 'bankAccounts'
        ? this.bankAccount(doc, worker, read, now)
        : group === 'identity'
          ? this.identity(doc, worker, read, issues)
          : this.certificate(doc, worker, read, issues, now);
    if (patch === undefined) return 'skipped';
    const copy = await this.sealer.copyOf(doc, { collection: 'workers', id: uid });
    try {
      return await this.workers.importLegacy(uid, patch, copy, now, worker.version);
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'identity_already_used')) throw error;
      issues.push({
        path: doc.path,
        code: 'ci_collision',
        detail: 'ci: another migrated worker holds the same CI',
      });
      const { ci: _dropped, identity: _unverified, ...rest } = patch;
      return this.workers.importLegacy(uid, rest, copy, now, worker.version);
    }
  }

  /** The primary account, else the most recently created one, becomes the payout account. */
  private bankAccount(
    doc: SourceDoc,
    worker: Worker,
    read: <T>(field: string, c: Coerced<T>) => T | undefined,
    now: Date,
  ): WorkerPatch | undefined {
    const f = doc.fields;
    const code = read('bankCode', bankCode(f.bankCode));
    const number = read('accountNumber', accountNumber(f.accountNumber));
    if (!code || !number) return undefined;
    const holderName = read('holder', text(f.holder));
    const primary = read('primary', flag(f.primary)) === true;
    const createdAt = read('createdAt', instant(f.createdAt)) ?? now;
    const current = worker.bankAccount;
    const currentRank = current?.legacyRank;
    const rank = `${primary ? 1 : 0}:${createdAt.toISOString()}`;
    // Another account of this user is already the payout account and outranks this one: keep it,
    // and keep this one's values in `_legacy`.
    if (currentRank !== undefined && currentRank > rank) return {};
    const verified = read('verified', flag(f.verified)) === true;
    const verifiedAt = verified
      ? (read('verifiedAt', instant(f.verifiedAt)) ?? createdAt)
      : undefined;
    return {
      personal: {
        accountNumber: number,
        ...(holderName ? { accountHolderName: holderName } : { accountHolderName: null }),
      },
      bankAccount: {
        bankCode: code,
        registeredAt: createdAt,
        ...(verifiedAt ? { verifiedAt, method: 'manual' as const, verifiedBy: LEGACY } : {}),
        holderMatchesLegalName: holderMatches(holderName, worker.legalName),
        legacyRank: rank,
      },
    };
  }

  /** A verified result of the old identity flow: the provider's person becomes the profile's. */
  private identity(
    doc: SourceDoc,
    worker: Worker,
    read: <T>(field: string, c: Coerced<T>) => T | undefined,
    issues: MigrationIssue[],
  ): WorkerPatch | undefined {
    const f = doc.fields;
    const result = typeof f.result === 'string' ? f.result : undefined;
    if (!result || !VERIFIED_RESULTS.has(result)) {
      issues.push({
        path: doc.path,
        code: 'not_verified',
        detail: 'result: not a verified result',
      });
      return undefined;
    }
    const provider = read('provider', identityProvider(f.provider));
    const verifiedAt = read('verifiedAt', instant(f.verifiedAt));
    if (!provider || !verifiedAt) return undefined;
    // An identity record without a CI is as unclear as one with a malformed CI.
    const ci = read('ci', connectingInformation(f.ci ?? ''));
    const legalName = read('name', text(f.name));
    const birthDate = read('birth', calendarDate(f.birth));
    const mobile = read('phone', phone(f.phone));
    // The payout account's holder is compared with the verified name now, whichever came first.
    const account = worker.bankAccount;
    const state = account && (({ number: _n, holderName: _h, ...rest }) => rest)(account);
    return {
      personal: {
        ...(legalName ? { legalName } : {}),
        ...(birthDate ? { birthDate } : {}),
        ...(mobile ? { phone: mobile } : {}),
      },
      ...(ci ? { ci } : {}),
      identity: {
        provider,
        verifiedAt,
        evidence: `${provider} result carried over from the old app`,
      },
      ...(state && legalName
        ? {
            bankAccount: {
              ...state,
              holderMatchesLegalName: holderMatches(account.holderName, legalName),
            },
          }
        : {}),
    };
  }

  /** A certificate of the catalogue, replacing one of the same code. */
  private certificate(
    doc: SourceDoc,
    worker: Worker,
    read: <T>(field: string, c: Coerced<T>) => T | undefined,
    issues: MigrationIssue[],
    now: Date,
  ): WorkerPatch | undefined {
    const f = doc.fields;
    const known = qualification(f.type);
    if (!known.ok || known.value === undefined) {
      issues.push({
        path: doc.path,
        code: known.ok ? 'unclear_value' : 'unknown_qualification',
        detail: known.ok ? 'type: absent' : `type: ${known.problem}`,
      });
      return undefined;
    }
    const code = known.value;
    const expires = calendarDate(f.expiresAt);
    const expiresAt =
      expires.ok && expires.value
        ? new Date(`${expires.value}T23:59:59+09:00`)
        : read('expiresAt', instant(f.expiresAt));
    const verified = read('verified', flag(f.verified)) === true;
    return {
      qualifications: [
        ...worker.qualifications.filter((q) => q.code !== code),
        {
          code,
          ...(expiresAt ? { expiresAt } : {}),
          ...(verified ? { verifiedAt: now, verifiedBy: LEGACY } : {}),
          addedBy: LEGACY,
          addedAt: now,
        },
      ],
    };
  }
}
