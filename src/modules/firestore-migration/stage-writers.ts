import type { Database } from '../../platform/storage/database.js';
import type { Privacy } from '../../privacy/privacy.js';
import { AssignmentHolds } from '../assignments/assignment-holds.js';
import { AssignmentsRepository } from '../assignments/assignments.repository.js';
import { WorkerSchedulesRepository } from '../assignments/worker-schedules.repository.js';
import { ShiftSlots } from '../shifts/shift-slots.service.js';
import { BusinessesRepository } from '../businesses/businesses.repository.js';
import { MembersRepository } from '../members/members.repository.js';
import { ShiftsRepository } from '../shifts/shifts.repository.js';
import { WorkersRepository } from '../workers/workers.repository.js';
import { LegacySealer } from './codec/legacy-sealer.js';
import type { StageName, StageWriter, StageWriters } from './engine/stages.js';
import { AssignmentsWriter } from './mapping/assignments.writer.js';
import { ArchiveWriter } from './mapping/archive.writer.js';
import { LegacyNotificationsRepository } from './mapping/legacy-notifications.repository.js';
import { BusinessesWriter } from './mapping/businesses.writer.js';
import { MembersWriter } from './mapping/members.writer.js';
import { ShiftsWriter } from './mapping/shifts.writer.js';
import { WorkerDetailsWriter } from './mapping/worker-details.writer.js';

/**
 * The stages' writers on this database, through the modules' repositories and the privacy layer
 * (so the migration seals and indexes as the app does). Each `write` of a batch is one
 * `db.batch`: the writers read and write one document at a time, which on the embedded engine
 * would otherwise commit once per write. A batch that fails leaves nothing, and the engine's
 * checkpoint follows only a batch that committed.
 */
export function stageWriters(
  db: Database,
  privacy: Pick<Privacy, 'personalData' | 'cipher'>,
): StageWriters {
  const sealer = new LegacySealer(privacy.cipher);
  const members = new MembersRepository(db, privacy.personalData);
  const workers = new WorkersRepository(db, privacy.personalData);
  const businesses = new BusinessesRepository(db, privacy.personalData);
  const shifts = new ShiftsRepository(db);
  return together(db, {
    members: new MembersWriter(members, workers, sealer),
    'worker-details': new WorkerDetailsWriter(workers, sealer),
    businesses: new BusinessesWriter(businesses, members, sealer),
    shifts: new ShiftsWriter(shifts, businesses, sealer),
    assignments: new AssignmentsWriter(
      new AssignmentsRepository(db, privacy.personalData),
      shifts,
      workers,
      new AssignmentHolds(new WorkerSchedulesRepository(db), new ShiftSlots(shifts)),
      sealer,
    ),
    archive: new ArchiveWriter(new LegacyNotificationsRepository(db), members, sealer),
  });
}

function together(db: Database, writers: Record<StageName, StageWriter>): StageWriters {
  const batched = (writer: StageWriter): StageWriter => ({
    write: (docs, context) => db.batch(() => writer.write(docs, context)),
    targetsOf: (doc) => writer.targetsOf(doc),
  });
  return Object.fromEntries(
    Object.entries(writers).map(([stage, writer]) => [stage, batched(writer)]),
  ) as Record<StageName, StageWriter>;
}
