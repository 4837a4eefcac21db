import type { FirebaseExport, FirebaseUser } from './firebase-export.js';
import { normalizeEmail, roleClaimOf } from './firebase-export.js';
import {
  LEGACY_ROLES,
  type LegacyRole,
  type LegacyUserRecord,
  type LegacyUsersRepository,
} from './legacy-users.repository.js';

const SKIP_REASONS = {
  no_email: 'no email address (Cognito usernames are emails here): phone-only or anonymous',
  no_role: 'no role claim in customAttributes ({"role":"worker"} or {"role":"business"})',
  unknown_role:
    'a role claim other than worker or business (staff are created with members create-staff)',
  duplicate_email: 'email shared with another user of the export (case-insensitive)',
  email_taken: 'email already stored for another Firebase uid (an earlier import)',
} as const;

type SkipReason = keyof typeof SKIP_REASONS;

export interface ImportReport {
  total: number;
  /** With a Firebase scrypt hash: can sign in with the old password. */
  passwordUsers: number;
  /** Federated providers only (google.com, apple.com, …): no password ever. */
  oauthOnlyUsers: number;
  /** Neither: a password hashed by another algorithm and never rehashed, phone, anonymous. */
  usersWithoutHash: number;
  disabled: number;
  stored: { inserted: number; updated: number; unchanged: number };
  /** By reason; the uids are in `skippedUids` (not personal data, but not printed by default). */
  skipped: Partial<Record<SkipReason, number>>;
  skippedUids: Partial<Record<SkipReason, string[]>>;
}

type Kind = 'password' | 'oauth_only' | 'no_hash';

function kindOf(user: FirebaseUser): Kind {
  if (user.passwordHash) return 'password';
  const providers = user.providerUserInfo ?? [];
  const federated = providers.filter(
    (p) => p.providerId !== 'password' && p.providerId !== 'phone',
  );
  return federated.length > 0 && federated.length === providers.length ? 'oauth_only' : 'no_hash';
}

function toRecord(user: FirebaseUser, email: string, role: LegacyRole): LegacyUserRecord {
  return {
    uid: user.localId,
    email,
    emailVerified: user.emailVerified ?? false,
    password:
      user.passwordHash && user.salt ? { hash: user.passwordHash, salt: user.salt } : undefined,
    disabled: user.disabled ?? false,
    providers: (user.providerUserInfo ?? []).map((p) => p.providerId),
    role,
    phone: user.phoneNumber,
  };
}

/** What of a (validated) export is stored, and what is skipped and why. Writes nothing. */
export function planImport(file: FirebaseExport): {
  records: LegacyUserRecord[];
  report: ImportReport;
} {
  const report: ImportReport = {
    total: file.users.length,
    passwordUsers: 0,
    oauthOnlyUsers: 0,
    usersWithoutHash: 0,
    disabled: 0,
    stored: { inserted: 0, updated: 0, unchanged: 0 },
    skipped: {},
    skippedUids: {},
  };
  const skip = (reason: SkipReason, uid: string) => {
    report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
    (report.skippedUids[reason] ??= []).push(uid);
  };

  const byEmail = new Map<string, number>();
  for (const user of file.users) {
    if (user.email) {
      const email = normalizeEmail(user.email);
      byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
    }
  }

  const records: LegacyUserRecord[] = [];
  for (const user of file.users) {
    const kind = kindOf(user);
    if (kind === 'password') report.passwordUsers += 1;
    else if (kind === 'oauth_only') report.oauthOnlyUsers += 1;
    else report.usersWithoutHash += 1;
    if (user.disabled) report.disabled += 1;

    if (!user.email) {
      skip('no_email', user.localId);
      continue;
    }
    const email = normalizeEmail(user.email);
    // Which of two accounts owns the address is a decision for a person, not for the import.
    if ((byEmail.get(email) ?? 0) > 1) {
      skip('duplicate_email', user.localId);
      continue;
    }
    // The role decides every route the account may use, so it is never guessed: a default would
    // make a business owner a worker (or the reverse) without anyone noticing, and the data
    // migration would then attach their data to the wrong kind of profile. The skipped count
    // tells the operator to fix the claim in Firebase and export again.
    const claim = roleClaimOf(user);
    if (claim === undefined) {
      skip('no_role', user.localId);
      continue;
    }
    if (!(LEGACY_ROLES as readonly string[]).includes(claim)) {
      skip('unknown_role', user.localId);
      continue;
    }
    // OAuth-only and hash-less users are kept: the sign-up check protects their email, and the
    // forgot-password migration lets them set a password.
    records.push(toRecord(user, email, claim as LegacyRole));
  }
  return { records, report };
}

/** Stores a validated export's users; run again with the same file, it changes nothing. */
export async function importLegacyUsers(
  file: FirebaseExport,
  repository: LegacyUsersRepository,
  now: Date,
): Promise<ImportReport> {
  const { records, report } = planImport(file);
  const written = await repository.upsertMany(records, now);
  report.stored = {
    inserted: written.inserted,
    updated: written.updated,
    unchanged: written.unchanged,
  };
  for (const uid of written.emailTaken) {
    report.skipped.email_taken = (report.skipped.email_taken ?? 0) + 1;
    (report.skippedUids.email_taken ??= []).push(uid);
  }
  return report;
}

export function formatImportReport(report: ImportReport): string {
  const skippedTotal = Object.values(report.skipped).reduce((a, b) => a + b, 0);
  const row = (label: string, value: number) => `  ${label.padEnd(22)} ${value}\n`;
  let text =
    `users in the export      ${report.total}\n` +
    row('password users', report.passwordUsers) +
    row('OAuth-only users', report.oauthOnlyUsers) +
    row('users without a hash', report.usersWithoutHash) +
    row('disabled', report.disabled) +
    `stored: ${report.stored.inserted} new, ${report.stored.updated} updated, ` +
    `${report.stored.unchanged} unchanged\n` +
    `skipped                  ${skippedTotal}\n`;
  for (const [reason, count] of Object.entries(report.skipped)) {
    text += `  ${String(count).padStart(6)}  ${SKIP_REASONS[reason as SkipReason]}\n`;
  }
  return text;
}
