import net from 'node:net';
import type { ScanVerdict, VirusScanner } from '../../modules/files/inspection/virus-scan.port.js';
import {
  ProviderBadResponseError,
  ProviderRejectedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import { ProviderGateway } from '../../platform/providers/provider-gateway.js';

export interface ClamdSettings {
  host: string;
  port: number;
  /** Per attempt: connecting, streaming the file and reading the verdict. */
  timeoutMs: number;
}

/** clamd reads at most this much of a chunk at once; larger ones gain nothing. */
const CHUNK_BYTES = 64 * 1024;
/** A verdict line is a signature name and a word; anything this long is not one. */
const MAX_REPLY_BYTES = 1_024;
/** The signature names ClamAV gives (`Win.Test.EICAR_HDB-1`): printable ASCII, no spaces. */
const SIGNATURE_NAME = /^[\x21-\x7e]{1,200}$/;

/**
 * Scans a file with clamd over TCP, through the INSTREAM command (clamd's protocol, `man clamd`):
 * `zINSTREAM\0`, the bytes in chunks each prefixed by its length (4 bytes, big-endian), a
 * zero-length chunk to end, then one NUL-terminated reply: `stream: OK`,
 * `stream: <signature> FOUND`, or `… ERROR`. One connection per scan: clamd serves each on its
 * own thread, so concurrent uploads are scanned at once.
 *
 * Written here rather than taken from npm: the clients there either probe for local binaries and
 * configuration files on start (`clamscan`) or are unmaintained (`clamdjs`), and this is one
 * command of a documented protocol. Calls go through the provider gateway (`clamav`): a timeout
 * per attempt, one retry, a circuit breaker, and the call metrics the alarms watch. A scan that
 * cannot be made is an error (503, 504, or 502 for a misconfigured limit), never a clean verdict,
 * and the file stays pending for the member to complete again.
 */
export class ClamdVirusScanner implements VirusScanner {
  readonly name = 'clamav';
  readonly real = true;

  constructor(
    private readonly settings: ClamdSettings,
    readonly gateway = new ProviderGateway('clamav', {
      timeoutMs: settings.timeoutMs,
      retries: 1,
      failuresToOpen: 5,
      halfOpenAfterMs: 30_000,
    }),
  ) {}

  scan(bytes: Uint8Array): Promise<ScanVerdict> {
    return this.gateway.call('scan', { idempotent: true }, async (signal) =>
      verdictOf(await this.instream(bytes, signal)),
    );
  }

  private instream(bytes: Uint8Array, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.settings.host, port: this.settings.port });
      const received: Buffer[] = [];
      let receivedBytes = 0;
      let settled = false;
      const settle = (outcome: { reply: string } | { error: Error }) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        if ('reply' in outcome) resolve(outcome.reply);
        else reject(outcome.error);
      };
      const onAbort = () => settle({ error: new ProviderTimeoutError('clamav') });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });

      socket.on('connect', () => {
        socket.write('zINSTREAM\0');
        for (let at = 0; at < bytes.byteLength; at += CHUNK_BYTES) {
          const chunk = bytes.subarray(at, Math.min(at + CHUNK_BYTES, bytes.byteLength));
          const length = Buffer.alloc(4);
          length.writeUInt32BE(chunk.byteLength);
          socket.write(length);
          socket.write(chunk);
        }
        socket.write(Buffer.alloc(4));
      });
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        receivedBytes += chunk.length;
        const reply = Buffer.concat(received);
        const end = reply.indexOf(0);
        if (end >= 0) settle({ reply: reply.subarray(0, end).toString('latin1') });
        else if (receivedBytes > MAX_REPLY_BYTES) {
          settle({ error: new ProviderBadResponseError('clamav', 'reply too long') });
        }
      });
      // clamd may answer and close while the file is still being sent (a stream over its limit):
      // the write fails, and the reply already read, if any, is the answer. `close` follows
      // every `error`, so the outcome is decided there.
      socket.on('error', () => undefined);
      socket.on('close', () =>
        settle({
          error:
            receivedBytes > 0
              ? new ProviderBadResponseError('clamav', 'reply not terminated')
              : new ProviderUnavailableError('clamav'),
        }),
      );
    });
  }
}

function verdictOf(reply: string): ScanVerdict {
  if (reply === 'stream: OK') return { clean: true };
  const found = /^stream: (.*) FOUND$/s.exec(reply);
  // Found is found: a name we cannot read still refuses the file.
  if (found) {
    return { clean: false, signature: SIGNATURE_NAME.test(found[1]!) ? found[1]! : 'unnamed' };
  }
  // Our file is over clamd's StreamMaxLength: its configuration, not the file, is at fault.
  if (reply.startsWith('INSTREAM size limit exceeded')) {
    throw new ProviderRejectedError('clamav', 'size_limit_exceeded');
  }
  // clamd's own trouble (memory, a database reload, a read timeout): worth another attempt.
  if (reply.endsWith(' ERROR')) throw new ProviderUnavailableError('clamav');
  throw new ProviderBadResponseError('clamav', 'unexpected reply');
}
