import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A KMS stand-in for tests: `GenerateDataKey` and `Decrypt` over the AWS JSON 1.1 protocol, as
 * the real SDK client speaks it (POST /, `X-Amz-Target: TrentService.<Operation>`,
 * `Content-Type: application/x-amz-json-1.1`, blobs in base64, errors as `{"__type", "message"}`
 * with the real exception names). The crypto is real: every key has a 256-bit master key held
 * here, data keys are wrapped with AES-256-GCM and the encryption context is the additional
 * authenticated data, so a wrong context or a flipped bit fails as it would in KMS.
 * No KMS emulator among our stand-ins covers encryption context and key state, hence this file.
 */

export type KmsOperation = 'GenerateDataKey' | 'Decrypt';

export interface KmsStubOptions {
  region?: string;
  accountId?: string;
}

interface StubKey {
  id: string;
  arn: string;
  master: Buffer;
  enabled: boolean;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'TrentService.';
const BLOB_FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What KMS answers with; `status` as the service sends it (client faults are all 400). */
class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class KmsStub {
  /** Requests received per operation, answered or not. */
  readonly calls: Record<KmsOperation, number> = { GenerateDataKey: 0, Decrypt: 0 };
  /** While true every request gets 500 `KMSInternalException` (the SDK retries those). */
  down = false;

  private readonly keys = new Map<string, StubKey>();
  private readonly aliases = new Map<string, string>();
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly options: Required<KmsStubOptions>) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** A stub listening on 127.0.0.1 on a free port. */
  static async start(options: KmsStubOptions = {}): Promise<KmsStub> {
    const stub = new KmsStub({
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '111122223333',
    });
    await stub.start();
    return stub;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get region(): string {
    return this.options.region;
  }

  /** Creates an enabled symmetric key; returns its key id. `alias` without the `alias/` prefix. */
  createKey(alias?: string): string {
    const id = randomUUID();
    const { region, accountId } = this.options;
    const arn = `arn:aws:kms:${region}:${accountId}:key/${id}`;
    this.keys.set(id, { id, arn, master: randomBytes(32), enabled: true });
    if (alias) this.aliases.set(alias, id);
    return id;
  }

  /** Like `DisableKey`: the key refuses every cryptographic operation until enabled again. */
  setEnabled(keyId: string, enabled: boolean): void {
    this.resolve(keyId).enabled = enabled;
  }

  /** (Re)opens the listener on the same port after `stop()`. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops open connections: clients get connection refused. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
    this.server.closeAllConnections();
    await closed;
  }

  close(): Promise<void> {
    return this.stop();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const requestId = randomUUID();
    const answer = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': CONTENT_TYPE,
        'Content-Length': Buffer.byteLength(text),
        'x-amzn-RequestId': requestId,
      });
      res.end(text);
    };
    try {
      const operation = this.operationOf(req);
      this.calls[operation] += 1;
      if (this.down) throw new KmsFault('KMSInternalException', 'internal error', 500);
      const input = parseBody(Buffer.concat(chunks));
      answer(
        200,
        operation === 'GenerateDataKey' ? this.generateDataKey(input) : this.decrypt(input),
      );
    } catch (error) {
      if (!(error instanceof KmsFault)) throw error;
      answer(error.status, { __type: error.type, message: error.message });
    }
  }

  private operationOf(req: IncomingMessage): KmsOperation {
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 Credential=')) {
      throw new KmsFault('MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    const target = req.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : undefined;
    if (
      req.method !== 'POST' ||
      req.url !== '/' ||
      req.headers['content-type'] !== CONTENT_TYPE ||
      (operation !== 'GenerateDataKey' && operation !== 'Decrypt')
    ) {
      throw new KmsFault('UnknownOperationException', '');
    }
    return operation;
  }

  private generateDataKey(input: Record<string, unknown>): Record<string, unknown> {
    const key = this.usable(requireString(input, 'KeyId'));
    const context = encryptionContextOf(input);
    const { KeySpec: spec, NumberOfBytes: count } = input;
    if ((spec === undefined) === (count === undefined)) {
      throw new KmsFault(
        'ValidationException',
        'Please specify either number of bytes or key spec.',
      );
    }
    let bytes: number;
    if (spec !== undefined) {
      if (spec !== 'AES_256' && spec !== 'AES_128') {
        throw new KmsFault(
          'ValidationException',
          `1 validation error detected: Value '${String(spec)}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
        );
      }
      bytes = spec === 'AES_256' ? 32 : 16;
    } else {
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1024) {
        throw new KmsFault('ValidationException', 'NumberOfBytes must be from 1 to 1024');
      }
      bytes = count;
    }
    const plaintext = randomBytes(bytes);
    return {
      CiphertextBlob: this.wrap(key, plaintext, context).toString('base64'),
      Plaintext: plaintext.toString('base64'),
      KeyId: key.arn,
    };
  }

  private decrypt(input: Record<string, unknown>): Record<string, unknown> {
    const blob = Buffer.from(requireString(input, 'CiphertextBlob'), 'base64');
    const context = encryptionContextOf(input);
    const algorithm = input.EncryptionAlgorithm;
    if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
      throw new KmsFault('IncorrectKeyException', 'The key does not support this algorithm.');
    }
    const parsed = parseBlob(blob);
    const key = this.keys.get(parsed.keyId);
    if (!key) throw new KmsFault('InvalidCiphertextException', '');
    if (input.KeyId !== undefined) {
      const named = this.resolve(requireString(input, 'KeyId'));
      if (named.id !== key.id) {
        throw new KmsFault(
          'IncorrectKeyException',
          'The key ID in the request does not identify a CMK that can perform this operation.',
        );
      }
    }
    if (!key.enabled) throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.master, parsed.iv);
      decipher.setAAD(aadOf(parsed.header, context));
      decipher.setAuthTag(parsed.tag);
      plaintext = Buffer.concat([decipher.update(parsed.body), decipher.final()]);
    } catch {
      throw new KmsFault('InvalidCiphertextException', '');
    }
    return {
      KeyId: key.arn,
      Plaintext: plaintext.toString('base64'),
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  }

  /** format (1) · key id length (1) · key id · IV (12) · tag (16) · body */
  private wrap(key: StubKey, plaintext: Buffer, context: Record<string, string>): Buffer {
    const id = Buffer.from(key.id, 'utf8');
    const header = Buffer.concat([Buffer.from([BLOB_FORMAT, id.length]), id]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.master, iv);
    cipher.setAAD(aadOf(header, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), body]);
  }

  /** A key id, key ARN, alias name or alias ARN, as KMS accepts them. */
  private resolve(keyId: string): StubKey {
    const { region, accountId } = this.options;
    let id: string | undefined = keyId;
    const arn = /^arn:aws:kms:([^:]+):(\d+):(key|alias)\/(.+)$/.exec(keyId);
    if (arn) {
      const [, arnRegion, arnAccount, kind, name] = arn;
      if (arnRegion !== region || arnAccount !== accountId) id = undefined;
      else id = kind === 'key' ? name : this.aliases.get(name ?? '');
    } else if (keyId.startsWith('alias/')) {
      id = this.aliases.get(keyId.slice('alias/'.length));
      if (!id) {
        throw new KmsFault(
          'NotFoundException',
          `Alias arn:aws:kms:${region}:${accountId}:${keyId} is not found.`,
        );
      }
    }
    const key = id === undefined ? undefined : this.keys.get(id);
    if (!key) {
      throw new KmsFault(
        'NotFoundException',
        `Key '${arn ? keyId : `arn:aws:kms:${region}:${accountId}:key/${keyId}`}' does not exist`,
      );
    }
    return key;
  }

  private usable(keyId: string): StubKey {
    const key = this.resolve(keyId);
    if (!key.enabled) throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    return key;
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (input && typeof input === 'object' && !Array.isArray(input)) {
      return input as Record<string, unknown>;
    }
  } catch {
    // answered below, as the service does
  }
  throw new KmsFault(
    'SerializationException',
    'Start of structure or map found where not expected.',
  );
}

function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value === '') {
    throw new KmsFault(
      'ValidationException',
      `1 validation error detected: Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function encryptionContextOf(input: Record<string, unknown>): Record<string, string> {
  const context = input.EncryptionContext ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new KmsFault('SerializationException', 'EncryptionContext must be a map');
  }
  const entries = Object.entries(context);
  if (!entries.every(([, value]) => typeof value === 'string')) {
    throw new KmsFault('SerializationException', 'EncryptionContext values must be strings');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The blob header and the context, its pairs sorted: KMS ignores the order of the pairs. */
function aadOf(header: Buffer, context: Record<string, string>): Buffer {
  const pairs = Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.concat([header, Buffer.from(JSON.stringify(pairs), 'utf8')]);
}

function parseBlob(blob: Buffer): {
  header: Buffer;
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
} {
  const idLength = blob[1] ?? 0;
  const ivAt = 2 + idLength;
  const bodyAt = ivAt + IV_BYTES + TAG_BYTES;
  if (blob[0] !== BLOB_FORMAT || idLength === 0 || blob.length <= bodyAt) {
    throw new KmsFault('InvalidCiphertextException', '');
  }
  return {
    header: blob.subarray(0, ivAt),
    keyId: blob.subarray(2, ivAt).toString('utf8'),
    iv: blob.subarray(ivAt, ivAt + IV_BYTES),
    tag: blob.subarray(ivAt + IV_BYTES, bodyAt),
    body: blob.subarray(bodyAt),
  };
}
