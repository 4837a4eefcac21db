import { MembersRepository } from '../../members/members.repository.js';
import { WorkersRepository } from '../../workers/workers.repository.js';
import type { WorkerPatch } from '../../workers/workers.repository.js';
import { ConflictError } from '../../../platform/errors/domain.error.js';
import type { SourceDoc } from '../firestore/value.js';
import type { MigrationIssue, StageWriter, WriteResult } from '../engine/stages.js';
import { calendarDate, connectingInformation, phone, role, text, workerStatus } from './coerce.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import { type Outcome, readerFor, writeEach } from './document-writer.js';

/** A Firebase uid, as `users/{uid}` names it (28 letters and digits; older ones differ). */
const UID = /^[A-Za-z0-9_-]{1,128}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The members stage: each `users/{uid}` becomes a member (its Firebase uid as the member id,
 * docs/legacy-firestore.md) and, for a worker, a worker profile with the legal name, birth date,
 * phone, status and CI. A value the coercion rules cannot read is reported and left out (the
 * original stays in `_legacy`); a document without a readable role is reported and skipped.
 */
export class MembersWriter implements StageWriter {
  constructor(
    private readonly members: MembersRepository,
    private readonly workers: WorkersRepository,
    private readonly sealer: LegacySealer,
  ) {}

  targetsOf(doc: SourceDoc): CopyTarget[] {
    const uid = doc.path.split('/')[1] ?? '';
    if (!UID.test(uid)) return [];
    const memberRole = role(doc.fields.role);
    return [
      { collection: 'members', id: uid },
      ...(memberRole.ok && memberRole.value === 'worker'
        ? [{ collection: 'workers', id: uid }]
        : []),
    ];
  }

  write(docs: readonly SourceDoc[], context: { now: Date }): Promise<WriteResult> {
    return writeEach(docs, (doc, issues) => this.writeOne(doc, context.now, issues));
  }

  private async writeOne(doc: SourceDoc, now: Date, issues: MigrationIssue[]): Promise<Outcome> {
    const uid = doc.path.split('/')[1] ?? '';
    if (!UID.test(uid)) {
      issues.push({
        path: doc.path,
        code: 'invalid_id',
        detail: 'a uid that is not letters and digits',
      });
      return 'skipped';
    }
    const { read } = readerFor(doc, issues);
    const f = doc.fields;
    const memberRole = read('role', role(f.role));
    if (!memberRole) {
      if (f.role === undefined) {
        issues.push({ path: doc.path, code: 'missing_role', detail: 'role: absent' });
      }
      return 'skipped';
    }
    const status = read('status', workerStatus(f.status)) ?? 'active';
    let email = read('email', text(f.email))?.toLowerCase();
    if (email !== undefined && !EMAIL.test(email)) {
      issues.push({ path: doc.path, code: 'unclear_value', detail: 'email: not an email address' });
      email = undefined;
    }
    const mobile = read('phone', phone(f.phone));
    const [copy, workerCopy] = await this.sealer.copiesOf(doc, [
      { collection: 'members', id: uid },
      ...(memberRole === 'worker' ? [{ collection: 'workers', id: uid }] : []),
    ]);
    const member = await this.members.importLegacy(
      {
        id: uid,
        role: memberRole,
        status: status === 'withdrawn' ? 'withdrawn' : 'active',
        ...(email ? { email } : {}),
        ...(mobile ? { phone: mobile } : {}),
      },
      copy!,
      now,
    );
    if (memberRole !== 'worker' || !workerCopy) return member;

    const legalName = read('name', text(f.name ?? f.userName));
    const birthDate = read('birth', calendarDate(f.birth));
    const ci = read('ci', connectingInformation(f.ci));
    const patch: WorkerPatch = {
      status,
      personal: {
        ...(legalName ? { legalName } : {}),
        ...(birthDate ? { birthDate } : {}),
        ...(mobile ? { phone: mobile } : {}),
      },
      ...(ci ? { ci } : {}),
      ...(status === 'withdrawn' ? { withdrawnAt: now } : {}),
    };
    let worker: 'written' | 'unchanged';
    try {
      worker = await this.workers.importLegacy(uid, patch, workerCopy, now);
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'identity_already_used')) throw error;
      // One person, two accounts in the old app: the first keeps the CI; this one is imported
      // without it and reported, for an operator to settle.
      issues.push({
        path: doc.path,
        code: 'ci_collision',
        detail: 'ci: another migrated worker holds the same CI',
      });
      const { ci: _dropped, ...withoutCi } = patch;
      worker = await this.workers.importLegacy(uid, withoutCi, workerCopy, now);
    }
    return member === 'written' || worker === 'written' ? 'written' : 'unchanged';
  }
}
