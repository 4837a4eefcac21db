import { Controller, Get, Injectable, Query } from '@nestjs/common';
import { z } from 'zod';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { DAY_MS, kstDayKey, kstDayStart, toKstIso } from '../../platform/time/kst.js';
import { ShiftsService } from '../shifts/shifts.service.js';
import { AssignmentsRepository } from './assignments.repository.js';

/** The most shifts one day lists: far above a day's shifts; the page says when it cut. */
const DAY_LIMIT = 500;

const DayQuery = z
  .object({
    date: z.iso
      .date({ message: 'Expected a KST date, YYYY-MM-DD.' })
      .optional()
      .meta({ description: 'The KST day; today by default' }),
  })
  .strict();
class DayQueryDto extends zodDto(DayQuery) {}

const DayShifts = z
  .object({
    date: z.string().meta({ description: 'The KST day, YYYY-MM-DD' }),
    shifts: z.array(
      z.object({
        id: z.string(),
        businessId: z.string(),
        title: z.string(),
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.iso.datetime({ offset: true }),
        headcount: z.number().int(),
        filled: z.number().int(),
        applied: z.number().int().meta({ description: 'Applications no one has answered' }),
        proposed: z.number().int().meta({ description: 'Proposals the worker has not accepted' }),
        confirmed: z.number().int(),
      }),
    ),
    truncated: z.boolean().meta({ description: `More than ${DAY_LIMIT} shifts: the first listed` }),
  })
  .meta({ id: 'DayShifts' });
type DayShifts = z.infer<typeof DayShifts>;

/**
 * The operators' day (the console's Today): the shifts starting on a KST day with their fill and
 * what still waits for a confirmation, from the shifts' start index and the assignments' state
 * index; no personal data.
 */
@Injectable()
export class OperatorDay {
  constructor(
    private readonly shifts: ShiftsService,
    private readonly assignments: AssignmentsRepository,
  ) {}

  async shiftsOf(date: string): Promise<DayShifts> {
    const from = kstDayStart(date);
    const found = await this.shifts.startingBetween(
      { from, to: new Date(from.getTime() + DAY_MS) },
      DAY_LIMIT + 1,
    );
    const shifts = found.slice(0, DAY_LIMIT);
    const counts = await this.assignments.activeCounts(shifts.map((s) => s.id));
    return {
      date,
      shifts: shifts.map((shift) => ({
        id: shift.id,
        businessId: shift.businessId,
        title: shift.title,
        startsAt: toKstIso(shift.startsAt),
        endsAt: toKstIso(shift.endsAt),
        headcount: shift.headcount,
        filled: shift.filled,
        ...(counts.get(shift.id) ?? { applied: 0, proposed: 0, confirmed: 0 }),
      })),
      truncated: found.length > DAY_LIMIT,
    };
  }
}

@Controller('operator/day')
@Operator()
export class OperatorDayController {
  constructor(private readonly day: OperatorDay) {}

  @Get('shifts')
  @ApiDoc({
    summary: 'The shifts starting on a KST day, with their fill and what waits for a confirmation',
    description:
      'For the console’s Today: open shifts by start; applied and proposed count what is not ' +
      'confirmed yet (a shift near its start with those, or short of its headcount, is at risk).',
    tags: ['operator'],
    responses: { 200: { description: 'The day', schema: DayShifts } },
    problems: [401, 403],
  })
  shifts(@Query() query: DayQueryDto): Promise<DayShifts> {
    return this.day.shiftsOf(query.date ?? kstDayKey(Date.now()));
  }
}
