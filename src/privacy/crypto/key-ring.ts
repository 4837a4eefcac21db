import path from 'node:path';
import { type DataKeyProvider, LocalDataKeyProvider } from './data-key-provider.js';
import { KeyUnavailableError } from './field-decryption.error.js';
import { FileKeyRingStore, loadLocalMasterKey } from './file-key-ring-store.js';
import { type KeyRingRecord, type KeyRingStore, latestVersion } from './key-ring-store.js';

export type { KeyRingRecord, KeyRingStore } from './key-ring-store.js';

/** What the key ring logs through; a pino logger fits. */
export interface KeyRingLogger {
  warn(obj: object, msg: string): void;
}

export interface KeyRingOptions {
  /**
   * How long an unwrapped key is used before the provider (KMS `Decrypt`) is asked again, so a
   * disabled master key or a revoked grant stops all use of the keys within this time.
   * Default: no expiry.
   */
  ttlMs?: number;
  /** The clock, in milliseconds; tests pass their own. */
  now?: () => number;
  /**
   * Open even when keys cannot be unwrapped now (KMS unreachable): they stay cold, each use
   * tries again and answers 503 meanwhile. For long-running services, which then recover without
   * a restart; commands leave it off and fail at once.
   */
  tolerateUnavailable?: boolean;
  /** Where failed background refreshes are reported. */
  logger?: KeyRingLogger;
}

/** Share of the TTL, at its end, in which using a key starts a refresh in the background. */
const REFRESH_AHEAD = 0.15;
/** After a refresh that failed, uses wait this long before starting another. */
const REFRESH_RETRY_MS = 5_000;

/** An unwrapped key and its deadlines. Invariant: `refreshAt <= expiresAt`. */
interface CachedKey {
  key: Buffer;
  refreshAt: number;
  expiresAt: number;
}

/** `NotFoundException: …`: KMS errors carry their meaning in the name, some with no message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'Error') return error.message;
  return error.message ? `${error.name}: ${error.message}` : error.name;
}

/** A data key version, or the blind index key (never used as a data key). */
type Slot = number | 'blind-index';
const BLIND_INDEX = 'blind-index';

/**
 * Versioned data keys. `current` encrypts; every known version decrypts. All keys are unwrapped
 * when the ring opens; each is then used for `ttlMs` and unwrapped again. A key used in the last
 * part of its TTL is refreshed in the background, so a healthy service never waits on the
 * provider; when the provider is down, keys within their TTL keep working and a request that
 * needs another key gets `KeyUnavailableError` (503).
 *
 * The synchronous `dataKey`/`blindIndexKey` are the hot path: a map lookup and, with a TTL,
 * one clock read. `ensure`/`ensureBlindIndexKey` are the slow path that unwraps.
 */
export class KeyRing {
  private readonly cache = new Map<Slot, CachedKey>();
  private readonly unwrapping = new Map<Slot, Promise<Buffer>>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly logger: KeyRingLogger | undefined;
  /** The version new ciphertexts use; follows the stored current once its key is held. */
  private current: number;

  private constructor(
    private readonly store: KeyRingStore,
    private readonly provider: DataKeyProvider,
    /** The newest stored record seen: where wrapped keys are looked up. */
    private record: KeyRingRecord,
    options: KeyRingOptions,
  ) {
    this.ttlMs = options.ttlMs ?? Infinity;
    if (!(this.ttlMs > 0)) throw new Error('the data key TTL must be positive');
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.current = record.current;
  }

  /** `local` mode: `<dir>/master.key` and `<dir>/field-keys.json`, created on first start. */
  static async openLocal(dir: string, options: KeyRingOptions = {}): Promise<KeyRing> {
    const provider = new LocalDataKeyProvider(await loadLocalMasterKey(dir));
    return KeyRing.open(new FileKeyRingStore(path.join(dir, 'field-keys.json')), provider, options);
  }

  static async open(
    store: KeyRingStore,
    provider: DataKeyProvider,
    options: KeyRingOptions = {},
  ): Promise<KeyRing> {
    let record = await store.load();
    if (!record) {
      const candidate = await KeyRing.initialRecord(provider);
      if (!(await store.create(candidate))) record = await store.load();
      record ??= candidate;
    }
    if (record.format !== 1) throw new Error(`key ring format ${String(record.format)} unknown`);
    if (record.provider !== provider.name) {
      throw new Error(
        `the key ring was written by the ${record.provider} provider, not ${provider.name}`,
      );
    }
    const { current } = record;
    if (!record.dataKeys.some((k) => k.version === current)) {
      throw new Error(`the key ring's current version ${current} has no key`);
    }
    const ring = new KeyRing(store, provider, record, options);
    const slots: Slot[] = [BLIND_INDEX, ...record.dataKeys.map((k) => k.version)];
    const unwrapped = await Promise.allSettled(slots.map((slot) => ring.unwrap(slot)));
    for (const [i, outcome] of unwrapped.entries()) {
      if (outcome.status === 'fulfilled') continue;
      const error: unknown = outcome.reason;
      if (!options.tolerateUnavailable || !(error instanceof KeyUnavailableError)) throw error;
      options.logger?.warn(
        { err: error, key: slots[i] },
        'a key could not be unwrapped at start; it is tried again on use (503 until then)',
      );
    }
    return ring;
  }

  private static async initialRecord(provider: DataKeyProvider): Promise<KeyRingRecord> {
    const createdAt = new Date().toISOString();
    const first = await provider.generateDataKey();
    const index = await provider.generateDataKey();
    return {
      format: 1,
      provider: provider.name,
      current: 1,
      dataKeys: [{ version: 1, wrapped: first.wrapped.toString('base64'), createdAt }],
      blindIndexKey: { wrapped: index.wrapped.toString('base64'), createdAt },
    };
  }

  get currentVersion(): number {
    return this.current;
  }

  /** Every version the ring knows, whether its key is in memory now or not. */
  get versions(): number[] {
    return this.record.dataKeys.map((k) => k.version).sort((a, b) => a - b);
  }

  /** Whether the stored ring (as last read) has `version`; its key may need unwrapping. */
  hasVersion(version: number): boolean {
    return this.record.dataKeys.some((k) => k.version === version);
  }

  /**
   * The plaintext data key of a version while it is within its TTL; undefined when this ring
   * does not hold it or it expired (`ensure` unwraps it again).
   */
  dataKey(version: number): Buffer | undefined {
    return this.fresh(version);
  }

  /**
   * The blind index HMAC key while it is within its TTL; throws `KeyUnavailableError` (503) once
   * it expired, and starts unwrapping it again. `ensureBlindIndexKey` waits for that instead.
   */
  get blindIndexKey(): Buffer {
    const key = this.fresh(BLIND_INDEX);
    if (key) return key;
    this.unwrapInBackground(BLIND_INDEX);
    throw new KeyUnavailableError('the blind index key expired and is being unwrapped again');
  }

  /** The blind index key, unwrapped again first when it expired; rejects like `ensure`. */
  async ensureBlindIndexKey(): Promise<Buffer> {
    return this.fresh(BLIND_INDEX) ?? this.unwrap(BLIND_INDEX);
  }

  /**
   * The data key of `version` (default: the current one), unwrapped again through the provider
   * when it expired or this instance never held it; a version this instance has not seen yet is
   * first looked up in the store (another instance rotated). Concurrent calls for one version
   * share one unwrap. Resolves undefined when the version exists nowhere; rejects with
   * `KeyUnavailableError` (503) when the provider fails.
   */
  async ensure(version: number = this.current): Promise<Buffer | undefined> {
    const key = this.fresh(version);
    if (key) return key;
    if (!this.hasVersion(version) && !(await this.reload(version))) return undefined;
    return this.fresh(version) ?? this.unwrap(version);
  }

  /**
   * Re-reads the store, so versions another instance added become known, and unwraps the stored
   * current version so new ciphertexts use it. Provider failures become `KeyUnavailableError`
   * (503); keys already held keep working. Returns whether `version` is now known.
   */
  async reload(version?: number): Promise<boolean> {
    const latest = await this.store.load();
    if (latest && latestVersion(latest) >= latestVersion(this.record)) this.record = latest;
    const target = this.record.current;
    if (this.current !== target) {
      if (!this.fresh(target)) await this.unwrap(target);
      if (this.record.current === target) this.current = target;
    }
    return version === undefined || this.hasVersion(version);
  }

  /** Adds a new data key version and makes it current; returns the new version. */
  async rotate(): Promise<number> {
    const { plaintext, wrapped } = await this.provider.generateDataKey();
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.reload(); // also holds every version another instance added
      const latest = latestVersion(this.record);
      const version = latest + 1;
      const record: KeyRingRecord = {
        ...this.record,
        current: version,
        dataKeys: [
          ...this.record.dataKeys,
          { version, wrapped: wrapped.toString('base64'), createdAt: new Date().toISOString() },
        ],
      };
      if (await this.store.replace(record, latest)) {
        this.record = record;
        this.hold(version, plaintext);
        return version;
      }
    }
    throw new Error('the key ring kept changing during rotation; try again');
  }

  /** Resolves once no unwrap is under way, background refreshes included (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.unwrapping.size > 0) await Promise.allSettled([...this.unwrapping.values()]);
  }

  /** The hot path: the key of a slot while it is fresh, starting a refresh near its expiry. */
  private fresh(slot: Slot): Buffer | undefined {
    const entry = this.cache.get(slot);
    if (entry === undefined) return undefined;
    if (entry.refreshAt === Infinity) return entry.key; // no TTL: no clock read
    const now = this.now();
    if (now >= entry.refreshAt) {
      if (now >= entry.expiresAt) return undefined;
      // Until this attempt settles, uses within the window do not start another one.
      entry.refreshAt = Math.min(entry.expiresAt, now + REFRESH_RETRY_MS);
      this.unwrapInBackground(slot);
    }
    return entry.key;
  }

  private unwrapInBackground(slot: Slot): void {
    if (this.unwrapping.has(slot)) return;
    this.unwrap(slot).catch((error: unknown) => {
      this.logger?.warn(
        { err: error, key: slot },
        'could not unwrap a key ahead of its expiry; it is used until it expires',
      );
    });
  }

  /** Unwraps the key of a slot through the provider; concurrent calls share one call. */
  private unwrap(slot: Slot): Promise<Buffer> {
    let pending = this.unwrapping.get(slot);
    if (!pending) {
      pending = this.fetch(slot).finally(() => this.unwrapping.delete(slot));
      this.unwrapping.set(slot, pending);
    }
    return pending;
  }

  private async fetch(slot: Slot): Promise<Buffer> {
    const wrapped =
      slot === BLIND_INDEX
        ? this.record.blindIndexKey.wrapped
        : this.record.dataKeys.find((k) => k.version === slot)?.wrapped;
    if (wrapped === undefined) throw new Error(`the key ring has no version ${slot}`);
    let key: Buffer;
    try {
      key = await this.provider.decrypt(Buffer.from(wrapped, 'base64'));
    } catch (error) {
      throw new KeyUnavailableError(describe(error));
    }
    return this.hold(slot, key);
  }

  /** Keeps an unwrapped key for one TTL from now. */
  private hold(slot: Slot, key: Buffer): Buffer {
    const now = this.now();
    const expiresAt = now + this.ttlMs;
    const refreshAt =
      this.ttlMs === Infinity ? Infinity : now + Math.floor(this.ttlMs * (1 - REFRESH_AHEAD));
    const held = this.cache.get(slot);
    let kept = key;
    if (held?.key.equals(key)) {
      // A refresh: keep the Buffer already handed out and wipe the new copy.
      key.fill(0);
      held.refreshAt = refreshAt;
      held.expiresAt = expiresAt;
      kept = held.key;
    } else {
      this.cache.set(slot, { key, refreshAt, expiresAt });
    }
    if (slot === this.record.current) this.current = slot;
    return kept;
  }
}
