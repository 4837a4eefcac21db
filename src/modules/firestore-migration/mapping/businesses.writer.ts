import { ConflictError } from '../../../platform/errors/domain.error.js';
import { idFromLegacyPath } from '../../../platform/storage/ids.js';
import { BusinessesRepository } from '../../businesses/businesses.repository.js';
import { MembersRepository } from '../../members/members.repository.js';
import type { MigrationIssue, StageWriter, WriteResult } from '../engine/stages.js';
import type { FsValue, SourceDoc } from '../firestore/value.js';
import { businessNumber, calendarDate, flag, instant, ntsStatus, refId, text } from './coerce.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import { type Outcome, readerFor, writeEach } from './document-writer.js';

const LEGACY = 'legacy';
const userRef = refId('users');

/**
 * The businesses stage: each `businesses/{id}` becomes a business under the id derived from its
 * path, its owner and managers as staff (members migrated by the members stage: a reference to a
 * member that does not exist is reported), its block list, the NTS status and verification the
 * old app recorded (as set by `legacy`, on the old app's word). A number failing its check digit,
 * or held by another business, is reported and the business left out.
 */
export class BusinessesWriter implements StageWriter {
  constructor(
    private readonly businesses: BusinessesRepository,
    private readonly members: MembersRepository,
    private readonly sealer: LegacySealer,
  ) {}

  targetsOf(doc: SourceDoc): CopyTarget[] {
    return [{ collection: 'businesses', id: idFromLegacyPath(doc.path) }];
  }

  write(docs: readonly SourceDoc[], context: { now: Date }): Promise<WriteResult> {
    return writeEach(docs, (doc, issues) => this.writeOne(doc, context.now, issues));
  }

  private async writeOne(doc: SourceDoc, now: Date, issues: MigrationIssue[]): Promise<Outcome> {
    const { read, report } = readerFor(doc, issues);
    const f = doc.fields;
    const number = businessNumber(f.bizNo);
    if (!number.ok || number.value === undefined) {
      report('invalid_business_number', `bizNo: ${number.ok ? 'absent' : number.problem}`);
      return 'skipped';
    }
    const owner = read('owner', userRef(f.owner ?? f.ownerUid));
    if (!owner || !(await this.members.exists(owner))) {
      report('dangling_reference', 'owner: no migrated member');
      return 'skipped';
    }
    const name = read('name', text(f.name ?? f.storeName));
    const representativeName = read('ceoName', text(f.ceoName ?? f.representative));
    const openingDate = read('openDate', calendarDate(f.openDate));
    if (!name || !representativeName || !openingDate) {
      report('missing_value', 'name, ceoName and openDate are required');
      return 'skipped';
    }
    const createdAt = read('createdAt', instant(f.createdAt)) ?? now;
    const managers = await this.existingMembers('managers', f.managers, owner, report);
    const blocked = await this.existingMembers('blocked', f.blocked, owner, report);
    const status = read('ntsStatus', ntsStatus(f.ntsStatus));
    const verified = read('verified', flag(f.verified)) === true;
    const id = idFromLegacyPath(doc.path);
    const copy = await this.sealer.copyOf(doc, { collection: 'businesses', id });
    try {
      return await this.businesses.importLegacy(
        id,
        {
          businessNumber: number.value,
          representativeName,
          name,
          openingDate,
          address: read('address', text(f.address)),
          ...(status
            ? { nts: { status, taxType: '', checkedAt: createdAt, source: 'manual' as const } }
            : {}),
          ...(verified
            ? {
                verification: {
                  verified: true,
                  method: 'manual' as const,
                  by: LEGACY,
                  at: createdAt,
                  evidence: 'Verified in the old app (carried over by the migration)',
                },
              }
            : {}),
          staff: [
            { memberId: owner, role: 'owner', addedBy: owner, addedAt: createdAt },
            ...managers.map((memberId) => ({
              memberId,
              role: 'manager' as const,
              addedBy: owner,
              addedAt: createdAt,
            })),
          ],
          blockedWorkers: blocked.map((workerId) => ({
            workerId,
            reason: 'Blocked in the old app',
            by: LEGACY,
            at: createdAt,
          })),
        },
        copy,
        now,
      );
    } catch (error) {
      if (!(error instanceof ConflictError && error.code === 'business_exists')) throw error;
      report('duplicate_business_number', 'bizNo: another migrated business holds the same number');
      return 'skipped';
    }
  }

  /** The members a list names (uids or references), each once; the ones not migrated reported. */
  private async existingMembers(
    field: string,
    value: FsValue | undefined,
    owner: string,
    report: (code: string, detail: string) => void,
  ): Promise<string[]> {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      report('unclear_value', `${field}: not a list`);
      return [];
    }
    const found: string[] = [];
    for (const item of value) {
      const id = userRef(item);
      if (!id.ok || id.value === undefined) {
        report('unclear_value', `${field}: ${id.ok ? 'an empty entry' : id.problem}`);
      } else if (id.value !== owner && !found.includes(id.value)) {
        if (await this.members.exists(id.value)) found.push(id.value);
        else report('dangling_reference', `${field}: an entry names no migrated member`);
      }
    }
    return found;
  }
}
