/**
 * How a provider sender reaches a member: their phone number, looked up when a message is sent
 * (messages carry member ids only). Implemented by the members feature through its service.
 */
export interface MemberContacts {
  /** The member's mobile number, digits only; undefined when there is none to send to. */
  phoneOf(memberId: string): Promise<string | undefined>;
}

export const MEMBER_CONTACTS = Symbol('MEMBER_CONTACTS');
