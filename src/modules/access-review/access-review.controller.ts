import { Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { Admin } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { toKstIso } from '../../platform/time/kst.js';
import type { AccessRecord } from '../../privacy/access/access-record.js';
import type { AccessRecords } from '../../privacy/access/access-records.js';
import { ACCESS_RECORDS } from '../../privacy/staff-access.service.js';
import {
  AccessRecordsPage,
  AccessRecordsQueryDto,
  AccessReviewQueryDto,
  AccessReviewView,
  ChainVerification,
} from './access-review.dto.js';

const view = (record: AccessRecord): AccessRecordsPage['items'][number] => ({
  seq: record.seq,
  at: toKstIso(record.at),
  actor: record.actor,
  ip: record.ip,
  action: record.action,
  dataset: record.dataset,
  subjects: record.subjects,
  subjectCount: record.subjectCount,
  fields: record.fields,
  reason: record.reason,
  requestId: record.requestId,
});

/**
 * The access records (접속기록) for the monthly review in the operator console: admins only,
 * since the operators' own accesses are what is reviewed.
 */
@Controller('admin')
@Admin()
export class AccessReviewController {
  constructor(@Inject(ACCESS_RECORDS) private readonly records: AccessRecords) {}

  @Get('access-records')
  @ApiDoc({
    summary: "A KST month's access records, newest first: who did what to whose data, and why",
    description:
      'Filtered by actor (a staff member, a job) or by data subject (a member id: whose data ' +
      'was accessed). Ids only: the records hold no names or contacts. Page with `before`.',
    tags: ['privacy'],
    responses: { 200: { description: 'One page', schema: AccessRecordsPage } },
    problems: [401, 403, 503],
  })
  async list(@Query() query: AccessRecordsQueryDto): Promise<AccessRecordsPage> {
    const { month, before, ...filter } = query;
    // One more than the page: whether another page follows.
    const found = await this.records.page(month, {
      ...filter,
      limit: query.limit + 1,
      ...(before === undefined ? {} : { beforeSeq: before }),
    });
    const items = found.slice(0, query.limit);
    return {
      items: items.map(view),
      next: found.length > query.limit ? items.at(-1)!.seq : null,
    };
  }

  @Get('access-review')
  @ApiDoc({
    summary: "The month's review: every actor's accesses counted, and what looks unusual",
    description:
      'As `cli privacy access-review` (the monthly job): reveals past the thresholds, reveals ' +
      'and exports outside working hours (KST, weekends), bulk exports and reads.',
    tags: ['privacy'],
    responses: { 200: { description: 'The review', schema: AccessReviewView } },
    problems: [401, 403, 503],
  })
  async review(@Query() query: AccessReviewQueryDto): Promise<AccessReviewView> {
    const review = await this.records.review(query.month);
    return { ...review, from: toKstIso(review.from), to: toKstIso(review.to) };
  }

  @Post('access-records/verify')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Verify the whole hash chain of the access records now',
    description:
      'As `cli privacy verify-access-log`: every record’s MAC and link, the head and the purge ' +
      'anchor. Reads every record kept (two years and more): seconds for millions.',
    tags: ['privacy'],
    responses: { 200: { description: 'The verification', schema: ChainVerification } },
    problems: [401, 403, 503],
  })
  verify(): Promise<ChainVerification> {
    return this.records.verify();
  }
}
