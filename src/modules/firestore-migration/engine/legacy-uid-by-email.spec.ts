import { describe, expect, it } from 'vitest';
import { InMemorySource } from '../source/in-memory-source.js';
import { legacyUidByEmail } from './legacy-uid-by-email.js';

/** Small: which old-app user an admin means by an email, on an in-memory source. */
describe('finding a legacy user by email', () => {
  const source = () => {
    const s = new InMemorySource();
    s.set('users/u-auth', { role: 'worker', email: 'other@example.com' });
    s.set('users/u-doc', { role: 'worker', email: 'only.in.firestore@example.com' });
    s.set('users/u-typed', { role: 'worker', email: 'Typed.As.Such@Example.com' });
    s.set('users/u-twin-1', { role: 'worker', email: 'twin@example.com' });
    s.set('users/u-twin-2', { role: 'business', email: 'twin@example.com' });
    // A subcollection named users is not a user.
    s.set('businesses/b1/users/u-nested', { email: 'nested@example.com' });
    return s;
  };
  const noAccounts = { uidOfEmail: () => Promise.resolve(undefined) };

  it('takes the Firebase Auth account of the email first: it is how the user signs in', async () => {
    const accounts = {
      // As the accounts' repository does: it normalizes the email itself.
      uidOfEmail: (email: string) =>
        Promise.resolve(
          email.trim().toLowerCase() === 'stranded@example.com' ? 'u-auth' : undefined,
        ),
    };

    expect(
      await legacyUidByEmail(' Stranded@Example.com ', { accounts, source: source() }),
    ).toEqual({
      found: 'u-auth',
      via: 'auth',
    });
  });

  it('else the user document holding the email, as the old app wrote it or in lower case', async () => {
    for (const email of ['Only.In.Firestore@Example.com', 'only.in.firestore@example.com']) {
      expect(await legacyUidByEmail(email, { accounts: noAccounts, source: source() })).toEqual({
        found: 'u-doc',
        via: 'firestore',
      });
    }
  });

  it('names every user when two documents hold the email, and picks none', async () => {
    expect(
      await legacyUidByEmail('twin@example.com', { accounts: noAccounts, source: source() }),
    ).toEqual({ ambiguous: ['u-twin-1', 'u-twin-2'] });
  });

  it('finds no one for an email no account or user document holds, nor a nested users document', async () => {
    for (const email of ['nobody@example.com', 'nested@example.com']) {
      expect(await legacyUidByEmail(email, { accounts: noAccounts, source: source() })).toEqual({
        notFound: true,
      });
    }
  });

  it('gives up when the source takes longer than the caller can wait, and says so', async () => {
    expect(
      await legacyUidByEmail('only.in.firestore@example.com', {
        accounts: noAccounts,
        source: source(),
        signal: AbortSignal.abort(),
      }),
    ).toEqual({ tooSlow: true });
  });
});
