import { idFromLegacyPath } from '../../../platform/storage/ids.js';
import { BusinessesRepository } from '../../businesses/businesses.repository.js';
import type { QualificationCode } from '../../qualifications/qualifications.js';
import { ShiftsRepository } from '../../shifts/shifts.repository.js';
import type { MigrationIssue, StageWriter, WriteResult } from '../engine/stages.js';
import type { SourceDoc } from '../firestore/value.js';
import {
  count,
  instant,
  krw,
  kstWindow,
  qualification,
  refId,
  regionCode,
  shiftStatus,
  text,
} from './coerce.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import { type Outcome, readerFor, writeEach } from './document-writer.js';

/** The age a post without `minAge` asked for (the old app's default). */
const DEFAULT_MINIMUM_AGE = 18;
const businessRef = refId('businesses');

/**
 * The shifts stage: each `jobPosts/{id}` becomes a shift of the business the businesses stage
 * made of its `business` reference, under the id derived from its path: its window (whichever
 * of the old shapes it was written in, in KST), pay in won, headcount, region, minimum age,
 * required certificates and status. A post whose business was not migrated, or whose window,
 * pay, headcount or region cannot be read, is reported and left out; a required certificate
 * outside the catalogue is reported and dropped.
 */
export class ShiftsWriter implements StageWriter {
  constructor(
    private readonly shifts: ShiftsRepository,
    private readonly businesses: BusinessesRepository,
    private readonly sealer: LegacySealer,
  ) {}

  targetsOf(doc: SourceDoc): CopyTarget[] {
    return [{ collection: 'shifts', id: idFromLegacyPath(doc.path) }];
  }

  write(docs: readonly SourceDoc[], context: { now: Date }): Promise<WriteResult> {
    return writeEach(docs, (doc, issues) => this.writeOne(doc, context.now, issues));
  }

  private async writeOne(doc: SourceDoc, now: Date, issues: MigrationIssue[]): Promise<Outcome> {
    const { read, report } = readerFor(doc, issues);
    const f = doc.fields;
    const legacyBusiness = read('business', businessRef(f.business ?? f.businessId));
    const businessId = legacyBusiness && idFromLegacyPath(`businesses/${legacyBusiness}`);
    if (!businessId || !(await this.businesses.exists(businessId))) {
      report('dangling_reference', 'business: no migrated business');
      return 'skipped';
    }
    const window =
      f.startAt !== undefined
        ? { startsAt: read('startAt', instant(f.startAt)), endsAt: read('endAt', instant(f.endAt)) }
        : (read('date', kstWindow(f.date, f.startTime, f.endTime)) ?? {});
    const { startsAt, endsAt } = window as { startsAt?: Date; endsAt?: Date };
    const title = read('title', text(f.title));
    const pay = read('wage', krw(f.wage ?? f.pay));
    const headcount = read('headcount', count(f.headcount ?? f.needCount));
    const region = read('region', regionCode(f.region));
    const address = read('address', text(f.address));
    if (
      !startsAt ||
      !endsAt ||
      endsAt <= startsAt ||
      !title ||
      !pay ||
      !headcount ||
      !region ||
      !address
    ) {
      report(
        'missing_value',
        'a shift needs a title, a window, pay, a headcount, an address and a region',
      );
      return 'skipped';
    }
    const required: QualificationCode[] = [];
    for (const name of Array.isArray(f.requirements) ? f.requirements : []) {
      const code = qualification(name);
      if (code.ok && code.value) {
        if (!required.includes(code.value)) required.push(code.value);
      } else {
        report('unknown_qualification', 'requirements: a certificate the catalogue does not hold');
      }
    }
    const status = read('status', shiftStatus(f.status)) ?? 'open';
    const updatedAt = read('updatedAt', instant(f.updatedAt)) ?? now;
    const description = read('description', text(f.description ?? f.desc));
    const id = idFromLegacyPath(doc.path);
    return this.shifts.importLegacy(
      id,
      {
        businessId,
        title,
        ...(description ? { description } : { description: undefined }),
        startsAt,
        endsAt,
        place: { address, regionCode: region },
        headcount,
        hourlyPayKrw: pay,
        requiredQualifications: required,
        minimumAge: read('minAge', count(f.minAge)) ?? DEFAULT_MINIMUM_AGE,
        status,
        createdBy: 'legacy',
        ...(status === 'cancelled'
          ? { cancelledAt: updatedAt, cancelReason: 'Cancelled in the old app' }
          : {}),
      },
      await this.sealer.copyOf(doc, { collection: 'shifts', id }),
      now,
    );
  }
}
