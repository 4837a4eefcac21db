import { describe, expect, it } from 'vitest';
import { strictFake } from '../../../test/support/strict-fake.js';
import { domesticDigits, MemberContactsService } from './member-contacts.service.js';
import type { Member, MembersRepository } from './members.repository.js';

const member = (patch: Partial<Member>): Member =>
  ({ id: 'm1', username: 'u', role: 'worker', status: 'active', ...patch }) as Member;

describe('domesticDigits', () => {
  it('writes the accepted spellings of a Korean number as the digits Popbill takes', () => {
    expect(domesticDigits('010-1234-5678')).toBe('01012345678');
    expect(domesticDigits('+82 10-1234-5678')).toBe('01012345678');
    expect(domesticDigits('+821012345678')).toBe('01012345678');
    expect(domesticDigits('12')).toBeUndefined();
  });
});

describe(MemberContactsService.name, () => {
  it("reads the member's phone in plaintext and answers its digits", async () => {
    const members = strictFake<MembersRepository>('members');
    members.getById.mockResolvedValue(member({ phone: '010-1234-5678' }));
    const sut = new MemberContactsService(members);
    expect(await sut.phoneOf('m1')).toBe('01012345678');
    expect(members.getById).toHaveBeenCalledWith('m1', { plaintext: ['phone'] });
  });

  it('answers nothing for a withdrawn member, a member without a phone, or no member', async () => {
    const members = strictFake<MembersRepository>('members');
    const sut = new MemberContactsService(members);
    members.getById.mockResolvedValueOnce(member({ status: 'withdrawn', phone: '010-1234-5678' }));
    expect(await sut.phoneOf('m1')).toBeUndefined();
    members.getById.mockResolvedValueOnce(member({ phone: undefined }));
    expect(await sut.phoneOf('m1')).toBeUndefined();
    members.getById.mockResolvedValueOnce(undefined);
    expect(await sut.phoneOf('m1')).toBeUndefined();
  });
});
