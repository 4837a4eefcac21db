import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  fingerprintHashParameters,
  hashFirebasePassword,
  verifyFirebasePassword,
  type FirebaseHashParameters,
} from './firebase-scrypt.js';

// The sample in the firebase/scrypt README ("Password Hashing"): the project's hash parameters,
// one exported account's salt and hash, and the password behind them.
const README = {
  signerKey:
    'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==',
  rounds: 8,
  memCost: 14,
  salt: '42xEC+ixf3L2lw==',
  password: 'user1password',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
};

const params: FirebaseHashParameters = {
  signerKey: Buffer.from(README.signerKey, 'base64'),
  saltSeparator: Buffer.from(README.saltSeparator, 'base64'),
  rounds: README.rounds,
  memCost: README.memCost,
};
const record = { passwordHash: README.hash, salt: README.salt };

describe('Firebase scrypt', () => {
  it('reproduces the firebase/scrypt README test vector', async () => {
    await expect(hashFirebasePassword(README.password, README.salt, params)).resolves.toBe(
      README.hash,
    );
  });

  it('verifies the README password against the README hash', async () => {
    await expect(verifyFirebasePassword(README.password, record, params)).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    await expect(verifyFirebasePassword('user1Password', record, params)).resolves.toBe(false);
    await expect(verifyFirebasePassword('', record, params)).resolves.toBe(false);
  });

  it('refuses the right password with another salt', async () => {
    const other = { ...record, salt: '42xEC+ixf3L2lA==' };
    await expect(verifyFirebasePassword(README.password, other, params)).resolves.toBe(false);
  });

  it('refuses the right password with another salt separator, signer key or cost', async () => {
    const variants: FirebaseHashParameters[] = [
      { ...params, saltSeparator: Buffer.from([8]) },
      { ...params, signerKey: Buffer.from(params.signerKey).fill(1, 0, 1) },
      { ...params, rounds: 7 },
      { ...params, memCost: 13 },
    ];
    for (const variant of variants) {
      await expect(verifyFirebasePassword(README.password, record, variant)).resolves.toBe(false);
    }
  });

  it('refuses a tampered hash, whichever byte changed', async () => {
    const bytes = Buffer.from(README.hash, 'base64');
    for (const index of [0, 31, 63]) {
      const tampered = Buffer.from(bytes);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      await expect(
        verifyFirebasePassword(
          README.password,
          { ...record, passwordHash: tampered.toString('base64') },
          params,
        ),
      ).resolves.toBe(false);
    }
  });

  it('answers false, never throws, for malformed or truncated base64', async () => {
    const broken = [
      { ...record, passwordHash: 'not base64!' },
      { ...record, passwordHash: README.hash.slice(0, 40) },
      { ...record, passwordHash: '' },
      { ...record, salt: '42xEC+ixf3L2l' },
      { ...record, salt: '%%%' },
    ];
    for (const bad of broken) {
      await expect(verifyFirebasePassword(README.password, bad, params)).resolves.toBe(false);
    }
  });

  it('accepts the URL-safe alphabet and missing padding for the same bytes', async () => {
    const urlSafe = README.hash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    await expect(
      verifyFirebasePassword(README.password, { ...record, passwordHash: urlSafe }, params),
    ).resolves.toBe(true);
  });

  it('runs a memory cost above node’s default scrypt limit (maxmem from the parameters)', async () => {
    // N = 2^15, r = 8: 32 MiB, which node's default maxmem refuses.
    const heavy = { ...params, memCost: 15 };
    const hash = await hashFirebasePassword('pw', README.salt, heavy);
    await expect(
      verifyFirebasePassword('pw', { passwordHash: hash, salt: README.salt }, heavy),
    ).resolves.toBe(true);
  });

  it('decodes canonical base64 only', () => {
    expect(decodeBase64('Bw==')).toEqual(Buffer.from([7]));
    expect(decodeBase64('Bw')).toEqual(Buffer.from([7]));
    expect(decodeBase64('Bx==')).toBeUndefined(); // non-zero trailing bits: not canonical
    expect(decodeBase64('B w==')).toBeUndefined();
  });

  it('fingerprints parameters without revealing them, and tells two sets apart', () => {
    const fingerprint = fingerprintHashParameters(params);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint).not.toContain(params.signerKey.toString('hex'));
    expect(fingerprintHashParameters({ ...params, rounds: 7 })).not.toBe(fingerprint);
    expect(fingerprintHashParameters({ ...params })).toBe(fingerprint);
  });
});
