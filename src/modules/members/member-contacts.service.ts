import { Injectable } from '@nestjs/common';
import type { MemberContacts } from '../notifications/member-contacts.port.js';
import { MembersRepository } from './members.repository.js';

/**
 * The members' side of `MemberContacts`: the phone number a provider sender delivers to, read in
 * plaintext for that one purpose. A withdrawn member gets nothing.
 */
@Injectable()
export class MemberContactsService implements MemberContacts {
  constructor(private readonly members: MembersRepository) {}

  async phoneOf(memberId: string): Promise<string | undefined> {
    const member = await this.members.getById(memberId, { plaintext: ['phone'] });
    if (!member || member.status !== 'active' || !member.phone) return undefined;
    return domesticDigits(member.phone);
  }
}

/** `+82 10-1234-5678` and `010-1234-5678` both as `01012345678`, the form Popbill takes. */
export function domesticDigits(phone: string): string | undefined {
  const digits = phone.trim().startsWith('+82')
    ? `0${phone.replace(/\D/g, '').slice(2)}`
    : phone.replace(/\D/g, '');
  return /^0\d{8,10}$/.test(digits) ? digits : undefined;
}
