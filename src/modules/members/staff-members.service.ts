import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import {
  type ExportRequest,
  mapSummary,
  type MemberPage,
  type MemberSummary,
  type RevealResponse,
} from './members.dto.js';
import { MEMBER_PERSONAL_DATA } from './members.policy.js';
import type { MemberSearch, RevealRequest } from './members.schemas.js';
import { type Member, MembersRepository } from './members.repository.js';

/** Exports larger than this must be narrowed (by role or status) or split. */
const EXPORT_LIMIT = 10_000;
const EXPORT_PAGE = 500;

/** The personal fields a member record shows (masked), for the access record. */
const shownFields = (members: Member[]): string[] =>
  (['email', 'phone'] as const).filter((f) => members.some((m) => m[f] !== undefined));

/**
 * What operators and admins do with member records. Every read, reveal and export writes an
 * access record (접속기록) before any data is returned: if the record cannot be written, the
 * request fails and nothing is shown.
 */
@Injectable()
export class StaffMembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly access: StaffAccess,
  ) {}

  async search(actor: StaffActor, search: MemberSearch): Promise<MemberPage> {
    const { limit, after, ...query } = search;
    const found = await this.members.find(query, { after, limit: limit + 1 });
    const items = found.slice(0, limit);
    if (items.length) {
      await this.access.record(actor, {
        action: 'read',
        policy: MEMBER_PERSONAL_DATA,
        subjects: items.map((m) => m.id),
        fields: shownFields(items),
      });
    }
    return {
      items: items.map(mapSummary),
      next: found.length > limit ? (items.at(-1)?.id ?? null) : null,
    };
  }

  async get(actor: StaffActor, id: string): Promise<MemberSummary> {
    const member = await this.require(id);
    await this.access.record(actor, {
      action: 'read',
      policy: MEMBER_PERSONAL_DATA,
      subjects: [id],
      fields: shownFields([member]),
    });
    return mapSummary(member);
  }

  /** Raw values, for a stated reason; recorded before they are read. */
  async reveal(actor: StaffActor, id: string, request: RevealRequest): Promise<RevealResponse> {
    this.access.assertMayReveal(actor, MEMBER_PERSONAL_DATA);
    const existing = await this.require(id);
    if (existing.destroyedAt) {
      throw new DomainError(
        'conflict',
        'personal_data_destroyed',
        "This member's personal data was destroyed after the retention period.",
      );
    }
    const fields = [...new Set(request.fields)];
    await this.access.record(actor, {
      action: 'reveal',
      policy: MEMBER_PERSONAL_DATA,
      subjects: [id],
      fields,
      reason: request.reason,
    });
    const member = await this.require(id, fields);
    const out: RevealResponse = { id };
    for (const field of fields) out[field] = member[field] ?? null;
    return out;
  }

  /** A CSV of the matching members, personal data masked; recorded with every member in it. */
  async export(actor: StaffActor, request: ExportRequest): Promise<string> {
    const { reason, ...query } = request;
    const rows: Member[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.members.find(query, { after, limit: EXPORT_PAGE });
      rows.push(...page);
      if (rows.length > EXPORT_LIMIT) {
        throw new DomainError(
          'unprocessable',
          'export_too_large',
          `An export holds at most ${EXPORT_LIMIT} members; narrow it by role or status.`,
          { limit: EXPORT_LIMIT },
        );
      }
      if (page.length < EXPORT_PAGE) break;
      after = page.at(-1)?.id;
    }
    await this.access.record(actor, {
      action: 'export',
      policy: MEMBER_PERSONAL_DATA,
      subjects: rows.map((m) => m.id),
      fields: shownFields(rows),
      reason,
    });
    return toCsv(rows.map(mapSummary));
  }

  private async require(id: string, plaintext: readonly ('email' | 'phone')[] = []) {
    const member = await this.members.getById(id, { plaintext });
    if (!member) throw new NotFoundError('The member', 'member_not_found');
    return member;
  }
}

const COLUMNS = [
  'id',
  'role',
  'status',
  'email',
  'phone',
  'createdAt',
  'withdrawnAt',
  'destroyedAt',
] as const satisfies readonly (keyof MemberSummary)[];

/**
 * RFC 4180 CSV. Written here rather than with a CSV library: the columns are fixed and the values
 * are ids, enums, dates and masked strings, so quoting is the whole job. A value a spreadsheet
 * would run as a formula (=, +, -, @) is prefixed with `'`.
 */
function toCsv(rows: MemberSummary[]): string {
  const cell = (value: string | null): string => {
    let text = value ?? '';
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
