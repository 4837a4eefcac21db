/**
 * Which member a Cognito user is. A member who signed up here is their Cognito user: the member
 * id is the token's `sub`. A member migrated from Firebase keeps the Firebase uid as member id
 * (their data was migrated under it, perhaps before they ever signed in); their first sign-in
 * links the Cognito user to it. The legacy-auth module answers for the links it holds; without
 * a binding every member id is the `sub`.
 */
export interface MemberIds {
  /** The member id linked to this Cognito user, or undefined when it is the user's own. */
  memberIdOf(cognitoId: string): Promise<string | undefined>;
}

export const MEMBER_IDS = Symbol('MEMBER_IDS');
