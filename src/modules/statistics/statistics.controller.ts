import { Controller, Get, Param } from '@nestjs/common';
import { z } from 'zod';
import { Operator } from '../../platform/auth/route-class.decorator.js';
import { NotFoundError } from '../../platform/errors/domain.error.js';
import { ApiDoc } from '../../platform/http/api-doc.decorator.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import { CurrentStaff, type StaffActor } from '../../privacy/staff-actor.decorator.js';
import { HEADLINE_KEYS } from './monthly-report.js';
import { MonthlyStatisticsService } from './monthly-statistics.service.js';

/** How long a download link works: long enough to click, short enough not to be shared. */
const DOWNLOAD_SECONDS = 300;

const Month = z
  .string()
  .max(7)
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
  .meta({ example: '2026-11' });
const FileName = z
  .string()
  .max(66)
  .regex(/^[a-z0-9][a-z0-9-]{0,60}\.(xlsx|csv|png)$/, 'a report file name')
  .meta({ example: 'report.xlsx' });

const ReportSummary = z
  .object({
    month: Month,
    generatedAt: z.iso.datetime(),
    empty: z.boolean().meta({ description: 'The month had no activity at all' }),
    headline: z
      .object(Object.fromEntries(HEADLINE_KEYS.map((key) => [key, z.number().optional()])))
      .meta({ description: 'The headline figures (rates as fractions, money in won)' }),
    files: z.array(z.object({ name: FileName, contentType: z.string(), bytes: z.number().int() })),
  })
  .meta({ id: 'MonthlyStatisticsReport' });
type ReportSummary = z.infer<typeof ReportSummary>;

const ReportList = z.object({ reports: z.array(ReportSummary) }).meta({ id: 'MonthlyStatistics' });

const Download = z
  .object({
    url: z.url().meta({ description: `A presigned S3 GET, valid ${DOWNLOAD_SECONDS} s` }),
    expiresAt: z.iso.datetime(),
    name: FileName,
    contentType: z.string(),
    bytes: z.number().int(),
  })
  .meta({ id: 'StatisticsDownload' });
type Download = z.infer<typeof Download>;

class StatsFileParamsDto extends zodDto(z.object({ month: Month, file: FileName })) {}

/** The monthly statistics for operators: the months, and each file through a presigned URL. */
@Controller('operator/stats')
@Operator()
export class StatisticsController {
  constructor(
    private readonly statistics: MonthlyStatisticsService,
    private readonly access: StaffAccess,
  ) {}

  @Get()
  @ApiDoc({
    summary: 'The monthly statistics reports, newest first, with their headline figures',
    description:
      'Every month with a report (produced on the 1st at 06:00 KST, or by `cli stats monthly`): ' +
      'its headline figures and its files (XLSX, CSV, chart PNGs). Counts only, no personal data.',
    tags: ['operator'],
    responses: { 200: { description: 'The reports', schema: ReportList } },
    problems: [401, 403, 503],
  })
  async list(): Promise<z.infer<typeof ReportList>> {
    const reports = (await this.statistics.reports()).map((manifest): ReportSummary => ({
      month: manifest.month,
      generatedAt: manifest.generatedAt,
      empty: manifest.empty,
      headline: manifest.headline as ReportSummary['headline'],
      files: manifest.files.map(({ name, contentType, bytes }) => ({ name, contentType, bytes })),
    }));
    return { reports };
  }

  @Get(':month/:file')
  @ApiDoc({
    summary: "Download one file of a month's statistics (a presigned S3 URL)",
    description:
      'Recorded in the access log (an export of the statistics) before the link is made. 404 ' +
      'stats_report_not_found for a month without a report, stats_file_not_found for a file ' +
      'the report does not have.',
    tags: ['operator'],
    responses: { 200: { description: 'Where to download it', schema: Download } },
    problems: [400, 401, 403, 404, 503],
  })
  async download(
    @CurrentStaff() actor: StaffActor,
    @Param() params: StatsFileParamsDto,
  ): Promise<Download> {
    const manifest = await this.statistics.manifest(params.month);
    if (!manifest)
      throw new NotFoundError('The statistics of this month', 'stats_report_not_found');
    const file = manifest.files.find((f) => f.name === params.file);
    if (!file) throw new NotFoundError('This file of the report', 'stats_file_not_found');
    await this.access.recordDataset(actor, {
      action: 'export',
      dataset: 'monthly_statistics',
      subjects: [],
      fields: [`${params.month}/${params.file}`],
      reason: '월간 통계 다운로드 (개인정보 없음)',
    });
    const now = Date.now();
    return {
      url: await this.statistics.downloadUrl(file, DOWNLOAD_SECONDS),
      expiresAt: new Date(now + DOWNLOAD_SECONDS * 1_000).toISOString(),
      name: file.name,
      contentType: file.contentType,
      bytes: file.bytes,
    };
  }
}
