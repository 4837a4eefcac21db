import { beforeAll, describe, expect, it } from 'vitest';
import * as coerce from '../mapping/coerce.js';
import { type FsFields, type FsValue, kindOf, type SourceDoc } from '../firestore/value.js';
import { legacyDocuments } from './generate.js';

/**
 * A census of a generated dataset of a few thousand users against docs/legacy-firestore.md:
 * every shape of every field the document names occurs, in roughly its share; references hold
 * except for the irregularities the document lists; and the migration's coercion rules read
 * every shape (the few values the document says are wrong aside).
 */

const USERS = 3000;
const SEED = 'census';

/** `collection.field` → shape → how many documents. */
type Census = Map<string, Map<string, number>>;

const groupOf = (path: string) => path.split('/').at(-2)!;
const idOf = (path: string) => path.split('/').at(-1)!;

/** The shape of a value as the document's tables name them. */
function shapeOf(value: FsValue | undefined): string {
  if (value === undefined) return 'absent';
  const kind = kindOf(value);
  if (kind !== 'string') return kind;
  const text = value as string;
  if (/^010-\d{4}-\d{4}$/.test(text)) return 'phone-dashed';
  if (/^010\d{8}$/.test(text)) return 'phone-digits';
  if (/^\+82 10-\d{4}-\d{4}$/.test(text)) return 'phone-international';
  if (/^\d{8}$/.test(text)) return 'yyyymmdd';
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return 'yyyy-mm-dd';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/.test(text)) return 'iso+09:00';
  if (/^\d{3}-\d{2}-\d{5}$/.test(text)) return 'bizno-dashed';
  if (/^\d{10}$/.test(text)) return 'digits10';
  if (/^\d{3}-\d{3}-\d{6}$/.test(text)) return 'account-dashed';
  if (/^\d{12}$/.test(text)) return 'digits12';
  if (/^\d{1,3}(,\d{3})*원$/.test(text)) return 'won-text';
  if (/^\d+(\.\d+)?$/.test(text)) return 'number-text';
  return 'string';
}

/** The fields whose every value the census spells out (closed sets of spellings). */
const SPELLED = new Set([
  'users.role',
  'users.gender',
  'users.status',
  'identity.provider',
  'identity.result',
  'identity.gender',
  'businesses.ntsStatus',
  'jobPosts.status',
  'applications.status',
  'matches.status',
  'matches.cancelledBy',
  'notifications.type',
  'bankAccounts.verified',
]);

function take(census: Census, key: string, shape: string) {
  const shapes = census.get(key) ?? new Map<string, number>();
  shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
  census.set(key, shapes);
}

const FIELDS: Record<string, string[]> = {
  users: [
    'role',
    'name',
    'userName',
    'email',
    'phone',
    'birth',
    'gender',
    'status',
    'ci',
    'createdAt',
    'updatedAt',
    'fcmToken',
    'marketingAgree',
    'appVersion',
    'lastLoginAt',
  ],
  bankAccounts: [
    'bankCode',
    'accountNumber',
    'holder',
    'verified',
    'verifiedAt',
    'primary',
    'createdAt',
  ],
  identity: ['provider', 'ci', 'di', 'name', 'birth', 'phone', 'gender', 'result', 'verifiedAt'],
  certificates: ['type', 'expiresAt', 'verified', 'imageUrl'],
  businesses: [
    'bizNo',
    'ceoName',
    'representative',
    'name',
    'storeName',
    'openDate',
    'address',
    'owner',
    'ownerUid',
    'managers',
    'ntsStatus',
    'verified',
    'blocked',
    'createdAt',
    'updatedAt',
  ],
  jobPosts: [
    'business',
    'businessId',
    'title',
    'description',
    'desc',
    'startAt',
    'endAt',
    'date',
    'startTime',
    'endTime',
    'wage',
    'pay',
    'headcount',
    'needCount',
    'address',
    'region',
    'minAge',
    'requirements',
    'status',
    'createdAt',
    'updatedAt',
  ],
  applications: ['jobPost', 'postId', 'user', 'uid', 'status', 'appliedAt'],
  matches: [
    'postId',
    'jobPost',
    'workerUid',
    'worker',
    'status',
    'hours',
    'cancelReason',
    'cancelledBy',
    'createdAt',
    'updatedAt',
  ],
  noShows: ['uid', 'postId', 'matchId', 'date'],
  notifications: ['uid', 'type', 'title', 'body', 'read', 'sentAt'],
};

let docs: SourceDoc[];
let census: Census;
let counts: Map<string, number>;

beforeAll(() => {
  docs = [...legacyDocuments({ seed: SEED, users: USERS }, 50)].map((item) => item.doc);
  census = new Map();
  counts = new Map();
  for (const doc of docs) {
    const group = groupOf(doc.path);
    counts.set(group, (counts.get(group) ?? 0) + 1);
    for (const field of FIELDS[group] ?? []) {
      const key = `${group}.${field}`;
      const value = doc.fields[field];
      take(
        census,
        key,
        SPELLED.has(key) && typeof value === 'string' ? `"${value}"` : shapeOf(value),
      );
    }
    // Fields the document does not name would be shapes nobody is told to read.
    for (const field of Object.keys(doc.fields)) {
      expect(FIELDS[group], `${group}.${field} is in docs/legacy-firestore.md`).toContain(field);
    }
  }
}, 60_000);

/** The share (0–100) of a field's documents with this shape. */
function share(key: string, shape: string): number {
  const shapes = census.get(key)!;
  const total = [...shapes.values()].reduce((a, b) => a + b, 0);
  return ((shapes.get(shape) ?? 0) * 100) / total;
}

/**
 * A share within four standard errors (and a point) of the stated one: a fixed seed gives the
 * same draw every run, and the bound says "roughly" without passing any share.
 */
function roughly(actual: number, expected: number, n: number) {
  const p = expected / 100;
  const tolerance = 400 * Math.sqrt((p * (1 - p)) / n) + 1;
  expect(Math.abs(actual - expected), `${actual.toFixed(1)}% for ${expected}%`).toBeLessThan(
    tolerance,
  );
}

function expectShare(key: string, shape: string, expected: number) {
  const total = [...census.get(key)!.values()].reduce((a, b) => a + b, 0);
  roughly(share(key, shape), expected, total);
}

function shapesOf(key: string): string[] {
  return [...(census.get(key)?.keys() ?? [])].sort();
}

describe('legacy generate: every shape of docs/legacy-firestore.md occurs', () => {
  it('writes every collection and subcollection the document defines, about 6 documents per user', () => {
    expect([...counts.keys()].sort()).toEqual(Object.keys(FIELDS).sort());
    expect(docs.length / USERS).toBeGreaterThan(5);
    expect(docs.length / USERS).toBeLessThan(7.5);
  });

  it('ids are as Firebase makes them: 28-character uids for users, 20-character auto ids elsewhere', () => {
    for (const doc of docs) {
      const id = idOf(doc.path);
      expect(id).toMatch(groupOf(doc.path) === 'users' ? /^[A-Za-z0-9]{28}$/ : /^[A-Za-z0-9]{20}$/);
    }
    expect(new Set(docs.map((d) => d.path)).size).toBe(docs.length);
  });

  it('users: role, name, email, phone, birth, gender, status, times in every shape and roughly their shares', () => {
    expect(shapesOf('users.role')).toEqual([
      '"WORKER"',
      '"business"',
      '"worker"',
      '"사장님"',
      '"알바"',
    ]);
    expectShare('users.role', '"worker"', 55);
    expectShare('users.role', '"사장님"', 10);
    expectShare('users.userName', 'string', 10);
    expectShare('users.email', 'absent', 15);
    expect(shapesOf('users.phone')).toEqual([
      'absent',
      'int',
      'phone-dashed',
      'phone-digits',
      'phone-international',
    ]);
    expectShare('users.phone', 'phone-dashed', 40);
    expectShare('users.phone', 'int', 15);
    expect(shapesOf('users.birth')).toEqual(['absent', 'map', 'timestamp', 'yyyymmdd']);
    expectShare('users.birth', 'yyyymmdd', 50);
    expect(shapesOf('users.gender')).toEqual(['"F"', '"M"', '"남"', '"여"', 'absent', 'int']);
    expect(shapesOf('users.status')).toEqual([
      '"active"',
      '"blocked"',
      '"withdrawn"',
      '"정상"',
      '"정지"',
      '"탈퇴"',
      'absent',
    ]);
    expectShare('users.status', 'absent', 15);
    expect(shapesOf('users.createdAt')).toEqual(['int', 'iso+09:00', 'timestamp']);
    expectShare('users.createdAt', 'timestamp', 60);
    expectShare('users.updatedAt', 'absent', 30);
    for (const unread of ['fcmToken', 'marketingAgree', 'appVersion', 'lastLoginAt']) {
      expect(share(`users.${unread}`, 'absent')).toBeLessThan(60);
    }
    expect(shapesOf('users.marketingAgree')).toEqual(['absent', 'boolean', 'string']);
  });

  it('bank accounts, identity results and certificates in every shape', () => {
    expect(shapesOf('bankAccounts.bankCode')).toEqual(['int', 'number-text', 'string']);
    expectShare('bankAccounts.bankCode', 'number-text', 60);
    expect(shapesOf('bankAccounts.accountNumber')).toEqual(['account-dashed', 'digits12', 'int']);
    expect(shapesOf('bankAccounts.verified')).toEqual(['"N"', '"Y"', 'boolean']);
    expect(shapesOf('bankAccounts.primary')).toEqual(['absent', 'boolean']);
    expect(shapesOf('bankAccounts.createdAt')).toEqual(['int', 'iso+09:00', 'timestamp']);
    expect(shapesOf('identity.provider')).toEqual(['"DANAL"', '"NICE"', '"danal"', '"nice"']);
    expect(shapesOf('identity.result')).toEqual(['"0000"', '"success"']);
    expect(shapesOf('identity.gender')).toEqual(['"0"', '"1"']);
    expect(shapesOf('identity.birth')).toEqual(['yyyymmdd']);
    expect(shapesOf('identity.phone')).toEqual(['phone-digits']);
    expect(shapesOf('identity.verifiedAt')).toEqual(['int', 'iso+09:00', 'timestamp']);
    expect(shapesOf('certificates.expiresAt')).toEqual(['absent', 'timestamp', 'yyyy-mm-dd']);
    const types = docs.filter((d) => groupOf(d.path) === 'certificates').map((d) => d.fields.type);
    expect(types).toContain('기타');
  });

  it('businesses: business numbers in three shapes (~1% failing the check digit), either name field, owners two ways', () => {
    expect(shapesOf('businesses.bizNo')).toEqual(['bizno-dashed', 'digits10', 'int']);
    expectShare('businesses.bizNo', 'bizno-dashed', 50);
    expectShare('businesses.representative', 'string', 30);
    expectShare('businesses.storeName', 'string', 20);
    expect(shapesOf('businesses.openDate')).toEqual(['timestamp', 'yyyy-mm-dd', 'yyyymmdd']);
    expect(shapesOf('businesses.owner')).toEqual(['absent', 'ref']);
    expectShare('businesses.owner', 'ref', 50);
    expect(shapesOf('businesses.managers')).toEqual(['absent', 'array']);
    expect(shapesOf('businesses.ntsStatus')).toEqual([
      '"01"',
      '"active"',
      '"계속사업자"',
      '"폐업자"',
      '"휴업자"',
      'absent',
    ]);
    expect(shapesOf('businesses.blocked')).toEqual(['absent', 'array']);
    const managerKinds = new Set(
      docs.flatMap((d) =>
        ((d.fields.managers as FsValue[] | undefined) ?? []).map((m) => kindOf(m)),
      ),
    );
    expect([...managerKinds].sort()).toEqual(['ref', 'string']);
  });

  it('job posts: windows four ways, pay three ways under two names, regions as names and codes', () => {
    expectShare('jobPosts.business', 'ref', 60);
    expect(shapesOf('jobPosts.desc')).toEqual(['absent', 'string']);
    expect(shapesOf('jobPosts.startAt')).toEqual(['absent', 'int', 'iso+09:00', 'timestamp']);
    expectShare('jobPosts.startAt', 'timestamp', 50);
    expectShare('jobPosts.date', 'yyyy-mm-dd', 10);
    const pay = docs
      .filter((d) => groupOf(d.path) === 'jobPosts')
      .map((d) => shapeOf(d.fields.wage ?? d.fields.pay));
    const payShare = (s: string) => (pay.filter((p) => p === s).length * 100) / pay.length;
    roughly(payShare('won-text'), 35, pay.length);
    roughly(payShare('int'), 45, pay.length);
    roughly(payShare('number-text'), 20, pay.length);
    expect(shapesOf('jobPosts.pay')).toContain('absent');
    expect(shapesOf('jobPosts.needCount')).toEqual(['absent', 'int', 'number-text']);
    const regions = new Set(
      docs.filter((d) => groupOf(d.path) === 'jobPosts').map((d) => d.fields.region),
    );
    expect([...regions].some((r) => r === '서울')).toBe(true);
    expect([...regions].some((r) => typeof r === 'string' && /^\d{2}$/.test(r))).toBe(true);
    expect([...regions].some((r) => typeof r === 'string' && /(도|시)$/.test(r))).toBe(true);
    expectShare('jobPosts.minAge', 'absent', 60);
    expectShare('jobPosts.requirements', 'absent', 70);
    expect(shapesOf('jobPosts.status')).toEqual([
      '"cancelled"',
      '"closed"',
      '"open"',
      '"마감"',
      '"모집중"',
      '"취소"',
    ]);
    const overnight = docs.filter(
      (d) =>
        typeof d.fields.endTime === 'string' && d.fields.endTime < (d.fields.startTime as string),
    );
    expect(overnight.length).toBeGreaterThan(0);
  });

  it('applications, matches, no-shows and notifications in every spelling and shape', () => {
    expect(shapesOf('applications.jobPost')).toEqual(['absent', 'ref']);
    expect(shapesOf('applications.user')).toEqual(['absent', 'ref']);
    expect(shapesOf('applications.status')).toEqual([
      '"applied"',
      '"rejected"',
      '"withdrawn"',
      '"거절"',
      '"지원"',
      '"취소"',
    ]);
    expect(shapesOf('applications.appliedAt')).toEqual(['int', 'iso+09:00', 'timestamp']);
    expect(shapesOf('matches.status')).toEqual([
      '"cancelled"',
      '"completed"',
      '"confirmed"',
      '"no_show"',
      '"proposed"',
      '"노쇼"',
      '"완료"',
      '"제안"',
      '"취소"',
      '"확정"',
    ]);
    expect(shapesOf('matches.hours')).toEqual(
      expect.arrayContaining(['absent', 'int', 'double', 'number-text']),
    );
    expect(shapesOf('matches.cancelledBy')).toEqual([
      '"business"',
      '"worker"',
      '"사장님"',
      '"알바"',
      'absent',
    ]);
    expect(shapesOf('matches.worker')).toEqual(['absent', 'ref']);
    expect(shapesOf('noShows.matchId')).toEqual(['absent', 'string']);
    expect(shapesOf('noShows.date')).toEqual(['timestamp', 'yyyy-mm-dd']);
    expect(shapesOf('notifications.type')).toEqual(['"apply"', '"match"', '"notice"']);
    expect(shapesOf('notifications.sentAt')).toEqual(['int', 'iso+09:00', 'timestamp']);
  });
});

/** A reference written any of the three ways, as the id it names. */
function named(value: FsValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split('/').at(-1);
  if (kindOf(value) === 'ref') return (value as { ref: string }).ref.split('/').at(-1);
  throw new Error(`not a reference: ${kindOf(value)}`);
}

describe('legacy generate: references hold, except the documented irregularities', () => {
  const byGroup = (group: string) => docs.filter((d) => groupOf(d.path) === group);
  const ids = (group: string) => new Set(byGroup(group).map((d) => idOf(d.path)));

  it("a business's owner and managers are users with a business role; blocked users are workers", () => {
    const roles = new Map(byGroup('users').map((u) => [idOf(u.path), coerce.role(u.fields.role)]));
    const roleOf = (uid: string | undefined) => {
      const r = roles.get(uid!);
      return r?.ok ? r.value : undefined;
    };
    for (const business of byGroup('businesses')) {
      expect(roleOf(named(business.fields.owner ?? business.fields.ownerUid))).toBe('business');
      for (const manager of (business.fields.managers as FsValue[] | undefined) ?? []) {
        expect(roleOf(named(manager))).toBe('business');
      }
      for (const worker of (business.fields.blocked as FsValue[] | undefined) ?? []) {
        expect(roleOf(named(worker))).toBe('worker');
      }
    }
    // Only workers have the worker subcollections.
    for (const group of ['bankAccounts', 'identity', 'certificates']) {
      for (const doc of byGroup(group)) expect(roleOf(doc.path.split('/')[1])).toBe('worker');
    }
  });

  it("a post's business, an application's post and user, a notification's user all exist", () => {
    const users = ids('users');
    const businesses = ids('businesses');
    const posts = ids('jobPosts');
    for (const post of byGroup('jobPosts')) {
      expect(businesses.has(named(post.fields.business ?? post.fields.businessId)!)).toBe(true);
    }
    for (const application of byGroup('applications')) {
      expect(posts.has(named(application.fields.jobPost ?? application.fields.postId)!)).toBe(true);
      expect(users.has(named(application.fields.user ?? application.fields.uid)!)).toBe(true);
    }
    for (const notification of byGroup('notifications')) {
      expect(users.has(notification.fields.uid as string)).toBe(true);
    }
  });

  it('~0.5% of applications are double-tap duplicates (same post and user, two documents)', () => {
    const applications = byGroup('applications');
    const keys = applications.map(
      (a) =>
        `${named(a.fields.jobPost ?? a.fields.postId)} ${named(a.fields.user ?? a.fields.uid)}`,
    );
    const duplicates = keys.length - new Set(keys).size;
    expect(duplicates).toBeGreaterThan(0);
    expect((duplicates * 100) / applications.length).toBeLessThan(1.5);
  });

  it("~0.3% of matches name a post or worker that does not exist; a no-show's match exists", () => {
    const users = ids('users');
    const posts = ids('jobPosts');
    const matches = byGroup('matches');
    const dangling = matches.filter(
      (m) =>
        !posts.has(named(m.fields.postId ?? m.fields.jobPost)!) ||
        !users.has(named(m.fields.workerUid ?? m.fields.worker)!),
    );
    expect(dangling.length).toBeGreaterThan(0);
    expect((dangling.length * 100) / matches.length).toBeLessThan(1.5);
    const matchIds = ids('matches');
    for (const noShow of byGroup('noShows')) {
      if (noShow.fields.matchId !== undefined)
        expect(matchIds.has(noShow.fields.matchId as string)).toBe(true);
    }
  });

  it('~0.1% of identity-verified workers share a CI with another user (one person, two accounts)', () => {
    const owners = new Map<string, Set<string>>();
    for (const identity of byGroup('identity')) {
      const uid = identity.path.split('/')[1]!;
      const ci = identity.fields.ci as string;
      expect(ci).toMatch(/^[A-Za-z0-9+/]{86}==$/);
      owners.set(ci, (owners.get(ci) ?? new Set()).add(uid));
    }
    const shared = [...owners.values()].filter((uids) => uids.size > 1).length;
    expect(shared).toBeGreaterThan(0);
    expect(shared / byGroup('identity').length).toBeLessThan(0.01);
    // Where the user document has a CI, it is the identity result's.
    for (const user of byGroup('users').filter((u) => u.fields.ci !== undefined)) {
      expect(owners.get(user.fields.ci as string)?.has(idOf(user.path))).toBe(true);
    }
  });
});

describe("legacy generate: the migration's coercion rules read every shape", () => {
  const refused = (group: string, rule: (f: FsFields) => { ok: boolean }) =>
    docs.filter((d) => groupOf(d.path) === group).filter((d) => !rule(d.fields).ok).length;

  it('every user, account, identity and post field the model reads coerces', () => {
    expect(refused('users', (f) => coerce.phone(f.phone))).toBe(0);
    expect(refused('users', (f) => coerce.calendarDate(f.birth))).toBe(0);
    expect(refused('users', (f) => coerce.role(f.role))).toBe(0);
    expect(refused('users', (f) => coerce.workerStatus(f.status))).toBe(0);
    expect(refused('users', (f) => coerce.instant(f.createdAt))).toBe(0);
    expect(refused('bankAccounts', (f) => coerce.bankCode(f.bankCode))).toBe(0);
    expect(refused('bankAccounts', (f) => coerce.accountNumber(f.accountNumber))).toBe(0);
    expect(refused('bankAccounts', (f) => coerce.flag(f.verified))).toBe(0);
    expect(refused('identity', (f) => coerce.identityProvider(f.provider))).toBe(0);
    expect(refused('identity', (f) => coerce.instant(f.verifiedAt))).toBe(0);
    expect(refused('certificates', (f) => coerce.calendarDate(f.expiresAt))).toBe(0);
    expect(refused('businesses', (f) => coerce.ntsStatus(f.ntsStatus))).toBe(0);
    expect(refused('businesses', (f) => coerce.calendarDate(f.openDate))).toBe(0);
    expect(refused('jobPosts', (f) => coerce.krw(f.wage ?? f.pay))).toBe(0);
    expect(refused('jobPosts', (f) => coerce.count(f.headcount ?? f.needCount))).toBe(0);
    expect(refused('jobPosts', (f) => coerce.regionCode(f.region))).toBe(0);
    expect(refused('jobPosts', (f) => coerce.shiftStatus(f.status))).toBe(0);
    expect(
      refused('jobPosts', (f) =>
        f.date !== undefined
          ? coerce.kstWindow(f.date, f.startTime, f.endTime)
          : coerce.instant(f.startAt),
      ),
    ).toBe(0);
    expect(refused('applications', (f) => coerce.applicationState(f.status))).toBe(0);
    expect(refused('matches', (f) => coerce.matchState(f.status))).toBe(0);
    expect(refused('matches', (f) => coerce.hours(f.hours))).toBe(0);
    expect(refused('matches', (f) => coerce.side(f.cancelledBy))).toBe(0);
    expect(refused('noShows', (f) => coerce.calendarDate(f.date))).toBe(0);
  });

  it('only the documented wrong values are refused: ~1% of business numbers, the certificate 기타', () => {
    const businesses = docs.filter((d) => groupOf(d.path) === 'businesses').length;
    const badNumbers = refused('businesses', (f) => coerce.businessNumber(f.bizNo));
    expect(badNumbers).toBeGreaterThan(0);
    expect((badNumbers * 100) / businesses).toBeLessThan(3);
    const unknown = docs
      .filter((d) => groupOf(d.path) === 'certificates')
      .filter((d) => !coerce.qualification(d.fields.type).ok)
      .map((d) => d.fields.type);
    expect(new Set(unknown)).toEqual(new Set(['기타']));
    const required = docs.flatMap((d) => (d.fields.requirements as FsValue[] | undefined) ?? []);
    expect(required.filter((name) => !coerce.qualification(name).ok)).toEqual([]);
  });
});
