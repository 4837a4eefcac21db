import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceUnavailableError } from '../../platform/errors/domain.error.js';
import type { Database } from '../../platform/storage/database.js';
import { scrub } from '../../platform/masking/scrub.js';
import { ChainWalker, chainStart, type ChainProblem } from './access-chain.js';
import {
  GENESIS_PREV,
  macAnchor,
  macRecord,
  validateAccessEntry,
  type AccessEntry,
  type AccessRecord,
} from './access-record.js';
import { AccessRecordsRepository } from './access-records.repository.js';
import { kstMonthRange } from '../../platform/time/kst.js';
import {
  parseReviewMonth,
  reviewAccessRecords,
  type AccessReview,
  type ReviewThresholds,
} from './access-review.js';

/** 안전성 확보조치 기준 제8조: two years when 50,000+ subjects or 고유식별정보 are processed. */
const MIN_ACCESS_RECORD_RETENTION_DAYS = 730;

const DAY_MS = 86_400_000;
const VERIFY_BATCH = 1_000;
/** Problems listed in full; past this they are only counted (a wrong key fails every record). */
const MAX_LISTED_PROBLEMS = 1_000;
const MAX_APPEND_ATTEMPTS = 20;

export interface AccessRecordsOptions {
  now?: () => Date;
  /** Upper bound of the random wait before retrying a lost race, in ms (default 20). */
  maxRetryDelayMs?: number;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** What the head marker names; null when there is none. */
  headSeq: number | null;
  /** The first sequence number the purge anchor keeps; null before any purge. */
  anchorSeq: number | null;
  problems: ChainProblem[];
  /** Problems past the first 1,000, counted but not listed. */
  unlistedProblems: number;
}

export interface PurgeResult {
  purged: number;
  cutoff: Date;
  /** Where the kept chain now starts; null when nothing was purged. */
  firstKeptSeq: number | null;
}

/** The records a purge would delete do not verify; deleting them would destroy the evidence. */
export class AccessChainBrokenError extends Error {
  constructor(readonly problem: ChainProblem) {
    super(
      `the access records to purge do not verify (${problem.problem} at seq ${String(problem.seq)}: ` +
        `${problem.detail}); nothing was purged, run the verification and investigate`,
    );
    this.name = 'AccessChainBrokenError';
  }
}

/**
 * 접속기록: an append-only, hash-chained log of what staff (and system jobs) did with personal
 * data. Each record carries the MAC of the one before; a head marker names the last one and a
 * MACed anchor the first one kept after a purge, so changes, deletions anywhere, truncation of
 * the tail and deletions at the start all show in `verify()`.
 *
 * What it cannot show: someone with the chain key rewriting the whole chain, or someone with
 * write access rolling the head marker back together with the tail. Copying `verify()`'s head
 * (seq and MAC) somewhere else each month closes the second gap.
 */
export class AccessRecords {
  readonly #repository: AccessRecordsRepository;
  readonly #chainKey: () => Promise<Buffer>;
  readonly #now: () => Date;
  readonly #maxRetryDelayMs: number;
  /** This instance's appends run one at a time; only other processes race it. */
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * `chainKey` may be a function: the key is then derived on use, from a key ring that may have
   * to unwrap its index key first (so a process starts while KMS is away; appends answer 503).
   */
  constructor(
    db: Database,
    chainKey: Buffer | (() => Promise<Buffer>),
    options: AccessRecordsOptions = {},
  ) {
    const checked = (key: Buffer): Buffer => {
      if (key.length < 32) throw new Error('the access chain key must be at least 32 bytes');
      return key;
    };
    if (Buffer.isBuffer(chainKey)) {
      const key = checked(chainKey);
      this.#chainKey = () => Promise.resolve(key);
    } else {
      this.#chainKey = async () => checked(await chainKey());
    }
    this.#repository = new AccessRecordsRepository(db);
    this.#now = options.now ?? (() => new Date());
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 20;
  }

  /**
   * Validates and chains one record. Rejects with `ValidationError` for a bad entry, and with
   * `ServiceUnavailableError` (`access_record_unavailable`) when it cannot be written: the caller
   * must then not hand out the data.
   */
  append(entry: AccessEntry): Promise<AccessRecord> {
    let valid: AccessEntry;
    try {
      valid = validateAccessEntry(entry);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#queue.then(() => this.#appendNow(valid));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #appendNow(entry: AccessEntry): Promise<AccessRecord> {
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt += 1) {
      const tail = await this.#tail();
      const body: Omit<AccessRecord, 'mac'> = {
        seq: tail.seq + 1,
        at: this.#now(),
        actor: { id: entry.actor.id, role: entry.actor.role },
        ip: entry.ip,
        action: entry.action,
        dataset: entry.dataset,
        subjects: entry.subjects,
        subjectCount: entry.subjects.length,
        fields: entry.fields,
        // The purpose, not the person: any personal data pattern in it is masked before it is
        // chained (the API also refuses registration, card and account numbers outright).
        reason: entry.reason === null ? null : scrub(entry.reason),
        requestId: entry.requestId ?? null,
        prev: tail.prev,
      };
      const record: AccessRecord = { ...body, mac: macRecord(await this.#chainKey(), body) };
      if (await this.#repository.insert(record)) {
        await this.#repository.advanceHead(record.seq, record.mac, record.at);
        return record;
      }
      // Another process took this sequence number: wait a random while so the losers spread out.
      await sleep(Math.random() * this.#maxRetryDelayMs * Math.min(attempt + 1, 5));
    }
    throw new ServiceUnavailableError(
      'access_record_unavailable',
      'The access record could not be written; try again.',
      1,
    );
  }

  /** What the next record follows: the last stored one, or after a full purge the head/anchor. */
  async #tail(): Promise<{ seq: number; prev: string }> {
    const last = await this.#repository.getLast();
    if (last) return { seq: last.seq, prev: last.mac };
    const [head, anchor] = await Promise.all([
      this.#repository.getHead(),
      this.#repository.getAnchor(),
    ]);
    let tail = { seq: 0, prev: GENESIS_PREV };
    if (head && head.seq > tail.seq) tail = { seq: head.seq, prev: head.mac };
    if (anchor && anchor.firstSeq - 1 > tail.seq) {
      tail = { seq: anchor.firstSeq - 1, prev: anchor.prev };
    }
    return tail;
  }

  /** Walks the whole chain in batches; never holds more than one batch. */
  async verify(): Promise<VerifyResult> {
    const problems: ChainProblem[] = [];
    let unlisted = 0;
    const report = (problem: ChainProblem) => {
      if (problems.length < MAX_LISTED_PROBLEMS) problems.push(problem);
      else unlisted += 1;
    };
    // The head first: it only moves after its record is stored, so it never names one we miss.
    let head = await this.#repository.getHead();
    const anchor = await this.#repository.getAnchor();
    const chainKey = await this.#chainKey();
    const start = chainStart(chainKey, anchor, report);
    const walker = new ChainWalker(chainKey, start, report);

    let headRecordMac: string | undefined;
    let after = 0;
    for (;;) {
      const batch = await this.#repository.getBatch(after, VERIFY_BATCH);
      for (const record of batch) {
        walker.next(record);
        if (head && record.seq === head.seq) headRecordMac = record.mac;
      }
      const last = batch.at(-1);
      if (!last || batch.length < VERIFY_BATCH) break;
      after = last.seq;
    }

    const lastSeq = walker.lastSeq;
    // A first append may have stored its record but not yet its head marker.
    if (!head && lastSeq !== undefined) head = await this.#repository.getHead();
    if (!head) {
      if (lastSeq !== undefined) {
        report({ seq: lastSeq, problem: 'head_missing', detail: 'no head marker' });
      }
    } else {
      const end = lastSeq ?? start.firstSeq - 1;
      if (head.seq > end) {
        report({
          seq: end + 1,
          problem: 'truncated',
          detail: `the head marker names record ${head.seq}, the last stored is ${lastSeq ?? 'none'}`,
        });
      } else if (headRecordMac !== undefined && headRecordMac !== head.mac) {
        report({
          seq: head.seq,
          problem: 'head_mismatch',
          detail: 'the record the head marker names has another MAC',
        });
      }
    }
    const foreign = await this.#repository.countForeign();
    if (foreign > 0) {
      report({
        seq: null,
        problem: 'malformed',
        detail: `${foreign} document(s) without a sequence number`,
      });
    }

    return {
      ok: problems.length === 0,
      checked: walker.checked,
      firstSeq: walker.firstSeq ?? null,
      lastSeq: lastSeq ?? null,
      headSeq: head?.seq ?? null,
      anchorSeq: start.anchored ? start.firstSeq : null,
      problems,
      unlistedProblems: unlisted,
    };
  }

  /**
   * Deletes the records older than `retentionDays`, strictly from the start of the chain: the
   * first record inside the retention stops it, whatever comes after (clocks of two processes may
   * disagree a little). It refuses a retention under two years, and refuses to delete records
   * that do not verify. The anchor is written before the deletion, so a purge cut short leaves
   * extra old records, never an unexplained gap.
   */
  async purgeOlderThan(
    retentionDays: number,
    options: { dryRun?: boolean } = {},
  ): Promise<PurgeResult> {
    if (!Number.isInteger(retentionDays) || retentionDays < MIN_ACCESS_RECORD_RETENTION_DAYS) {
      throw new RangeError(
        `access records are kept at least ${MIN_ACCESS_RECORD_RETENTION_DAYS} days, not ${retentionDays}`,
      );
    }
    const now = this.#now();
    const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
    let broken: ChainProblem | undefined;
    const report = (problem: ChainProblem) => {
      broken ??= problem;
    };
    const chainKey = await this.#chainKey();
    const start = chainStart(chainKey, await this.#repository.getAnchor(), report);
    const walker = new ChainWalker(chainKey, start, report);

    let lastOld: AccessRecord | undefined;
    let old = 0;
    let after = 0;
    scan: for (;;) {
      const batch = await this.#repository.getBatch(after, VERIFY_BATCH);
      for (const record of batch) {
        const expired = record.at instanceof Date && record.at.getTime() < cutoff.getTime();
        if (!expired) break scan;
        walker.next(record);
        if (broken) throw new AccessChainBrokenError(broken);
        lastOld = record;
        old += 1;
      }
      const last = batch.at(-1);
      if (!last || batch.length < VERIFY_BATCH) break;
      after = last.seq;
    }
    if (!lastOld) return { purged: 0, cutoff, firstKeptSeq: null };
    if (options.dryRun) return { purged: old, cutoff, firstKeptSeq: lastOld.seq + 1 };
    // What stays is not checked here: the anchor names the last purged record's MAC, so a broken
    // link or gap right after it stays as visible to `verify()` as it is now.

    const body = { firstSeq: lastOld.seq + 1, prev: lastOld.mac, purgedAt: now, cutoff };
    await this.#repository.advanceAnchor({ ...body, mac: macAnchor(chainKey, body) });
    const purged = await this.#repository.deleteThrough(lastOld.seq);
    return { purged, cutoff, firstKeptSeq: body.firstSeq };
  }

  /**
   * One page of a KST month's records (`YYYY-MM`), newest first, for the console's review: of one
   * actor or one data subject when given, below `beforeSeq` when given.
   */
  async page(
    month: string,
    query: { beforeSeq?: number; actorId?: string; subjectId?: string; limit: number },
  ): Promise<AccessRecord[]> {
    return this.#repository.page({ ...kstMonthRange(parseReviewMonth(month)), ...query });
  }

  /** The monthly review (월 1회 이상 점검) of one month in KST: `YYYY-MM`. */
  async review(month: string, thresholds: Partial<ReviewThresholds> = {}): Promise<AccessReview> {
    const parsed = parseReviewMonth(month);
    const { from, to } = kstMonthRange(parsed);
    return reviewAccessRecords(this.#repository.between(from, to), parsed, thresholds);
  }
}
