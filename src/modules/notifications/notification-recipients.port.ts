/**
 * Who on a business's side hears about its assignments. Implemented by the businesses feature;
 * without it, notifications go to workers only.
 */
export interface NotificationRecipients {
  /** Member ids of the business's staff to notify (may be empty). */
  forBusiness(businessId: string): Promise<string[]>;
}

export const NOTIFICATION_RECIPIENTS = Symbol('NOTIFICATION_RECIPIENTS');
