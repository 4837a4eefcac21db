import { commandAudit } from '../../platform/audit/audit-log.js';
import { defineCommand, readCommandArgs, usageError } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { PersonalDataCodec } from '../personal-data/codec.js';
import { reencrypt, resumableJob } from './reencrypt.js';
import { type Output, reencryptProgress } from './reencrypt-progress.js';
import { ReencryptionRepository } from './reencryption.repository.js';

export const ROTATE_KEYS_COMMAND = defineCommand({
  name: 'privacy rotate-keys',
  summary: 'make a new field key version current, then re-encrypt older records (resumable)',
  description: `
Makes a new data key version current (reads keep accepting the older ones, so nothing stops),
then re-encrypts every record written under an older one in resumable batches: an unfinished
pass for the current version is continued instead. Ctrl-C stops after the batch in progress.
Exit 0 when every record is under the current version, 1 when some could not be re-encrypted.`,
  options: {
    'no-rotate': { type: 'boolean', description: 'only re-encrypt, to the current version' },
    'batch-size': { type: 'string', value: '<n>', description: 'records per batch' },
  },
  examples: [
    'npm run cli -- privacy rotate-keys',
    'npm run cli -- privacy rotate-keys --no-rotate',
  ],
});

/** What the command uses of the CLI's context, plus the privacy layer's keys and codecs. */
export interface RotateKeysCommandContext extends Pick<
  DatabaseCommandContext,
  'argv' | 'logger' | 'db' | 'err' | 'config'
> {
  /** The ring the codecs' ciphers encrypt with. */
  keys: KeyRing;
  /** One per personal data policy (PERSONAL_DATA_POLICIES). */
  codecs: readonly PersonalDataCodec<string>[];
  out: Output;
  /** Stops after the batch in progress (SIGINT and SIGTERM do the same). */
  signal?: AbortSignal;
  /**
   * Ciphertexts the codecs do not know, re-encrypted to the current version after them (the
   * composition root passes the Firestore migration's `_legacy` copies while it exists).
   */
  extraReencryptions?: readonly ExtraReencryption[];
}

export interface ExtraReencryption {
  name: string;
  run(
    currentVersion: number,
    signal: AbortSignal,
  ): Promise<{
    scanned: number;
    reencrypted: number;
    failed: { collection: string; documentId: string; field: string; reason: string }[];
  }>;
}

/**
 * `cli privacy rotate-keys`: a new key version becomes current (reads keep accepting the old
 * ones, so nothing stops), then every record under an older version is re-encrypted in resumable
 * batches. Exit 0 when every record is under the current version, 1 when some could not be
 * re-encrypted (listed) or the pass was interrupted, 2 on usage.
 */
export async function rotateKeysCommand(context: RotateKeysCommandContext): Promise<number> {
  const parsed = readCommandArgs(ROTATE_KEYS_COMMAND, context.argv, context);
  if ('exitCode' in parsed) return parsed.exitCode;
  const raw = parsed.values['batch-size'];
  const batchSize = raw === undefined ? undefined : Number(raw);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    return usageError(ROTATE_KEYS_COMMAND, context.err, '--batch-size expects a positive number');
  }
  const args = { rotate: parsed.values['no-rotate'] !== true, batchSize };
  const { keys, out } = context;

  await keys.reload(); // another instance may have rotated since this ring opened
  const unfinished = resumableJob(
    await new ReencryptionRepository(context.db).getJob(),
    keys.currentVersion,
  );
  if (!args.rotate) {
    out.write(`re-encrypting to the current key version ${keys.currentVersion}\n`);
  } else if (unfinished) {
    out.write(
      `an unfinished re-encryption to key version ${unfinished.keyVersion} ` +
        `(started ${unfinished.startedAt.toISOString()}) is resumed; no new key version is made\n`,
    );
  } else {
    const previous = keys.currentVersion;
    const version = await keys.rotate();
    context.logger.info({ keyVersion: version, previous }, 'data key rotated');
    await commandAudit(context).record({
      action: 'privacy.data-key.rotated',
      actor: { type: 'cli' },
      subject: { type: 'data-key', id: String(version) },
      outcome: 'rotated',
      details: { command: 'privacy rotate-keys', previous },
    });
    out.write(
      `key version ${version} is now current (was ${previous}); running instances take it up ` +
        'when they next reload the key ring, and old versions keep decrypting\n',
    );
  }

  const controller = new AbortController();
  const stop = (): void => controller.abort();
  context.signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const display = reencryptProgress(out);
  let result;
  try {
    result = await reencrypt({
      db: context.db,
      codecs: context.codecs,
      keys,
      batchSize: args.batchSize,
      onProgress: (event) => display.onProgress(event),
      signal: controller.signal,
    });
  } finally {
    display.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    context.signal?.removeEventListener('abort', stop);
  }

  context.logger.info(
    {
      keyVersion: result.keyVersion,
      finished: result.finished,
      collections: result.collections.map(({ after: _after, ...counts }) => counts),
      failed: result.failed,
    },
    'records re-encrypted',
  );
  for (const c of result.collections) {
    out.write(
      `${c.collection}: ${c.scanned} records, ${c.reencrypted} re-encrypted, ${c.failed} failed\n`,
    );
  }
  if (result.failed > 0) {
    context.err.write(
      `${result.failed} records could not be re-encrypted and are still under an older key ` +
        'version (they did not decrypt):\n',
    );
    for (const f of result.failures) {
      context.err.write(`  ${f.collection} ${f.documentId} ${f.field}: ${f.reason}\n`);
    }
    if (result.failures.length < result.failed) {
      context.err.write(`  … and ${result.failed - result.failures.length} more\n`);
    }
  }
  let extraFailed = 0;
  if (result.finished) {
    for (const extra of context.extraReencryptions ?? []) {
      const done = await extra.run(result.keyVersion, controller.signal);
      out.write(
        `${extra.name}: ${done.scanned} records, ${done.reencrypted} re-encrypted, ${done.failed.length} failed\n`,
      );
      extraFailed += done.failed.length;
      for (const f of done.failed) {
        context.err.write(`  ${f.collection} ${f.documentId} ${f.field}: ${f.reason}\n`);
      }
    }
  }
  if (!result.finished) {
    context.err.write(
      'interrupted: the position is saved; run `cli privacy rotate-keys` again to resume\n',
    );
    return 1;
  }
  if (result.failed > 0 || extraFailed > 0) return 1;
  out.write(`done: every record is under key version ${result.keyVersion}\n`);
  return 0;
}
