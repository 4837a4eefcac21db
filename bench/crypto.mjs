// crypto: one personal-data field through our layer (key ring, self-describing header, binding
// as additional authenticated data) against raw node:crypto AES-256-GCM with a fixed key, in
// paired rounds so the machine's drift hits both sides of each ratio alike.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
} from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlindIndex, KeyRingBlindIndex } from '../dist/privacy/crypto/blind-index.js';
import { FieldCipher } from '../dist/privacy/crypto/field-cipher.js';
import { KeyRing } from '../dist/privacy/crypto/key-ring.js';
import { PersonalDataCodec } from '../dist/privacy/personal-data/codec.js';
import { MEMBER_PERSONAL_DATA } from '../dist/modules/members/members.policy.js';
import { median, report } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);

// 13–40 bytes each: phone, registration number, email, account with bank, road address (UTF-8).
const VALUES = [
  '010-1234-5678',
  '900101-1234567',
  'hong.gildong@example.com',
  '국민 110-123-456789',
  '서울특별시 중구 세종대로 110',
];
const WHERE = { collection: 'members', field: 'phone', documentId: '01JC0000000000000000000000' };

/** Operations per second of `op(i)` over `ms` milliseconds. */
function opsPerSecond(op, ms) {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 256; i++) op(n++);
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** The same for an asynchronous `op(i)`, awaited one at a time (as a request would). */
async function asyncOpsPerSecond(op, ms) {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 256; i++) await op(n++);
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

function rawAesGcm(key) {
  return {
    encrypt(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString();
    },
  };
}

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-crypto-'));
  try {
    // As in production: unwrapped keys expire (the default DATA_KEY_TTL_SECONDS), so every use
    // reads the clock.
    const keys = await KeyRing.openLocal(path.join(dir, 'keys'), { ttlMs: 3_600_000 });
    const aes = new FieldCipher(keys, 'aes-256-gcm');
    const aria = new FieldCipher(keys, 'aria-256-gcm');
    const index = new BlindIndex(keys.blindIndexKey);
    const raw = rawAesGcm(randomBytes(32));
    // The same with the key imported once (what our layer does): on Node 24, passing a Buffer
    // makes every call import the key again, which is most of the raw side's cost.
    const rawKeyObject = rawAesGcm(createSecretKey(randomBytes(32)));
    const hmacKey = randomBytes(32);
    const value = (i) => VALUES[i % VALUES.length];
    const codec = new PersonalDataCodec(MEMBER_PERSONAL_DATA, aes, new KeyRingBlindIndex(keys));
    const PHONES = ['010-1234-5678', '010-2345-6789', '+82 10 3456 7890'];

    const sides = {
      raw: (i) => raw.decrypt(raw.encrypt(value(i))),
      rawKeyObject: (i) => rawKeyObject.decrypt(rawKeyObject.encrypt(value(i))),
      aes: (i) => aes.decrypt(aes.encrypt(value(i), WHERE), WHERE),
      aria: (i) => aria.decrypt(aria.encrypt(value(i), WHERE), WHERE),
      rawWrite: (i) => {
        raw.encrypt(value(i));
        createHmac('sha256', hmacKey).update('01012345678').digest();
      },
      write: (i) => {
        aes.encrypt(value(i), WHERE);
        index.compute('phone', '010-1234-5678');
      },
    };
    const asyncSides = {
      rawRepository: async (i) => {
        const stored = raw.encrypt(PHONES[i % 3]);
        createHmac('sha256', hmacKey).update('01012345678').digest();
        raw.decrypt(stored);
      },
      repository: async (i) => {
        const id = `m${i & 1023}`;
        const stored = await codec.seal(id, { phone: PHONES[i % 3] });
        await codec.open(stored, id);
      },
    };
    for (const op of Object.values(sides)) opsPerSecond(op, 200); // warm-up
    for (const op of Object.values(asyncSides)) await asyncOpsPerSecond(op, 200);
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const row = {};
      for (const [name, op] of Object.entries(sides)) row[name] = opsPerSecond(op, ROUND_MS);
      for (const [name, op] of Object.entries(asyncSides)) {
        row[name] = await asyncOpsPerSecond(op, ROUND_MS);
      }
      rounds.push(row);
    }
    const m = (pick) => median(rounds.map(pick));
    const sizes = VALUES.map((v) => aes.encrypt(v, WHERE).length);
    report('crypto', [
      {
        figure: `encrypt + decrypt of a 13-40 byte field, our layer (AES-256-GCM, key ring, header, binding AAD) vs raw node:crypto AES-256-GCM with a fixed key (median of ${ROUNDS} paired ${ROUND_MS} ms rounds)`,
        value: m((r) => r.aes),
        unit: 'ops/s',
        baseline: m((r) => r.raw),
        ratio: m((r) => r.aes / r.raw),
        goal: '>= 0.8',
      },
      {
        figure:
          'the same, against raw node:crypto AES-256-GCM with the key imported once as a KeyObject',
        value: m((r) => r.aes),
        unit: 'ops/s',
        baseline: m((r) => r.rawKeyObject),
        ratio: m((r) => r.aes / r.rawKeyObject),
      },
      {
        figure: 'the same through our layer with ARIA-256-GCM',
        value: m((r) => r.aria),
        unit: 'ops/s',
        baseline: m((r) => r.raw),
        ratio: m((r) => r.aria / r.raw),
      },
      {
        figure:
          'write path: our encrypt + phone blind index (normalize + HMAC-SHA256) vs raw AES-256-GCM encrypt + HMAC-SHA256',
        value: m((r) => r.write),
        unit: 'ops/s',
        baseline: m((r) => r.rawWrite),
        ratio: m((r) => r.write / r.rawWrite),
      },
      {
        figure:
          'repository path: codec seal (encrypt + blind index) then open (decrypt + mask) of a phone, awaited, vs raw encrypt + HMAC + decrypt',
        value: m((r) => r.repository),
        unit: 'ops/s',
        baseline: m((r) => r.rawRepository),
        ratio: m((r) => r.repository / r.rawRepository),
      },
      {
        figure: `stored size of the 13-40 byte values (${VALUES.map((v) => Buffer.byteLength(v)).join(', ')} B plaintext), largest`,
        value: Math.max(...sizes),
        unit: 'bytes',
      },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
