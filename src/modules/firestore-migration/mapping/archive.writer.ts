import { idFromLegacyPath } from '../../../platform/storage/ids.js';
import type { MembersRepository } from '../../members/members.repository.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import { readerFor, writeEach } from './document-writer.js';
import type { MigrationIssue, StageWriter, WriteResult } from '../engine/stages.js';
import type { SourceDoc } from '../firestore/value.js';
import { flag, instant, refId, text } from './coerce.js';
import {
  LEGACY_NOTIFICATIONS,
  type LegacyNotificationsRepository,
} from './legacy-notifications.repository.js';

const userRef = refId('users');

/**
 * The archive stage: our model keeps no inbox, so each `notifications/{id}` is kept in
 * `legacy_notifications` with what an operator may need to find it (the member, its type, whether
 * it was read, when it was sent) and its whole source in the encrypted `_legacy` copy (title and
 * body are free text of the old app: they are never stored in clear). This collection belongs to
 * the migration module and goes with it.
 */
export class ArchiveWriter implements StageWriter {
  constructor(
    private readonly notifications: LegacyNotificationsRepository,
    private readonly members: MembersRepository,
    private readonly sealer: LegacySealer,
  ) {}

  targetsOf(doc: SourceDoc): CopyTarget[] {
    return [{ collection: LEGACY_NOTIFICATIONS, id: idFromLegacyPath(doc.path) }];
  }

  write(docs: readonly SourceDoc[], context: { now: Date }): Promise<WriteResult> {
    return writeEach(docs, (doc, issues) => this.writeOne(doc, context.now, issues));
  }

  private async writeOne(doc: SourceDoc, now: Date, issues: MigrationIssue[]) {
    const { read } = readerFor(doc, issues);
    const f = doc.fields;
    const memberId = read('uid', userRef(f.uid));
    if (!memberId || !(await this.members.exists(memberId))) {
      issues.push({
        path: doc.path,
        code: 'dangling_reference',
        detail: 'uid: no migrated member',
      });
      return 'skipped' as const;
    }
    const id = idFromLegacyPath(doc.path);
    const sentAt = read('sentAt', instant(f.sentAt));
    const type = read('type', text(f.type));
    return this.notifications.importLegacy(
      id,
      {
        memberId,
        ...(type ? { type } : {}),
        read: read('read', flag(f.read)) ?? false,
        ...(sentAt ? { sentAt } : {}),
      },
      await this.sealer.copyOf(doc, { collection: LEGACY_NOTIFICATIONS, id }),
      now,
    );
  }
}
