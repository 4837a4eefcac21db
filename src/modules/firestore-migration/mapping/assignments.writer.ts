import { idFromLegacyPath } from '../../../platform/storage/ids.js';
import type { AssignmentHolds } from '../../assignments/assignment-holds.js';
import { HOLDING_STATES } from '../../assignments/assignment-state.js';
import {
  AlreadyOnShiftError,
  type AssignmentsRepository,
  type LegacyAssignment,
} from '../../assignments/assignments.repository.js';
import type { ShiftsRepository } from '../../shifts/shifts.repository.js';
import type { WorkersRepository } from '../../workers/workers.repository.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import type { MigrationIssue, StageWriter, WriteResult } from '../engine/stages.js';
import type { SourceDoc } from '../firestore/value.js';
import { applicationState, hours, instant, matchState, refId, side, text } from './coerce.js';
import { type Outcome, readerFor, writeEach } from './document-writer.js';

const postRef = refId('jobPosts');
const userRef = refId('users');
const ASSIGNMENTS = 'assignments';

/**
 * The id of the one assignment a post and a worker make, whichever of the old app's documents
 * (application, match, no-show) is written first: derived, as every migrated id, from a path,
 * here the pair's (`assignments/<post id>:<uid>`, a path Firestore never had).
 */
export function legacyAssignmentId(legacyPostId: string, uid: string): string {
  return idFromLegacyPath(`${ASSIGNMENTS}/${legacyPostId}:${uid}`);
}

const legacyActor = { id: 'legacy', role: 'system' } as const;

const kindOf = (doc: SourceDoc) => {
  const kind = doc.path.split('/').at(-2);
  return kind === 'applications' ? 'application' : kind === 'matches' ? 'match' : 'no_show';
};

/** The post and the worker a document names, in the fields its kind wrote them in. */
function pairOf(doc: SourceDoc) {
  const f = doc.fields;
  const from = kindOf(doc);
  return {
    post: {
      field: from === 'application' ? 'jobPost' : 'postId',
      value: postRef(f.jobPost ?? f.postId),
    },
    worker: {
      field: from === 'match' ? 'workerUid' : 'uid',
      value: userRef(from === 'match' ? (f.workerUid ?? f.worker) : (f.user ?? f.uid)),
    },
  };
}

/** Cancellations the old app recorded after this long before the start are not late. */
const LATE_CANCELLATION_MS = 24 * 3_600_000;

/**
 * The assignments stage: `applications`, `matches` and `noShows` of one post and worker become
 * one assignment (`LegacyAssignment` says what each brings), under the pair's id; a double-tap
 * duplicate application joins the same assignment and is reported (`duplicate_application`).
 * A match that still holds a future shift (proposed, confirmed) takes the worker's time and the
 * shift's slot, as a proposal here would; a no-show goes onto the worker's record, where
 * eligibility counts it. A post or a worker that was not migrated is reported
 * (`dangling_reference`) and the document left out.
 */
export class AssignmentsWriter implements StageWriter {
  constructor(
    private readonly assignments: AssignmentsRepository,
    private readonly shifts: ShiftsRepository,
    private readonly workers: WorkersRepository,
    private readonly holds: AssignmentHolds,
    private readonly sealer: LegacySealer,
  ) {}

  targetsOf(doc: SourceDoc): CopyTarget[] {
    const { post, worker } = pairOf(doc);
    return post.value.ok && post.value.value && worker.value.ok && worker.value.value
      ? [{ collection: ASSIGNMENTS, id: legacyAssignmentId(post.value.value, worker.value.value) }]
      : [];
  }

  write(docs: readonly SourceDoc[], context: { now: Date }): Promise<WriteResult> {
    return writeEach(docs, (doc, issues) => this.writeOne(doc, context.now, issues));
  }

  private async writeOne(doc: SourceDoc, now: Date, issues: MigrationIssue[]): Promise<Outcome> {
    const { read, report } = readerFor(doc, issues);
    const f = doc.fields;
    const from = kindOf(doc);
    const pair = pairOf(doc);
    const legacyPost = read(pair.post.field, pair.post.value);
    const uid = read(pair.worker.field, pair.worker.value);
    if (!legacyPost || !uid) {
      report('missing_value', 'an assignment needs its post and its worker');
      return 'skipped';
    }
    const shift = await this.shifts.getById(idFromLegacyPath(`jobPosts/${legacyPost}`));
    if (!shift) {
      report('dangling_reference', 'post: no migrated shift');
      return 'skipped';
    }
    if (!(await this.workers.exists(uid))) {
      report('dangling_reference', 'worker: no migrated worker');
      return 'skipped';
    }
    const id = legacyAssignmentId(legacyPost, uid);
    const at =
      read('updatedAt', instant(f.updatedAt)) ??
      read('createdAt', instant(f.createdAt ?? f.appliedAt)) ??
      shift.startsAt;
    const legacy: LegacyAssignment = {
      from,
      shiftId: shift.id,
      businessId: shift.businessId,
      workerId: uid,
      state: 'no_show',
      startsAt: shift.startsAt,
      endsAt: shift.endsAt,
      at,
    };
    if (from === 'application') {
      const state = read('status', applicationState(f.status));
      if (!state) {
        report('missing_value', 'status: an application without a status it can read');
        return 'skipped';
      }
      legacy.state = state;
      // The pair's applications, this one among them: every one but the first (by path) is the
      // duplicate, whichever was written first and however often a batch is written again.
      const applications = new Set(
        (await this.assignments.legacySourcePaths(id)).filter((p) => p.startsWith('applications/')),
      );
      applications.add(doc.path);
      for (const path of [...applications].sort().slice(1)) {
        issues.push({
          path,
          code: 'duplicate_application',
          detail: 'the same post and worker applied twice: kept once',
        });
      }
    } else if (from === 'match') {
      const state = read('status', matchState(f.status));
      if (!state) {
        report('missing_value', 'status: a match without a status it can read');
        return 'skipped';
      }
      legacy.state = state;
      if (state === 'completed') {
        const worked = read('hours', hours(f.hours));
        if (worked !== undefined) legacy.hoursWorked = worked;
      }
      if (state === 'cancelled') {
        const by = read('cancelledBy', side(f.cancelledBy));
        legacy.cancellation = {
          by: by ? { id: by === 'worker' ? uid : shift.businessId, role: by } : legacyActor,
          reason: read('cancelReason', text(f.cancelReason)) ?? 'Cancelled in the old app',
          late: shift.startsAt.getTime() - at.getTime() < LATE_CANCELLATION_MS,
          at,
        };
      }
    }
    let outcome: Outcome;
    try {
      outcome = await this.assignments.importLegacy(
        id,
        legacy,
        await this.sealer.copyOf(doc, { collection: ASSIGNMENTS, id }),
        now,
      );
    } catch (error) {
      if (!(error instanceof AlreadyOnShiftError)) throw error;
      report('already_on_shift', 'the worker has an assignment made here on this shift');
      return 'skipped';
    }
    if (from === 'match') await this.holdOrRelease(id, legacy, now, report);
    if (legacy.state === 'no_show' && from !== 'application') {
      // At the shift's start whichever document brings it (the record's `date` is that day, and
      // `_legacy` keeps it): the same no-show, in any order, is the same entry.
      await this.workers.addNoShow(
        uid,
        { assignmentId: id, shiftId: shift.id, at: shift.startsAt },
        now,
      );
    }
    return outcome;
  }

  /**
   * A future shift's slot and the worker's time: taken while the match holds them (proposed,
   * confirmed), given back once it no longer does (a delta run brings a cancellation). Past
   * shifts hold nothing.
   */
  private async holdOrRelease(
    id: string,
    legacy: LegacyAssignment,
    now: Date,
    report: (code: string, detail: string) => void,
  ) {
    if (legacy.startsAt <= now) return;
    if (!HOLDING_STATES.includes(legacy.state)) {
      await this.holds.release(legacy.shiftId, legacy.workerId, id, now);
      return;
    }
    const slot = await this.holds.take(
      {
        assignmentId: id,
        shiftId: legacy.shiftId,
        startsAt: legacy.startsAt,
        endsAt: legacy.endsAt,
        status: legacy.state as 'proposed' | 'confirmed',
      },
      legacy.workerId,
      now,
    );
    if (slot !== 'reserved') {
      report('slot_refused', `the shift gave no slot (${slot}): the assignment holds none`);
    }
  }
}
