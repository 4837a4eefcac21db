import {
  GENESIS_PREV,
  macAnchor,
  macRecord,
  sameMac,
  type AccessAnchor,
  type AccessRecord,
} from './access-record.js';

type ChainProblemKind =
  /** The record's content (or its MAC) changed since it was written. */
  | 'mac_mismatch'
  /** The record does not link to the MAC of the record before it (or to the anchor/genesis). */
  | 'broken_link'
  /** Sequence numbers are missing: records were deleted (or never committed, see below). */
  | 'gap'
  /** The head marker names a later record than the last one stored: the tail was cut. */
  | 'truncated'
  /** The record the head marker names has another MAC than the marker holds. */
  | 'head_mismatch'
  /** Records exist but no head marker does. */
  | 'head_missing'
  /** The purge anchor's MAC does not verify; it is ignored. */
  | 'anchor_mismatch'
  /** A document whose `_id` is not a positive whole sequence number. */
  | 'malformed';

export interface ChainProblem {
  /** The first sequence number concerned; null when the problem has none. */
  seq: number | null;
  problem: ChainProblemKind;
  detail: string;
}

/** Where the stored chain must start: after a purge its anchor, otherwise record 1 at genesis. */
export interface ChainStart {
  firstSeq: number;
  prev: string;
  /** Whether an anchor (that verified) set it. */
  anchored: boolean;
}

/** Reads the anchor, reporting (and ignoring) one whose MAC fails. */
export function chainStart(
  chainKey: Buffer,
  anchor: AccessAnchor | undefined,
  report: (problem: ChainProblem) => void,
): ChainStart {
  if (!anchor) return { firstSeq: 1, prev: GENESIS_PREV, anchored: false };
  const { mac, ...body } = anchor;
  if (!sameMac(mac, macAnchor(chainKey, body))) {
    report({
      seq: Number.isInteger(anchor.firstSeq) ? anchor.firstSeq : null,
      problem: 'anchor_mismatch',
      detail: 'the purge anchor does not verify; the chain is checked from record 1',
    });
    return { firstSeq: 1, prev: GENESIS_PREV, anchored: false };
  }
  return { firstSeq: anchor.firstSeq, prev: anchor.prev, anchored: true };
}

/**
 * Checks records one at a time, in sequence order, keeping only the previous one: each MAC, each
 * link, contiguity, and the start against the anchor. Records below an anchor are what an
 * interrupted purge left behind; they are checked among themselves, and the record at the
 * anchor's sequence must still link to the anchor's `prev`.
 */
export class ChainWalker {
  checked = 0;
  firstSeq: number | undefined;
  previous: AccessRecord | undefined;

  constructor(
    private readonly chainKey: Buffer,
    private readonly start: ChainStart,
    private readonly report: (problem: ChainProblem) => void,
  ) {}

  get lastSeq(): number | undefined {
    return this.previous?.seq;
  }

  /** Checks one record; resolves whether it verified. */
  next(record: AccessRecord): boolean {
    this.checked += 1;
    const { seq } = record;
    if (!Number.isSafeInteger(seq) || seq < 1) {
      this.report({ seq: null, problem: 'malformed', detail: `_id ${String(seq)} is not a seq` });
      return false;
    }
    let ok = true;
    const fail = (problem: ChainProblem) => {
      ok = false;
      this.report(problem);
    };

    const { mac, ...body } = record;
    if (!sameMac(mac, macRecord(this.chainKey, body))) {
      fail({ seq, problem: 'mac_mismatch', detail: 'the record changed since it was written' });
    }

    const previous = this.previous;
    if (previous === undefined) {
      this.firstSeq = seq;
      const expected = this.start.firstSeq;
      if (seq > expected) {
        fail({
          seq: expected,
          problem: 'gap',
          detail: `records ${range(expected, seq - 1)} are missing at the start of the chain`,
        });
      } else if (seq === expected && record.prev !== this.start.prev) {
        fail({ seq, problem: 'broken_link', detail: linkDetail(this.start) });
      } else if (seq === 1 && record.prev !== GENESIS_PREV) {
        fail({ seq, problem: 'broken_link', detail: 'record 1 does not start at genesis' });
      }
    } else if (seq !== previous.seq + 1) {
      fail({
        seq: previous.seq + 1,
        problem: 'gap',
        detail: `records ${range(previous.seq + 1, seq - 1)} are missing`,
      });
    } else if (record.prev !== previous.mac) {
      fail({
        seq,
        problem: 'broken_link',
        detail: `does not link to record ${previous.seq}`,
      });
    } else if (
      this.start.anchored &&
      seq === this.start.firstSeq &&
      record.prev !== this.start.prev
    ) {
      fail({ seq, problem: 'broken_link', detail: linkDetail(this.start) });
    }

    this.previous = record;
    return ok;
  }
}

const range = (from: number, to: number): string => (from === to ? `${from}` : `${from}–${to}`);

const linkDetail = (start: ChainStart): string =>
  start.anchored ? 'does not link to the purge anchor' : 'does not start at genesis';
