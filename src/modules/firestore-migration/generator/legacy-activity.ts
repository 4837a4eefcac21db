import { businessNumberCheckDigit } from '../../businesses/business-number.js';
import { type FsFields, type FsValue, fs, type SourceDoc } from '../firestore/value.js';
import { autoId, drawUser, type UserCore } from './legacy-users.js';
import { Random } from './random.js';
import {
  DATA_END_MS,
  instantBetween,
  kstDate,
  kstDay,
  kstHourMinute,
  kstMidnight,
  kstIso,
  mixedTime,
  pad2,
  timestamp,
  writeTimes,
} from './shapes.js';
import {
  BUSINESS_KINDS,
  BUSINESS_WORDS,
  CANCEL_REASONS,
  CERTIFICATES,
  JOB_TITLES,
  NOTIFICATION_TEXT,
  SIDO,
  STREETS,
} from './vocabulary.js';

/**
 * Businesses, posts, applications, matches, no-shows and notifications: each regenerated from
 * the index of the user it hangs on (a business and its posts from their owner's, a worker's
 * applications, matches and no-shows from the worker's), so nothing is kept between documents.
 */
export interface Dataset {
  seed: string;
  users: number;
}

const ts = (ms: number) => timestamp(ms).ts;
const doc = (
  path: string,
  fields: FsFields,
  createdMs: number,
  updatedMs = createdMs,
): SourceDoc => ({
  path,
  fields,
  createTime: ts(createdMs),
  updateTime: ts(updatedMs),
});

const businessId = (d: Dataset, owner: number) => autoId(Random.for(d.seed, 'business', owner));

/** How many posts owner `owner`'s business has (0–7). */
export const postCount = (d: Dataset, owner: number) =>
  Random.for(d.seed, 'post-count', owner).int(0, 7);

interface PostCore {
  id: string;
  owner: UserCore;
  startMs: number;
  endMs: number;
}

function postCore(d: Dataset, owner: UserCore, k: number): PostCore {
  const rng = Random.for(d.seed, 'post', owner.index, k);
  const id = autoId(rng);
  const startMs = Math.floor(instantBetween(rng, owner.createdMs) / 1_800_000) * 1_800_000;
  return { id, owner, startMs, endMs: startMs + rng.int(4, 10) * 3_600_000 };
}

/** An existing post, drawn by `rng` (undefined when no business has posts to draw from). */
function drawPost(d: Dataset, rng: Random): PostCore | undefined {
  for (let t = 0; t < 64; t++) {
    const owner = drawUser(d.seed, d.users, rng, (u) => u.role === 'business', 8);
    if (!owner) continue;
    const count = postCount(d, owner.index);
    if (count > 0) return postCore(d, owner, rng.int(0, count - 1));
  }
  return undefined;
}

/** `10,320`: written out rather than by toLocaleString, whose output depends on the ICU data. */
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A 사업자등록번호 (first digit non-zero); ~1% with a check digit that does not match. */
function businessNumber(rng: Random): string {
  const nine = `${rng.int(1, 9)}${rng.digits(8)}`;
  const check = businessNumberCheckDigit(nine);
  return `${nine}${rng.chance(0.01) ? (check + 1 + rng.int(0, 8)) % 10 : check}`;
}

function address(rng: Random): { address: string; sido: (typeof SIDO)[number] } {
  const sido = rng.pick(SIDO);
  return {
    sido,
    address: `${sido.full} ${rng.pick(sido.districts)} ${rng.pick(STREETS)} ${rng.int(1, 300)}`,
  };
}

/** Owner `owner`'s business (users with a business role own exactly one). */
export function generateBusiness(d: Dataset, owner: UserCore): SourceDoc {
  const rng = Random.for(d.seed, 'business-doc', owner.index);
  const f: FsFields = {};
  const digits = businessNumber(rng);
  const bizShape = rng.weighted({ dashed: 50, digits: 30, number: 20 });
  f.bizNo =
    bizShape === 'dashed'
      ? `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
      : bizShape === 'digits'
        ? digits
        : fs.int(Number(digits));
  f[rng.chance(0.7) ? 'ceoName' : 'representative'] = owner.name;
  const name = `${rng.pick(BUSINESS_WORDS)} ${rng.pick(BUSINESS_KINDS)}${rng.chance(0.3) ? ` ${rng.int(2, 9)}호점` : ''}`;
  f[rng.chance(0.8) ? 'name' : 'storeName'] = name;
  const openMs = kstMidnight(rng.int(2005, 2024), rng.int(1, 12), rng.int(1, 28));
  const open = kstDay(openMs);
  f.openDate = rng.pick([
    `${open.y}${pad2(open.m)}${pad2(open.d)}`,
    `${open.y}-${pad2(open.m)}-${pad2(open.d)}`,
    timestamp(openMs),
  ]);
  f.address = address(rng).address;
  if (rng.chance(0.5)) f.owner = fs.ref(`users/${owner.uid}`);
  else f.ownerUid = owner.uid;
  if (rng.chance(0.15)) {
    const asRefs = rng.chance(0.5);
    const managers: FsValue[] = [];
    for (let n = rng.int(1, 2); n > 0; n--) {
      const manager = drawUser(
        d.seed,
        d.users,
        rng,
        (u) => u.role === 'business' && u.index !== owner.index,
      );
      if (manager) managers.push(asRefs ? fs.ref(`users/${manager.uid}`) : manager.uid);
    }
    f.managers = managers;
  }
  const nts = rng.weighted({
    계속사업자: 35,
    '01': 15,
    active: 15,
    휴업자: 5,
    폐업자: 5,
    absent: 25,
  });
  if (nts !== 'absent') f.ntsStatus = nts;
  f.verified = rng.chance(0.8);
  if (rng.chance(0.1)) {
    const blocked: FsValue[] = [];
    for (let n = rng.int(1, 3); n > 0; n--) {
      const worker = drawUser(d.seed, d.users, rng, (u) => u.role === 'worker');
      if (worker) blocked.push(worker.uid);
    }
    f.blocked = blocked;
  }
  const createdMs = instantBetween(rng, owner.createdMs);
  const updatedMs = writeTimes(rng, f, createdMs);
  return doc(`businesses/${businessId(d, owner.index)}`, f, createdMs, updatedMs);
}

const POST_STATUS = { 모집중: 30, open: 30, 마감: 12, closed: 12, 취소: 8, cancelled: 8 };

/** Post `k` of owner `owner`'s business. */
export function generatePost(d: Dataset, owner: UserCore, k: number): SourceDoc {
  const core = postCore(d, owner, k);
  const rng = Random.for(d.seed, 'post-doc', owner.index, k);
  const f: FsFields = {};
  const business = `businesses/${businessId(d, owner.index)}`;
  if (rng.chance(0.6)) f.business = fs.ref(business);
  else f.businessId = business.slice('businesses/'.length);
  const title = rng.pick(JOB_TITLES);
  f.title = `${title} 구합니다`;
  f[rng.chance(0.3) ? 'desc' : 'description'] = `${title} 업무입니다. 성실하신 분 환영합니다.`;
  switch (rng.weighted({ timestamp: 50, iso: 25, millis: 15, dateAndTimes: 10 })) {
    case 'timestamp':
      f.startAt = timestamp(core.startMs);
      f.endAt = timestamp(core.endMs);
      break;
    case 'iso':
      f.startAt = kstIso(core.startMs);
      f.endAt = kstIso(core.endMs);
      break;
    case 'millis':
      f.startAt = fs.int(core.startMs);
      f.endAt = fs.int(core.endMs);
      break;
    case 'dateAndTimes': {
      // An end before the start means the next day (a night shift).
      f.date = kstDate(core.startMs);
      f.startTime = kstHourMinute(core.startMs);
      f.endTime = kstHourMinute(core.endMs);
      break;
    }
  }
  const wage = rng.int(986, 1500) * 10;
  const pay = rng.weighted({ won: 35, number: 45, text: 20 });
  f[rng.chance(0.6) ? 'wage' : 'pay'] =
    pay === 'won' ? `${thousands(wage)}원` : pay === 'number' ? fs.int(wage) : String(wage);
  const headcount = rng.int(1, 10);
  f[rng.chance(0.7) ? 'headcount' : 'needCount'] = rng.chance(0.8)
    ? fs.int(headcount)
    : String(headcount);
  const place = address(rng);
  f.address = place.address;
  f.region = rng.pick([place.sido.short, place.sido.short, place.sido.full, place.sido.code]);
  if (rng.chance(0.4)) f.minAge = fs.int(rng.pick([18, 19, 20]));
  if (rng.chance(0.3))
    f.requirements = [rng.pick(CERTIFICATES), ...(rng.chance(0.3) ? [rng.pick(CERTIFICATES)] : [])];
  f.status = rng.weighted(POST_STATUS);
  const createdMs = Math.max(owner.createdMs, core.startMs - rng.int(1, 14) * 86_400_000);
  const updatedMs = writeTimes(rng, f, createdMs);
  return doc(`jobPosts/${core.id}`, f, createdMs, updatedMs);
}

export interface WorkerActivity {
  applications: SourceDoc[];
  matches: SourceDoc[];
  noShows: SourceDoc[];
}

const APPLICATION_STATUS = { 지원: 35, applied: 35, 거절: 8, rejected: 8, 취소: 7, withdrawn: 7 };
const MATCH_STATUS = {
  제안: 5,
  proposed: 5,
  확정: 10,
  confirmed: 10,
  완료: 25,
  completed: 25,
  취소: 6,
  cancelled: 6,
  노쇼: 4,
  no_show: 4,
};

/** Share of matches naming a post or worker deleted by hand in the console. */
const DANGLING_SHARE = 0.003;
/** Share of applications written twice by a double tap. */
const DUPLICATE_SHARE = 0.005;

/**
 * Worker `worker`'s applications (one per post, ~0.5% written twice), the matches made of some
 * of them, and the no-show records of most no-show matches.
 */
export function generateActivity(d: Dataset, worker: UserCore): WorkerActivity {
  const out: WorkerActivity = { applications: [], matches: [], noShows: [] };
  const rng = Random.for(d.seed, 'activity', worker.index);
  const wanted = Number(rng.weighted({ 0: 30, 1: 25, 2: 20, 3: 15, 4: 10 }));
  const applied = new Set<string>();
  for (let n = 0; n < wanted; n++) {
    const post = drawPost(d, rng);
    if (!post || applied.has(post.id)) continue;
    applied.add(post.id);
    const appliedMs = Math.max(worker.createdMs, post.startMs - rng.int(1, 10 * 86_400) * 1000);
    const status = rng.weighted(APPLICATION_STATUS);
    const application = (ms: number): SourceDoc => {
      const f: FsFields = {};
      if (rng.chance(0.5)) f.jobPost = fs.ref(`jobPosts/${post.id}`);
      else f.postId = post.id;
      if (rng.chance(0.5)) f.user = fs.ref(`users/${worker.uid}`);
      else f.uid = worker.uid;
      f.status = status;
      f.appliedAt = mixedTime(rng, ms);
      return doc(`applications/${autoId(rng)}`, f, ms);
    };
    out.applications.push(application(appliedMs));
    if (rng.chance(DUPLICATE_SHARE))
      out.applications.push(application(appliedMs + rng.int(200, 3000)));
    if ((status === '지원' || status === 'applied') && rng.chance(0.55))
      match(d, rng, worker, post, out);
  }
  return out;
}

function match(
  d: Dataset,
  rng: Random,
  worker: UserCore,
  post: PostCore,
  out: WorkerActivity,
): void {
  const id = autoId(rng);
  const f: FsFields = {};
  let postId = post.id;
  let workerUid = worker.uid;
  if (rng.chance(DANGLING_SHARE)) {
    const gone = Random.for(d.seed, 'deleted', worker.index, out.matches.length);
    if (gone.chance(0.5)) postId = autoId(gone);
    else workerUid = gone.alphanumeric(28);
  }
  if (rng.chance(0.5)) f.postId = postId;
  else f.jobPost = fs.ref(`jobPosts/${postId}`);
  if (rng.chance(0.5)) f.workerUid = workerUid;
  else f.worker = fs.ref(`users/${workerUid}`);
  const status = rng.weighted(MATCH_STATUS);
  f.status = status;
  if (status === '완료' || status === 'completed') {
    const hours = (post.endMs - post.startMs) / 3_600_000 - rng.pick([0, 0.5, 1]);
    f.hours = rng.chance(0.7)
      ? Number.isInteger(hours)
        ? fs.int(hours)
        : fs.double(hours)
      : String(hours);
  }
  if (status === '취소' || status === 'cancelled') {
    f.cancelReason = rng.pick(CANCEL_REASONS);
    f.cancelledBy = rng.pick(['worker', 'business', '알바', '사장님']);
  }
  const createdMs = Math.min(DATA_END_MS, post.startMs - rng.int(1, 48) * 3_600_000);
  const updatedMs = writeTimes(rng, f, Math.max(createdMs, worker.createdMs));
  out.matches.push(doc(`matches/${id}`, f, Math.max(createdMs, worker.createdMs), updatedMs));
  if ((status === '노쇼' || status === 'no_show') && rng.chance(0.85)) {
    const n: FsFields = { uid: workerUid, postId };
    if (rng.chance(0.8)) n.matchId = id;
    n.date = rng.chance(0.5) ? timestamp(post.startMs) : kstDate(post.startMs);
    out.noShows.push(doc(`noShows/${autoId(rng)}`, n, post.endMs));
  }
}

const NOTIFICATION_TYPES = ['match', 'apply', 'notice'] as const;

/** User `user`'s notifications (0–3). */
export function generateNotifications(d: Dataset, user: UserCore): SourceDoc[] {
  const rng = Random.for(d.seed, 'notifications', user.index);
  const docs: SourceDoc[] = [];
  for (let n = Number(rng.weighted({ 0: 55, 1: 25, 2: 12, 3: 8 })); n > 0; n--) {
    const type = rng.pick(NOTIFICATION_TYPES);
    const sentMs = instantBetween(rng, user.createdMs);
    docs.push(
      doc(
        `notifications/${autoId(rng)}`,
        {
          uid: user.uid,
          type,
          ...NOTIFICATION_TEXT[type],
          read: rng.chance(0.6),
          sentAt: mixedTime(rng, sentMs),
        },
        sentMs,
      ),
    );
  }
  return docs;
}
