import { type FsFields, fs, type SourceDoc } from '../firestore/value.js';
import { Random } from './random.js';
import {
  DATA_END_MS,
  instantBetween,
  kstDate,
  kstDay,
  kstMidnight,
  mixedTime,
  pad2,
  phoneShapes,
  timestamp,
  writeTimes,
} from './shapes.js';
import {
  BANKS,
  CERTIFICATES,
  EMAIL_DOMAINS,
  GIVEN_SYLLABLES,
  SURNAMES,
  UNKNOWN_CERTIFICATE,
} from './vocabulary.js';

/** What other documents need to know of user `i`, regenerated from its index (never stored). */
export interface UserCore {
  index: number;
  uid: string;
  /** `role` as written: `worker`, `알바`, `WORKER`, `business`, `사장님`. */
  roleSpelling: string;
  role: 'worker' | 'business';
  /** A worker who went through NICE or Danal (has an identity result and a CI). */
  verified: boolean;
  name: string;
  createdMs: number;
}

const ROLE_SPELLINGS = { worker: 55, 알바: 15, WORKER: 5, business: 15, 사장님: 10 };
/** Share of identity-verified workers whose CI is another verified user's (two accounts). */
const CI_COLLISION_SHARE = 0.001;

export function userCore(seed: string, index: number): UserCore {
  const rng = Random.for(seed, 'user', index);
  const uid = rng.alphanumeric(28);
  const roleSpelling = rng.weighted(ROLE_SPELLINGS);
  const role = /^(business|사장님)$/.test(roleSpelling) ? 'business' : 'worker';
  const verified = role === 'worker' && rng.chance(0.6);
  const name = rng.pick(SURNAMES) + rng.pick(GIVEN_SYLLABLES) + rng.pick(GIVEN_SYLLABLES);
  return { index, uid, roleSpelling, role, verified, name, createdMs: instantBetween(rng) };
}

/** A user with a business role, drawn by `rng` (undefined when `tries` draws found none). */
export function drawUser(
  seed: string,
  users: number,
  rng: Random,
  accept: (user: UserCore) => boolean,
  tries = 64,
): UserCore | undefined {
  for (let t = 0; t < tries; t++) {
    const user = userCore(seed, rng.int(0, users - 1));
    if (accept(user)) return user;
  }
  return undefined;
}

/** Random base64 of 64 bytes (88 characters), the shape of a CI; never a real one. */
function ciOf(seed: string, index: number): string {
  return Random.for(seed, 'ci', index).bytes(64).toString('base64');
}

/**
 * The CI of verified worker `core`: its own, or for ~0.1% another verified user's (the same
 * person with two accounts, which the migration reports as a collision).
 */
function ciOfUser(seed: string, users: number, core: UserCore): string {
  const rng = Random.for(seed, 'ci-collision', core.index);
  if (rng.chance(CI_COLLISION_SHARE)) {
    const other = drawUser(seed, users, rng, (u) => u.verified && u.index !== core.index);
    if (other) return ciOf(seed, other.index);
  }
  return ciOf(seed, core.index);
}

export const autoId = (rng: Random) => rng.alphanumeric(20);

const ts = (ms: number) => timestamp(ms).ts;

/** What `firebase auth:export` holds of the user, before a password hash is added. */
export interface AuthUser {
  index: number;
  uid: string;
  email?: string;
  e164: string;
  role: 'worker' | 'business';
  createdMs: number;
}

export interface GeneratedUser {
  /** `users/{uid}` first, then its subcollections' documents. */
  docs: SourceDoc[];
  auth: AuthUser;
}

/** User `index` and its subcollections, as the old app wrote them. */
export function generateUser(
  seed: string,
  users: number,
  index: number,
  options: { emailRequired: boolean },
): GeneratedUser {
  const core = userCore(seed, index);
  const rng = Random.for(seed, 'user-doc', index);
  const f: FsFields = { role: core.roleSpelling };
  if (rng.chance(0.9)) f.name = core.name;
  else f.userName = core.name;
  let email: string | undefined;
  if (options.emailRequired || rng.chance(0.85)) {
    email = `${rng.alphanumeric(6).toLowerCase()}${index}@${rng.pick(EMAIL_DOMAINS)}`;
    f.email = email;
  }
  const phone = phoneShapes(rng.digits(8));
  const phoneShape = rng.weighted({
    dashed: 40,
    digits: 25,
    international: 15,
    number: 15,
    absent: 5,
  });
  if (phoneShape !== 'absent') f.phone = phone[phoneShape];
  const birthMs = kstMidnight(rng.int(1960, 2006), rng.int(1, 12), rng.int(1, 28));
  const birth = kstDay(birthMs);
  const birthText = `${birth.y}${pad2(birth.m)}${pad2(birth.d)}`;
  switch (rng.weighted({ text: 50, timestamp: 25, map: 15, absent: 10 })) {
    case 'text':
      f.birth = birthText;
      break;
    case 'timestamp':
      f.birth = timestamp(birthMs);
      break;
    case 'map':
      f.birth = fs.map({ y: fs.int(birth.y), m: fs.int(birth.m), d: fs.int(birth.d) });
      break;
  }
  const male = rng.chance(0.5);
  switch (rng.weighted({ latin: 40, korean: 40, number: 10, absent: 10 })) {
    case 'latin':
      f.gender = male ? 'M' : 'F';
      break;
    case 'korean':
      f.gender = male ? '남' : '여';
      break;
    case 'number':
      f.gender = fs.int(male ? 1 : 2);
      break;
  }
  const status = rng.weighted({
    active: 50,
    정상: 25,
    blocked: 2.5,
    정지: 2.5,
    withdrawn: 2.5,
    탈퇴: 2.5,
    absent: 15,
  });
  if (status !== 'absent') f.status = status;
  const ci = core.verified ? ciOfUser(seed, users, core) : undefined;
  if (ci && rng.chance(0.5)) f.ci = ci;
  const updatedMs = writeTimes(rng, f, core.createdMs);
  if (rng.chance(0.6)) f.fcmToken = `${rng.alphanumeric(22)}:APA91b${rng.alphanumeric(60)}`;
  if (rng.chance(0.7)) f.marketingAgree = rng.chance(0.8) ? rng.chance(0.4) : rng.pick(['Y', 'N']);
  if (rng.chance(0.8)) f.appVersion = `${rng.int(1, 3)}.${rng.int(0, 9)}.${rng.int(0, 20)}`;
  if (rng.chance(0.5)) f.lastLoginAt = timestamp(instantBetween(rng, core.createdMs));

  const path = `users/${core.uid}`;
  const docs: SourceDoc[] = [
    { path, fields: f, createTime: ts(core.createdMs), updateTime: ts(updatedMs) },
  ];
  if (core.role === 'worker') {
    docs.push(...bankAccounts(rng, path, core));
    if (ci) docs.push(identity(rng, path, core, ci, birthText, phone.digits, male));
    docs.push(...certificates(rng, path, core));
  }
  return {
    docs,
    auth: {
      index,
      uid: core.uid,
      email,
      e164: phone.e164,
      role: core.role,
      createdMs: core.createdMs,
    },
  };
}

function subDoc(
  path: string,
  fields: FsFields,
  createdMs: number,
  updatedMs = createdMs,
): SourceDoc {
  return { path, fields, createTime: ts(createdMs), updateTime: ts(updatedMs) };
}

function bankAccounts(rng: Random, userPath: string, core: UserCore): SourceDoc[] {
  const count = Number(rng.weighted({ 0: 25, 1: 55, 2: 20 }));
  const docs: SourceDoc[] = [];
  for (let n = 0; n < count; n++) {
    const bank = rng.pick(BANKS);
    const f: FsFields = {};
    const bankShape = rng.weighted({ code: 60, name: 25, number: 15 });
    f.bankCode =
      bankShape === 'code'
        ? bank.code
        : bankShape === 'name'
          ? bank.name
          : fs.int(Number(bank.code));
    const [a, b, c] = [rng.digits(3), rng.digits(3), rng.digits(6)];
    const accountShape = rng.weighted({ dashed: 50, digits: 35, number: 15 });
    f.accountNumber =
      accountShape === 'dashed'
        ? `${a}-${b}-${c}`
        : accountShape === 'digits'
          ? `${a}${b}${c}`
          : fs.int(BigInt(`${a}${b}${c}`));
    f.holder = core.name;
    const verified = rng.chance(0.8);
    f.verified = rng.chance(0.7) ? verified : verified ? 'Y' : 'N';
    const createdMs = instantBetween(rng, core.createdMs);
    if (verified)
      f.verifiedAt = timestamp(
        instantBetween(rng, createdMs, Math.min(DATA_END_MS, createdMs + 86_400_000)),
      );
    if (count > 1) f.primary = n === count - 1;
    f.createdAt = mixedTime(rng, createdMs);
    docs.push(subDoc(`${userPath}/bankAccounts/${autoId(rng)}`, f, createdMs));
  }
  return docs;
}

function identity(
  rng: Random,
  userPath: string,
  core: UserCore,
  ci: string,
  birth: string,
  phoneDigits: string,
  male: boolean,
): SourceDoc {
  const verifiedMs = instantBetween(rng, core.createdMs);
  const f: FsFields = {
    provider: rng.pick(['NICE', 'nice', 'danal', 'DANAL']),
    ci,
    di: rng.bytes(48).toString('base64'),
    name: core.name,
    birth,
    phone: phoneDigits,
    gender: male ? '1' : '0',
    result: rng.pick(['0000', 'success']),
    verifiedAt: mixedTime(rng, verifiedMs, { timestamp: 40, iso: 30, millis: 30 }),
  };
  return subDoc(`${userPath}/identity/${autoId(rng)}`, f, verifiedMs);
}

function certificates(rng: Random, userPath: string, core: UserCore): SourceDoc[] {
  const count = Number(rng.weighted({ 0: 45, 1: 35, 2: 12, 3: 8 }));
  const docs: SourceDoc[] = [];
  for (let n = 0; n < count; n++) {
    const id = autoId(rng);
    const createdMs = instantBetween(rng, core.createdMs);
    const f: FsFields = { type: rng.chance(0.03) ? UNKNOWN_CERTIFICATE : rng.pick(CERTIFICATES) };
    const expiresMs = createdMs + rng.int(180, 1500) * 86_400_000;
    const expires = rng.weighted({ timestamp: 40, text: 30, absent: 30 });
    if (expires === 'timestamp') f.expiresAt = timestamp(expiresMs);
    else if (expires === 'text') f.expiresAt = kstDate(expiresMs);
    f.verified = rng.chance(0.6);
    f.imageUrl = `https://firebasestorage.googleapis.com/v0/b/legacy-app.appspot.com/o/certificates%2F${core.uid}%2F${id}.jpg?alt=media`;
    docs.push(subDoc(`${userPath}/certificates/${id}`, f, createdMs));
  }
  return docs;
}
