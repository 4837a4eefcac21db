import { DomainError } from '../../platform/errors/domain.error.js';

/** The refusals of the access layer: the same codes whichever module asked. */
export const notBusinessStaff = (): DomainError =>
  new DomainError('forbidden', 'not_business_staff', 'You are not on this business’s staff.');

export const ownerOnly = (): DomainError =>
  new DomainError('forbidden', 'owner_only', 'Only the business’s owner may do this.');

export const notYourAssignment = (): DomainError =>
  new DomainError('forbidden', 'not_your_assignment', 'This assignment is not yours.');
