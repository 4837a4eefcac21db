import type { Role } from '../../platform/auth/principal.js';

/**
 * What the service needs from the identity provider. The real implementation is
 * `AwsCognitoAuth` (Cognito or cognito-local, by configuration); tests use strict fakes.
 * Every method throws domain errors only (see cognito-errors.ts), never SDK exceptions.
 */
export interface CognitoAuth {
  /** Creates an unconfirmed user; Cognito sends the confirmation code. */
  signUp(input: { email: string; password: string; phone: string }): Promise<{ userSub: string }>;
  /** By the real username (the sub), not the email alias (cognito-local's quirk, standins.md §1). */
  addToGroup(username: string, group: Role): Promise<void>;
  confirmSignUp(email: string, code: string): Promise<void>;
  /** Looks a user up by username or email alias. */
  getUser(usernameOrEmail: string): Promise<CognitoUser>;
  /** Whether the pool holds this user (by username or email alias). */
  exists(usernameOrEmail: string): Promise<boolean>;
  /** Group names of a user, by the real username. */
  groupsOf(username: string): Promise<string[]>;
  /**
   * USER_PASSWORD_AUTH, the flow that fires the Firebase user-migration trigger. A user created
   * with a temporary password (staff) gets no tokens yet: the NEW_PASSWORD_REQUIRED challenge.
   */
  login(email: string, password: string): Promise<SignInResult>;
  /** Answers NEW_PASSWORD_REQUIRED with the session `login` returned; the tokens come now. */
  completeNewPassword(email: string, session: string, newPassword: string): Promise<SignedIn>;
  /** New tokens, and whose they are (`sub`, or the username when the token has none). */
  refresh(refreshToken: string): Promise<{ tokens: AuthTokens; userId: string }>;
  /** Ends every session of the token's user: its refresh tokens stop working. */
  globalSignOut(accessToken: string): Promise<void>;
  /**
   * Sends a reset code; answers the same whether or not the account exists or can be reset, and
   * when Cognito's own limit stops the send (its 429 would come for existing accounts only).
   */
  forgotPassword(email: string): Promise<void>;
  /**
   * Sends an unconfirmed account a new sign-up code; answers the same for an unknown email, a
   * confirmed account and Cognito's own limit.
   */
  resendConfirmationCode(email: string): Promise<void>;
  confirmForgotPassword(email: string, code: string, password: string): Promise<void>;
  changePassword(accessToken: string, previous: string, proposed: string): Promise<void>;
  /**
   * Disables (blocks) or enables the user (AdminDisableUser / AdminEnableUser). Cognito refuses a
   * disabled user's sign-in and refresh; cognito-local does not (standins.md), so the API checks
   * a member's block itself as well.
   */
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** Removes the user; a user already gone is not an error. */
  deleteUser(username: string): Promise<void>;
  /**
   * A user with a verified email and this temporary password, in `group`: its status is
   * FORCE_CHANGE_PASSWORD, so signing in asks for a new password before any token is issued.
   */
  createStaff(input: {
    email: string;
    temporaryPassword: string;
    group: Role;
  }): Promise<CognitoUser>;
  /**
   * A confirmed member with a verified email and phone and a permanent password, in `group`: it
   * signs in at once. For `cli demo seed` (local only), which cannot read an emailed sign-up
   * code; members otherwise come through sign-up and its confirmation.
   */
  createMember(input: {
    email: string;
    /** E.164: `+821012345678`. */
    phone: string;
    password: string;
    group: Role;
  }): Promise<CognitoUser>;
}

export const COGNITO_AUTH = Symbol('CognitoAuth');

export interface CognitoUser {
  username: string;
  /** Absent for users the migration trigger created on cognito-local. */
  sub: string | undefined;
  email: string | undefined;
  phone: string | undefined;
  /** `custom:firebase_uid`: set on users the Firebase migration trigger created. */
  firebaseUid: string | undefined;
}

export interface AuthTokens {
  accessToken: string;
  idToken: string;
  /** Only on login; refreshing keeps the refresh token the client has. */
  refreshToken: string | undefined;
  /** Seconds the access token lives. */
  expiresIn: number;
}

/** A successful login: the tokens and who they are for (read from the tokens Cognito issued). */
export interface SignedIn {
  kind: 'signed_in';
  tokens: AuthTokens;
  identity: {
    /** `sub`, or the username when the token has none (as `Principal.sub`). */
    id: string;
    username: string;
    groups: string[];
    email: string | undefined;
    phone: string | undefined;
  };
}

/** The password was right, but the user must choose a new one before any token is issued. */
interface NewPasswordRequired {
  kind: 'new_password_required';
  /** Cognito's challenge session: proves the sign-in to `completeNewPassword`, for minutes. */
  session: string;
}

export type SignInResult = SignedIn | NewPasswordRequired;
