import type { AppConfig } from '../../../config/config.js';
import { defineCommand, readCommandArgs } from '../../../platform/process/cli-command.js';
import { deliveryKind, type InboxEntry } from '../../stub-inbox.js';

export const DEV_INBOX_COMMAND = defineCommand({
  name: 'dev inbox',
  summary: 'print the messages the local stack sent (the local inbox; local only)',
  description: `
Prints what the running local stack (npm start) sent, newest first: every SMS, LMS and KakaoTalk
AlimTalk the Popbill stub accepted, with the number it went to, the template code, and whether
KakaoTalk could not deliver and the SMS/LMS fallback did; and every alert the Slack stub was
posted, with its channel and whether it answered an earlier alert's thread. The same list is a page at
http://127.0.0.1:<LOCAL_POPBILL_PORT>/inbox. Exit 1 when the stack is not running; refused in aws
mode (exit 2): there the messages reach real phones.`,
  options: {
    limit: { type: 'string', value: '<n>', description: 'print at most n messages (default 20)' },
    json: { type: 'boolean', description: 'print the entries as JSON' },
  },
  examples: ['npm run cli -- dev inbox', 'npm run cli -- dev inbox --limit 5'],
});

interface Writer {
  write(text: string): unknown;
}

export interface DevInboxContext {
  config: AppConfig;
  argv: readonly string[];
  out: Writer;
  err: Writer;
}

function describe(entry: InboxEntry): string {
  const kind = deliveryKind(entry);
  const subject = entry.subject ? `  [${entry.subject}]\n` : '';
  const text = entry.text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `${entry.at}  to ${entry.receiver}  ${kind}\n${subject}${text}\n`;
}

export async function devInboxCommand(context: DevInboxContext): Promise<number> {
  const args = readCommandArgs(DEV_INBOX_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const popbill = context.config.providers.popbill;
  if (context.config.mode !== 'local' || !popbill) {
    context.err.write(
      'dev inbox reads the local Popbill stub: local mode only (APP_MODE=local).\n',
    );
    return 2;
  }
  const limit = args.values.limit === undefined ? 20 : Number(args.values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    context.err.write('--limit: expected a positive whole number\n');
    return 2;
  }
  let entries: InboxEntry[];
  try {
    const response = await fetch(new URL('/_inbox', popbill.apiUrl), {
      signal: AbortSignal.timeout(3_000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    entries = (await response.json()) as InboxEntry[];
  } catch {
    context.err.write(
      `The Popbill stub at ${popbill.apiUrl} does not answer: is the local stack running (npm start)?\n`,
    );
    return 1;
  }
  const shown = entries.slice(0, limit);
  if (args.values.json) {
    context.out.write(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  }
  if (shown.length === 0) {
    context.out.write('No messages yet.\n');
    return 0;
  }
  context.out.write(`${shown.map(describe).join('\n')}`);
  if (entries.length > shown.length) {
    context.out.write(`\n… ${entries.length - shown.length} older (--limit ${entries.length})\n`);
  }
  return 0;
}
